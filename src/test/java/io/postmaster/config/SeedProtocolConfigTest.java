package io.postmaster.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SeedProtocolConfigTest {

    @Test
    void defaultsServeNoSeedProtocol() {
        PostmasterConfig c = PostmasterConfig.defaults();
        assertEquals(List.of(), c.webrocket().realms());
        assertFalse(c.webwire().enabled());
        assertEquals(64, c.webrocket().maxQueuedOps());
        assertEquals(4, c.webwire().maxConnections());
        assertEquals(Duration.ofMinutes(30), c.webwire().sessionIdle());
        assertEquals(List.of("webwire-backend"), c.webwire().backendRoles());
        assertEquals(256, c.webwire().bufferedSignals());
    }

    @Test
    void settingsAreRead() {
        Map<String, String> m = Map.of(WebrocketConfig.REALMS, "a, b", WebwireConfig.REALM, "w",
                WebwireConfig.MAX_CONNECTIONS_PER_SESSION, "2", WebwireConfig.BACKEND_ROLES, "x,y");
        PostmasterConfig c = PostmasterConfig.from(m::get);
        assertTrue(c.webrocket().serves("b"));
        assertFalse(c.webrocket().serves("c"));
        assertEquals("w", c.webwire().realm());
        assertEquals(2, c.webwire().maxConnections());
        assertEquals(List.of("x", "y"), c.webwire().backendRoles());
    }

    @Test
    void badValuesNameTheirKey() {
        for (String[] kv : new String[][] {
            {WebrocketConfig.MAX_QUEUED_OPS, "0"}, {WebrocketConfig.MAX_FRAME_BYTES, "10"},
            {WebwireConfig.MAX_CONNECTIONS_PER_SESSION, "0"}, {WebwireConfig.SESSION_IDLE_MS, "5"},
            {WebwireConfig.MAX_PENDING_REQUESTS, "x"}, {WebwireConfig.MAX_BUFFERED_SIGNALS, "-1"},
            {WebwireConfig.MAX_BUFFERED_TOTAL_BYTES, "10"},
        }) {
            Map<String, String> m = Map.of(kv[0], kv[1]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PostmasterConfig.from(m::get), kv[0]);
            assertTrue(e.getMessage().contains(kv[0]), e.getMessage());
        }
    }
}
