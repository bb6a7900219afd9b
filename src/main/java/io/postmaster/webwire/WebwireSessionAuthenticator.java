package io.postmaster.webwire;

import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;

/**
 * Authmethod {@code webwire-session}: the session key is the credential (AUTHENTICATE's signature); the session's
 * authid, role and info (as {@code authextra}) are the identity. How a webwire connection joins as its session; a
 * realm must list the method in {@code postmaster.realm.<realm>.authmethods} for it to be used there. A key is 48
 * random bytes: guessing one is hopeless, and the login guard limits the tries.
 */
@ApplicationScoped
public class WebwireSessionAuthenticator implements Authenticator {
    @Inject
    WebwireService service;

    @Override
    public String authmethod() {
        return WebwireConnection.AUTHMETHOD;
    }

    @Override
    public AuthResult hello(HelloDetails hello) {
        return new AuthResult.Challenge(Map.of(), null);
    }

    @Override
    public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                   Map<String, Object> extra) {
        StoredSession s = signature == null ? null : service.lookup(signature);
        if (s == null || !s.realm().equals(hello.realm())) {
            return AuthResult.deny("unknown or expired webwire session key");
        }
        if (hello.authid() != null && !hello.authid().equals(s.authid())) {
            return AuthResult.deny("the authid is not the session's");
        }
        return AuthResult.accept(new Identity(s.authid(), s.authrole(), "webwire", s.info()));
    }
}
