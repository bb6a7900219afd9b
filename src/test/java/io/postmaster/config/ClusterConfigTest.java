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

    @Test
    void aRedisClusterIsNamedByItsSeedsWithThePasswordHidden() {
        ClusterConfig c = of(Map.of(ClusterConfig.REDIS, "rediss-cluster://user:s3cret@10.0.0.1:7000,10.0.0.2:7001"));
        assertTrue(c.enabled());
        assertTrue(c.redisCluster());
        assertEquals(java.util.List.of(java.net.URI.create("rediss://user:s3cret@10.0.0.1:7000"),
                java.net.URI.create("rediss://user:s3cret@10.0.0.2:7001")), c.seeds());
        assertFalse(ClusterConfig.redacted(c.redis()).contains("s3cret"), ClusterConfig.redacted(c.redis()));
        assertEquals(java.util.List.of(java.net.URI.create("redis://127.0.0.1:7000")),
                of(Map.of(ClusterConfig.REDIS, "redis-cluster://127.0.0.1:7000")).seeds());
        assertFalse(of(Map.of(ClusterConfig.REDIS, "redis://127.0.0.1:6379")).redisCluster());
        for (String bad : new String[] {"redis-cluster://host", "redis-cluster://a:1,,b:2", "redis-cluster://a:1/0",
                "redis-cluster://u:s3cret@"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> of(Map.of(ClusterConfig.REDIS, bad)), bad);
            assertTrue(e.getMessage().contains("redis-cluster://") && !e.getMessage().contains("s3cret"),
                    e.getMessage());
        }
    }
}
