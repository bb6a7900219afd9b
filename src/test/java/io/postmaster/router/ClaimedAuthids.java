package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;

import java.util.Map;

/**
 * For tests that name their users by the HELLO authid: {@link Extensions#openRealms} with an {@code anonymous}
 * authenticator that believes the authid the client claims. Only tests may do that; the router's own anonymous
 * authenticators make the authid up.
 */
final class ClaimedAuthids {
    private ClaimedAuthids() {
    }

    static Extensions of(PostmasterConfig config) {
        Extensions open = Extensions.openRealms(config);
        Authenticator trusting = new Authenticator() {
            public String authmethod() { return "anonymous"; }
            public AuthResult hello(HelloDetails h) {
                return AuthResult.accept(new Identity(h.authid() == null ? "nobody" : h.authid(), "anonymous",
                        "static", Map.of()));
            }
            public AuthResult authenticate(HelloDetails h, AuthResult.Challenge c, String s, Map<String, Object> e) {
                return AuthResult.deny("no challenge issued");
            }
        };
        return new Extensions(Map.of("anonymous", trusting), open.authmethods(), open.permissions(),
                open.authorizer(), open.listener(), open.executor());
    }
}
