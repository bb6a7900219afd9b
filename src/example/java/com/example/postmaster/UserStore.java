package com.example.postmaster;

import io.postmaster.auth.Crypto;
import io.postmaster.spi.CredentialStore;
import io.postmaster.spi.Identity;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.interceptor.Interceptor;

import java.util.Map;

/**
 * The application's own user store (the seed's GetAuthSecret), replacing Postmaster's configuration-based one.
 * Here a map; in a real application a database or an identity service (this runs on Postmaster's executor, so
 * blocking is fine). Tickets are stored hashed: made with {@code io.postmaster.auth.Passwords ticket …}.
 */
@Alternative
@Priority(Interceptor.Priority.APPLICATION + 10)
@ApplicationScoped
public class UserStore implements CredentialStore {

    private record User(String role, String ticketHash) {
    }

    // "ada" has the ticket "ada-ticket"; "bob" has "bob-ticket".
    private static final Map<String, User> USERS = Map.of(
            "ada", new User("member", "pbkdf2-sha256$10000$KAUKWfT+30DEjRpEbzAc0A==$zp/uQSA30N42ags6jc2/6TDX878BPGcatBln144vhHs="),
            "bob", new User("guest", "pbkdf2-sha256$10000$qW2nF2q9w6PcFu5O4DZ24Q==$kT3EEadiMnNjOSa5jgxOnWR3OuaJ4sf9JBMhJK5LvRw="));

    @Override
    public Identity checkTicket(String realm, String authid, String ticket) {
        User u = USERS.get(authid);
        if (u == null || !Crypto.ticketMatches(ticket, u.ticketHash())) {
            return null;
        }
        return new Identity(authid, u.role(), "example-userstore", Map.of("greeting", "welcome, " + authid));
    }

    @Override
    public CraSecret craSecret(String realm, String authid) {
        return null; // this application uses tickets only
    }

    @Override
    public Identity publicKeyOwner(String realm, String authid, String pubkey) {
        return null;
    }
}
