package io.postmaster.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RawSocketConfigTest {

    @Test
    void offByDefaultWithDocumentedValuesForWhenItIsOn() {
        RawSocketConfig d = PostmasterConfig.defaults().rawSocket();
        assertFalse(d.enabled(), "deploying the WAR opens no port nobody asked for");
        assertEquals("0.0.0.0", d.bindAddress());
        assertEquals(8082, d.port());
        assertEquals(10_000, d.maxConnections());
        assertEquals(Duration.ofSeconds(5), d.handshakeTimeout());
        assertEquals(RawSocketConfig.defaultIoThreads(), d.ioThreads());
        assertTrue(d.ioThreads() >= 1 && d.ioThreads() <= 4);
    }

    @Test
    void keysAreRead() {
        RawSocketConfig c = RawSocketConfig.from(Map.of(RawSocketConfig.ENABLED, "true",
                RawSocketConfig.BIND_ADDRESS, "127.0.0.1", RawSocketConfig.PORT, "9000",
                RawSocketConfig.MAX_CONNECTIONS, "5", RawSocketConfig.HANDSHAKE_TIMEOUT_MS, "250",
                RawSocketConfig.IO_THREADS, "3")::get);
        assertEquals(new RawSocketConfig(true, "127.0.0.1", 9000, 5, Duration.ofMillis(250), 3), c);
    }

    @Test
    void badValuesNameTheirKey() {
        for (Map<String, String> bad : new Map[] {
                Map.of(RawSocketConfig.ENABLED, "yes"),
                Map.of(RawSocketConfig.PORT, "0"),
                Map.of(RawSocketConfig.PORT, "65536"),
                Map.of(RawSocketConfig.MAX_CONNECTIONS, "0"),
                Map.of(RawSocketConfig.HANDSHAKE_TIMEOUT_MS, "50"),
                Map.of(RawSocketConfig.IO_THREADS, "0"),
                Map.of(RawSocketConfig.IO_THREADS, "65")}) {
            var e = assertThrows(IllegalArgumentException.class, () -> RawSocketConfig.from(bad::get), bad.toString());
            assertTrue(e.getMessage().startsWith(bad.keySet().iterator().next()), e.getMessage());
        }
    }
}
