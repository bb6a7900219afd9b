package io.postmaster.auth;

import io.postmaster.config.AuthConfig;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.spi.Action;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.CredentialStore;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.TransportDetails;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The one anonymous authenticator and the one allow-everything rule set, as the built-ins and open realms use them. */
class AnonymousAccessTest {
    private static HelloDetails hello(String realm, String claimedAuthid) {
        return new HelloDetails(realm, claimedAuthid, null, Map.of(), Map.of(), 1,
                new TransportDetails("127.0.0.1:1", "wamp.2.json", false));
    }

    private static Identity admitted(Authenticator a, HelloDetails h) throws Exception {
        return assertInstanceOf(AuthResult.Accept.class, a.hello(h)).identity();
    }

    @Test
    void anonymousSessionsGetTheRealmsRoleAndARouterMadeAuthid() throws Exception {
        Authenticator anonymous = Authenticator.anonymous(realm -> realm.equals("guests") ? "guest" : null);
        assertEquals("anonymous", anonymous.authmethod());
        Identity guest = admitted(anonymous, hello("guests", "joe"));
        assertEquals("guest", guest.authrole());
        assertNotEquals("joe", guest.authid(), "a claimed authid proves nothing");
        assertTrue(guest.authid().matches("([A-Z2-9]{4}-){5}[A-Z2-9]{4}"), guest.authid());
        assertEquals("anonymous", admitted(anonymous, hello("other", null)).authrole(), "no role named: anonymous");
        Set<String> authids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            authids.add(admitted(anonymous, hello("guests", null)).authid());
        }
        assertEquals(1000, authids.size());
        assertInstanceOf(AuthResult.Deny.class,
                anonymous.authenticate(hello("guests", null), new AuthResult.Challenge(Map.of(), null), "x", Map.of()));
    }

    @Test
    void theBuiltInAnonymousMethodIsTheOneAuthenticator() throws Exception {
        Map<String, String> settings = Map.of("postmaster.realms", "realm1,r2",
                "postmaster.realm.r2.anonymous-role", "visitor");
        AuthConfig auth = AuthConfig.from(settings::get, PostmasterConfig.from(settings::get));
        Authenticator builtIn = BuiltIns.authenticators(auth, CredentialStore.NONE).get(0);
        assertEquals(Authenticator.anonymous(r -> null).getClass(), builtIn.getClass());
        assertEquals("anonymous", admitted(builtIn, hello("realm1", "joe")).authrole());
        assertEquals("visitor", admitted(builtIn, hello("r2", "joe")).authrole());
    }

    @Test
    void allowingEverythingIsOneRuleSet() {
        for (Action a : Action.values()) {
            for (String uri : new String[] {"com.example.x", "wamp.session.kill", "a"}) {
                assertTrue(Permissions.ALL.decide(uri, a).allowed(), a + " " + uri);
                assertFalse(Permissions.ALL.decide(uri, a).disclose());
            }
        }
        AuthConfig open = AuthConfig.from(k -> null, PostmasterConfig.defaults());
        assertSame(Permissions.ALL, open.realms().get("realm1").roles().get("anonymous"),
                "an open realm without configured roles lets anonymous sessions do everything");
    }
}
