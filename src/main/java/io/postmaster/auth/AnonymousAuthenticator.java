package io.postmaster.auth;

import io.postmaster.config.AuthConfig;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;

import java.security.SecureRandom;
import java.util.Map;

/**
 * {@code anonymous}: admits anyone to a realm that allows it, with the realm's anonymous role. The client's
 * {@code authid}, if any, is kept (it proves nothing); otherwise a random one is made up.
 */
public final class AnonymousAuthenticator implements Authenticator {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final AuthConfig config;

    public AnonymousAuthenticator(AuthConfig config) {
        this.config = config;
    }

    @Override
    public String authmethod() {
        return "anonymous";
    }

    @Override
    public AuthResult hello(HelloDetails hello) {
        AuthConfig.RealmAuth realm = config.realms().get(hello.realm());
        String role = realm == null ? "anonymous" : realm.anonymousRole();
        String authid = hello.authid() != null && !hello.authid().isEmpty() ? hello.authid() : randomAuthid();
        return AuthResult.accept(new Identity(authid, role, "static", Map.of()));
    }

    @Override
    public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                   Map<String, Object> extra) {
        return AuthResult.deny("anonymous issues no challenge");
    }

    static String randomAuthid() {
        char[] c = new char[12];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return new String(c, 0, 4) + '-' + new String(c, 4, 4) + '-' + new String(c, 8, 4);
    }
}
