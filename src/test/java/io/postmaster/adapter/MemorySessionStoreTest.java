package io.postmaster.adapter;

import io.postmaster.adapter.SessionStore.Kind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.postmaster.adapter.SessionStore.Kind.WAMP;
import static io.postmaster.adapter.SessionStore.Kind.WEBWIRE;
import static org.junit.jupiter.api.Assertions.*;

class MemorySessionStoreTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration IDLE = Duration.ofMinutes(1);

    static MemorySessionStore store(int max, long maxBytes, Map<Kind, MemorySessionStore.Bounds> bounds) {
        return new MemorySessionStore(max, maxBytes, bounds);
    }

    @Test
    void boundedByCountAndBytes() throws Exception {
        MemorySessionStore s = store(2, 100, Map.of());
        s.create(WEBWIRE, "a", "A", 60, T0);
        assertThrows(SessionStore.Full.class, () -> s.create(WEBWIRE, "b", "B", 41, T0));
        s.create(WEBWIRE, "b", "B", 40, T0);
        assertThrows(SessionStore.Full.class, () -> s.create(WEBWIRE, "c", "C", 1, T0));
        assertEquals(100, s.bytes());
        s.remove(WEBWIRE, "a");
        assertEquals(40, s.bytes());
        s.create(WEBWIRE, "c", "C", 1, T0);
    }

    @Test
    void bothKindsShareTheStoresBoundsAndNeitherPassesItsOwn() throws Exception {
        MemorySessionStore s = store(4, 1000, Map.of(WEBWIRE, new MemorySessionStore.Bounds(2, 1000),
                WAMP, new MemorySessionStore.Bounds(4, 100)));
        s.create(WEBWIRE, "w1", "x", 10, T0);
        s.create(WEBWIRE, "w2", "x", 10, T0);
        assertThrows(SessionStore.Full.class, () -> s.create(WEBWIRE, "w3", "x", 10, T0), "webwire's own count");
        s.create(WAMP, "r1", "x", 0, T0);
        s.create(WAMP, "r2", "x", 0, T0);
        assertThrows(SessionStore.Full.class, () -> s.create(WAMP, "r3", "x", 0, T0), "the store's count");
        assertEquals(2, s.size(WEBWIRE));
        assertEquals(2, s.size(WAMP));

        assertTrue(s.resize(WAMP, "r1", 60));
        assertFalse(s.resize(WAMP, "r2", 41), "WAMP's own bytes");
        assertTrue(s.resize(WAMP, "r2", 40));
        assertEquals(100, s.bytes(WAMP));
        assertFalse(s.resize(WAMP, "gone", 1), "not kept");
        assertNull(s.remove(WEBWIRE, "r1"), "kinds have their own keys");
        assertNotNull(s.remove(WAMP, "r1"));
        assertEquals(40, s.bytes(WAMP));
        assertEquals(60, s.bytes());
        s.create(WAMP, "r3", "x", 0, T0);
    }

    @Test
    void idleSessionsExpireUnlessInUse() throws Exception {
        MemorySessionStore s = store(10, 1000, Map.of());
        s.create(WEBWIRE, "a", "A", 1, T0);
        s.create(WEBWIRE, "b", "B", 1, T0);
        assertNotNull(s.lookup(WEBWIRE, "a", T0.plusSeconds(50), IDLE, k -> false));      // a lookup refreshes
        assertNotNull(s.lookup(WEBWIRE, "a", T0.plusSeconds(100), IDLE, k -> false));
        assertNull(s.lookup(WEBWIRE, "b", T0.plusSeconds(61), IDLE, k -> false));          // b idle too long
        assertEquals(1, s.size());
        s.create(WEBWIRE, "c", "C", 1, T0);
        s.create(WAMP, "c", "C", 1, T0);
        s.expire(WEBWIRE, IDLE, T0.plusSeconds(500), k -> k.equals("c"));      // c has connections
        assertEquals(2, s.size(), "the WAMP entry is not webwire's to expire");
        assertNotNull(s.lookup(WEBWIRE, "c", T0.plusSeconds(500), IDLE, k -> k.equals("c")), "in use: kept");
        assertNull(s.lookup(WEBWIRE, "c", T0.plusSeconds(561), IDLE, k -> false), "idle once its connections left");
        assertEquals(0, s.size(WEBWIRE));
        assertEquals(0, s.bytes(WEBWIRE));
    }
}
