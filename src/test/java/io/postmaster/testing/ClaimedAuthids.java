package io.postmaster.testing;

import io.postmaster.router.Extensions;
import io.postmaster.router.SessionListener;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;
import io.postmaster.spi.Permissions;

import java.util.Map;
import java.util.Set;

/**
 * Open realms whose sessions are who they claim to be: the {@code authid} of HELLO (or {@code anonymous} when none),
 * role {@code anonymous}, allowed everything. For tests of what concerns several sessions of one authid, as an
 * application's authenticator gives them (a service account, a user with several tabs), without a credential store.
 */
public final class ClaimedAuthids {
    private ClaimedAuthids() {
    }

    public static Extensions extensions() {
        Authenticator claimed = new Authenticator() {
            @Override
            public String authmethod() {
                return "anonymous";
            }

            @Override
            public AuthResult hello(HelloDetails hello) {
                return AuthResult.accept(new Identity(hello.authid() == null ? "anonymous" : hello.authid(),
                        "anonymous", "test", Map.of()));
            }

            @Override
            public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                           Map<String, Object> extra) {
                return AuthResult.deny("no challenge was issued");
            }
        };
        return new Extensions(Map.of("anonymous", claimed), realm -> Set.of("anonymous"), s -> Permissions.ALL,
                (s, p, uri, a) -> p.decide(uri, a), SessionListener.NONE, Runnable::run);
    }
}
