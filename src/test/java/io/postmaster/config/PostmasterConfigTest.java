package io.postmaster.config;

import io.postmaster.message.Uris;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class PostmasterConfigTest {

    @Test
    void defaultsServeRealm1ToAnonymousSessions() {
        PostmasterConfig c = PostmasterConfig.defaults();
        assertEquals(1024 * 1024, c.maxMessageSize());
        assertEquals(Map.of("realm1", new RealmConfig("realm1", true, Uris.Rule.LOOSE, Map.of())), c.realms());
        assertTrue(c.originAllowed("http://anywhere.example"));
        assertEquals(10_000, c.helloTimeout().toMillis());
        assertTrue(c.writeBatching());
    }

    @Test
    void ownFramingIsOnByDefaultAndCanBeTurnedOff() {
        assertTrue(PostmasterConfig.from(Map.<String, String>of()::get).ownFraming().enabled());
        assertFalse(PostmasterConfig.from(Map.of(OwnFraming.OWN_FRAMING, "false")::get).ownFraming().enabled());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PostmasterConfig.from(Map.of(OwnFraming.OWN_FRAMING, "maybe")::get));
        assertTrue(e.getMessage().contains(OwnFraming.OWN_FRAMING), e.getMessage());
    }

    @Test
    void settingsAreRead() {
        Map<String, String> p = Map.of(
                "postmaster.realms", "a.realm, b",
                "postmaster.realm.b.anonymous", "false",
                "postmaster.realm.b.uri-check", "strict",
                "postmaster.max-message-size", "4096",
                "postmaster.write-batching", "false",
                "postmaster.allowed-origins", "https://app.example,https://admin.example");
        PostmasterConfig c = PostmasterConfig.from(p::get);
        assertEquals(4096, c.maxMessageSize());
        assertFalse(c.writeBatching());
        assertEquals(new RealmConfig("a.realm", true, Uris.Rule.LOOSE, Map.of()), c.realms().get("a.realm"));
        assertEquals(new RealmConfig("b", false, Uris.Rule.STRICT, Map.of()), c.realms().get("b"));
        assertTrue(c.originAllowed("https://app.example"));
        assertFalse(c.originAllowed("https://evil.example"));
        assertTrue(c.originAllowed(null), "non-browser clients send no Origin");
    }

    @Test
    void badValuesFailWithTheKeyNamed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> PostmasterConfig.from(Map.of("postmaster.max-message-size", "lots")::get));
        assertTrue(e.getMessage().contains("postmaster.max-message-size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PostmasterConfig.from(Map.of("postmaster.realm.realm1.uri-check", "sloppy")::get));
        assertTrue(e.getMessage().contains("uri-check"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PostmasterConfig.from(Map.of("postmaster.realms", "bad realm")::get));
        for (String history : new String[] {"com.log", "com.log=0", "com.log=many", "bad topic=3", "=3"}) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> PostmasterConfig.from(Map.of("postmaster.realm.realm1.history", history)::get), history);
            assertTrue(e.getMessage().contains("postmaster.realm.realm1.history"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> PostmasterConfig.from(Map.of("postmaster.call-max-pending-ms", "0")::get));
        e = assertThrows(IllegalArgumentException.class,
                () -> PostmasterConfig.from(Map.of("postmaster.write-batching", "sometimes")::get));
        assertTrue(e.getMessage().contains("postmaster.write-batching"), e.getMessage());
    }

    @Test
    void environmentNames() {
        assertEquals("POSTMASTER_MAX_MESSAGE_SIZE", PostmasterConfig.envName("postmaster.max-message-size"));
    }

    @Test
    void loginLimitsHaveDocumentedDefaultsAndRefuseNonsense() {
        LoginLimits d = PostmasterConfig.defaults().login();
        assertEquals(new LoginLimits(8, 4, 10, 5, 10_000, 5_000, 2, 256, 1000, 32), d);
        assertEquals(1, LoginLimits.from(k -> k.equals("postmaster.executor-threads") ? "1" : null).checkThreads());
        var e = assertThrows(IllegalArgumentException.class,
                () -> LoginLimits.from(k -> k.equals("postmaster.login.check-threads") ? "5" : null));
        assertTrue(e.getMessage().contains("postmaster.login.check-threads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LoginLimits.from(k -> k.equals("postmaster.login.max-pending-per-address") ? "0" : null));
        assertTrue(e.getMessage().contains("postmaster.login.max-pending-per-address must be at least 1"));
    }
}
