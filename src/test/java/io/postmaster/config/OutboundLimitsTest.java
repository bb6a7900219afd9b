package io.postmaster.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OutboundLimitsTest {

    @Test
    void defaults() {
        OutboundLimits l = PostmasterConfig.defaults().outbound();
        assertEquals(4L << 20, l.queueBytes());
        assertEquals(Math.max(4L << 20, Runtime.getRuntime().maxMemory() / 4), l.totalBytes(),
                "a quarter of the largest heap");
        assertEquals(65_536, l.pacedQueue());
        assertEquals(16L << 20, l.pacedBytes());
        assertEquals(30_000, l.abortMs());
    }

    @Test
    void settings() {
        OutboundLimits l = OutboundLimits.from(Map.of(OutboundLimits.QUEUE_BYTES, "65536",
                OutboundLimits.TOTAL_BYTES, "10000000000", OutboundLimits.PACED_QUEUE, "100",
                OutboundLimits.PACED_BYTES, "2048", OutboundLimits.ABORT_MS, "500")::get);
        assertEquals(new OutboundLimits(65536, 10_000_000_000L, 100, 2048, 500), l);
    }

    @Test
    void badValuesNameTheirKey() {
        for (Map<String, String> bad : new Map[] {
                Map.of(OutboundLimits.QUEUE_BYTES, "100"),
                Map.of(OutboundLimits.QUEUE_BYTES, "lots"),
                Map.of(OutboundLimits.QUEUE_BYTES, "1048576", OutboundLimits.TOTAL_BYTES, "1024"),
                Map.of(OutboundLimits.PACED_QUEUE, "0"),
                Map.of(OutboundLimits.PACED_BYTES, "-1"),
                Map.of(OutboundLimits.ABORT_MS, "0")}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PostmasterConfig.from(bad::get), bad.toString());
            String key = bad.keySet().stream().filter(k -> e.getMessage().contains(k)).findFirst().orElse(null);
            assertNotNull(key, "the message names the key: " + e.getMessage());
        }
    }
}
