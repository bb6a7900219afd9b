package io.postmaster.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ConnectionLimitsTest {

    @Test
    void defaultsAreGenerousAndDocumented() {
        ConnectionLimits d = PostmasterConfig.defaults().connections();
        assertEquals(1000, d.maxPerAddress());
        assertEquals(Duration.ofSeconds(30), d.pingInterval());
        assertEquals(2, d.pingMaxMissed());
        assertTrue(d.pings());
    }

    @Test
    void keysAreRead() {
        ConnectionLimits c = ConnectionLimits.from(Map.of(ConnectionLimits.MAX_PER_ADDRESS, "0",
                ConnectionLimits.PING_INTERVAL_MS, "0", ConnectionLimits.PING_MAX_MISSED, "5")::get);
        assertEquals(0, c.maxPerAddress(), "0: no limit");
        assertFalse(c.pings(), "0: no pings");
        assertEquals(5, c.pingMaxMissed());
    }

    @Test
    void badValuesNameTheirKey() {
        for (Map<String, String> bad : new Map[] {
                Map.of(ConnectionLimits.MAX_PER_ADDRESS, "-1"),
                Map.of(ConnectionLimits.PING_INTERVAL_MS, "-5"),
                Map.of(ConnectionLimits.PING_INTERVAL_MS, "10"),
                Map.of(ConnectionLimits.PING_MAX_MISSED, "0"),
                Map.of(ConnectionLimits.PING_MAX_MISSED, "two")}) {
            var e = assertThrows(IllegalArgumentException.class, () -> ConnectionLimits.from(bad::get), bad.toString());
            assertTrue(e.getMessage().startsWith(bad.keySet().iterator().next()), e.getMessage());
        }
    }
}
