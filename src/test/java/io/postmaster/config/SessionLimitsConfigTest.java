package io.postmaster.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The caps' settings: documented defaults, per-realm overrides over the global keys, refusal of bad values. */
class SessionLimitsConfigTest {

    @Test
    void defaults() {
        SessionLimits l = PostmasterConfig.defaults().limits();
        assertEquals(new SessionLimits.Caps(10_000, 10_000, 10_000, 200_000, 100_000, 100_000, 32 * 1024 * 1024,
                        4 * 1024 * 1024),
                l.of("realm1"));
        assertEquals(l.defaults(), l.of("not.served"));
        assertEquals(64 * 1024, l.helloMaxBytes());
        assertEquals(16, l.helloMaxDepth());
        assertEquals(256, l.authidMaxChars());
    }

    @Test
    void aRealmOverridesTheGlobalKeys() {
        SessionLimits l = SessionLimits.from(Map.of(
                "postmaster.realms", "a,b",
                "postmaster.max-subscriptions", "50",
                "postmaster.realm.b.max-subscriptions", "5",
                "postmaster.realm.b.retained-max-bytes", "1000",
                "postmaster.hello-max-bytes", "2048")::get);
        assertEquals(50, l.of("a").subscriptions());
        assertEquals(5, l.of("b").subscriptions());
        assertEquals(1000, l.of("b").retainedBytes());
        assertEquals(32 * 1024 * 1024, l.of("a").retainedBytes());
        assertEquals(2048, l.helloMaxBytes());
    }

    @Test
    void badValuesFailWithTheKeyNamed() {
        for (Map<String, String> bad : java.util.List.of(
                Map.of("postmaster.max-pending-calls", "0"),
                Map.of("postmaster.realm.realm1.realm-max-subscriptions", "-1"),
                Map.of("postmaster.max-registrations", "many"),
                Map.of("postmaster.hello-max-bytes", "100"),
                Map.of("postmaster.hello-max-depth", "2"),
                Map.of("postmaster.authid-max-chars", "0"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PostmasterConfig.from(bad::get), bad.toString());
            assertTrue(e.getMessage().contains(bad.keySet().iterator().next()), e.getMessage());
        }
    }
}
