package io.postmaster.auth;

import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.CredentialStore;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;

import java.util.Map;

/**
 * {@code ticket}: the client sends a ticket (a password or token) in AUTHENTICATE, checked by the
 * {@link CredentialStore}. The ticket travels in clear, so over plain ws:// it is refused unless
 * {@code postmaster.auth.allow-ticket-without-tls} is set.
 */
public final class TicketAuthenticator implements Authenticator {
    private final CredentialStore store;
    private final boolean allowWithoutTls;

    public TicketAuthenticator(CredentialStore store, boolean allowWithoutTls) {
        this.store = store;
        this.allowWithoutTls = allowWithoutTls;
    }

    @Override
    public String authmethod() {
        return "ticket";
    }

    @Override
    public AuthResult hello(HelloDetails hello) {
        if (!hello.transport().secure() && !allowWithoutTls) {
            return AuthResult.deny("ticket authentication over an unencrypted transport is refused"
                    + " (postmaster.auth.allow-ticket-without-tls)");
        }
        if (hello.authid() == null || hello.authid().isEmpty()) {
            return AuthResult.deny("ticket authentication without an authid");
        }
        return new AuthResult.Challenge(Map.of(), null);
    }

    @Override
    public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                   Map<String, Object> extra) throws Exception {
        Identity id = store.checkTicket(hello.realm(), hello.authid(), signature);
        return id != null ? AuthResult.accept(id) : AuthResult.deny("wrong ticket or unknown authid");
    }
}
