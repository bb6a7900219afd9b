package io.postmaster.webwire;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MemorySessionStoreTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static SessionStore.Stored session(String key, int bytes) {
        return new SessionStore.Stored(key, "r", "a", "role", Map.of(), T0, T0, bytes);
    }

    @Test
    void boundedByCountAndBytes() throws Exception {
        MemorySessionStore s = new MemorySessionStore(2, 100, Duration.ofMinutes(1));
        s.create(session("a", 60));
        assertThrows(SessionStore.Full.class, () -> s.create(session("b", 41)));
        s.create(session("b", 40));
        assertThrows(SessionStore.Full.class, () -> s.create(session("c", 1)));
        assertEquals(100, s.bytes());
        s.remove("a");
        assertEquals(40, s.bytes());
        s.create(session("c", 1));
    }

    @Test
    void idleSessionsExpireUnlessInUse() throws Exception {
        MemorySessionStore s = new MemorySessionStore(10, 1000, Duration.ofMinutes(1));
        s.create(session("a", 1));
        s.create(session("b", 1));
        assertNotNull(s.lookup("a", T0.plusSeconds(50), k -> false));      // a lookup refreshes
        assertNotNull(s.lookup("a", T0.plusSeconds(100), k -> false));
        assertNull(s.lookup("b", T0.plusSeconds(61), k -> false));          // b idle too long
        assertEquals(1, s.size());
        s.create(session("c", 1));
        s.expire(T0.plusSeconds(500), k -> k.equals("c"));      // c has connections
        assertEquals(1, s.size());
        assertNotNull(s.lookup("c", T0.plusSeconds(500), k -> k.equals("c")), "in use: kept however long");
        assertNull(s.lookup("c", T0.plusSeconds(561), k -> false), "idle once its connections left");
        assertEquals(0, s.size());
        assertEquals(0, s.bytes());
    }
}
