package com.example.postmaster;

import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;
import io.postmaster.spi.PasswordHashes;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/**
 * A custom authentication method, {@code apikey}: a service sends its API key in {@code HELLO.Details.authextra.apikey}
 * and joins as the key's owner. A bean implementing {@link Authenticator} is all it takes; the realm lists the method
 * in {@code postmaster.realm.<realm>.authmethods}. Keys are stored hashed ({@link PasswordHashes#hash}), checked in
 * constant time; in a real application they would live in a database — this runs on the server's managed executor,
 * so blocking and JNDI lookups are fine.
 */
@ApplicationScoped
public class ApiKeyAuthenticator implements Authenticator {

    private record Owner(String authid, String role, String keyHash) {
    }

    // "ci-robot" has the key "ci-robot-key-5b1e" (PasswordHashes.hash("ci-robot-key-5b1e", 10000))
    private static final java.util.List<Owner> KEYS = java.util.List.of(new Owner("ci-robot", "member",
            "pbkdf2-sha256$10000$LaOIX2oq27YH3YSp2ym6tg==$7tmuwJjk9RaY/l77tdtkARqircL5gyyOkU1ORNkd0UU="));

    @Override
    public String authmethod() {
        return "apikey";
    }

    @Override
    public AuthResult hello(HelloDetails hello) {
        if (!(hello.authextra().get("apikey") instanceof String key) || key.length() > 256) {
            return AuthResult.skip(); // not this method's kind of HELLO: the client's next method is tried
        }
        for (Owner o : KEYS) {
            if (PasswordHashes.matches(key, o.keyHash())) {
                return AuthResult.accept(new Identity(o.authid(), o.role(), "example-apikey", Map.of()));
            }
        }
        return AuthResult.deny("unknown API key"); // the log line never carries the key
    }

    @Override
    public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                   Map<String, Object> extra) {
        return AuthResult.deny("apikey issues no challenge");
    }
}
