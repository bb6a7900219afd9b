package io.postmaster.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster settings: off by default, Redis URIs checked with a clear message that never shows the password. */
class ClusterConfigTest {
    private static ClusterConfig of(Map<String, String> settings) {
        return PostmasterConfig.from(settings::get).cluster();
    }

    @Test
    void offByDefault() {
        ClusterConfig c = PostmasterConfig.defaults().cluster();
        assertFalse(c.enabled());
        assertEquals("pm", c.keyPrefix());
        assertEquals(1000, c.heartbeatMs());
        assertEquals(3000, c.nodeTtlMs());
    }

    @Test
    void redisAndRedissWithPasswordsAreTaken() {
        assertTrue(of(Map.of(ClusterConfig.REDIS, "redis://127.0.0.1:6379")).enabled());
        ClusterConfig tls = of(Map.of(ClusterConfig.REDIS, "rediss://user:s3cret@redis.example:6380/2"));
        assertTrue(tls.enabled());
        assertEquals("rediss://***@redis.example:6380/2", ClusterConfig.redacted(tls.redis()));
    }

    @Test
    void badValuesFailWithTheKeyNamedAndNoPassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> of(Map.of(ClusterConfig.REDIS, "http://user:s3cret@host:6379")));
        assertTrue(e.getMessage().contains(ClusterConfig.REDIS) && !e.getMessage().contains("s3cret"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> of(Map.of(ClusterConfig.KEY_PREFIX, "a:b")));
        assertThrows(IllegalArgumentException.class,
                () -> of(Map.of(ClusterConfig.HEARTBEAT_MS, "1000", ClusterConfig.NODE_TTL_MS, "1500")));
    }
}
