package io.postmaster.cluster;

import io.postmaster.operator.ClusterReadiness;
import io.postmaster.operator.Health;
import io.postmaster.router.Backplane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.postmaster.testing.Await;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness of a cluster node: DOWN while its Redis is unreachable (at start, and after losing it), UP once joined;
 * a single node has nothing to wait for.
 */
class ClusterReadinessTest {
    private final ClusterFixture fixture = new ClusterFixture();

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void aSingleNodeIsReadyWithoutAnEngine() {
        Health.Check c = ClusterReadiness.check(Backplane.NONE);
        assertTrue(c.up());
        assertEquals(Map.of("configured", false), c.data());
    }

    @Test
    void readyIsDownWhileRedisIsUnreachableAndUpOnceJoined() throws Exception {
        RedisServer redis = fixture.redisNotStarted();
        RedisCluster cluster = fixture.node(redis.uri()).cluster();

        Health.Check down = ClusterReadiness.check(cluster);
        assertFalse(down.up(), "not ready while Redis is unreachable: " + down);
        assertEquals(true, down.data().get("configured"));
        assertEquals(false, down.data().get("joined"));

        redis.run();
        awaitUp(cluster, true);
        assertEquals(cluster.nodeId(), ClusterReadiness.check(cluster).data().get("node"));

        redis.kill();
        awaitUp(cluster, false);
    }

    /** The node's state changes on its heartbeat, with no event to wait on: polled, for up to 30 s. */
    private static void awaitUp(RedisCluster cluster, boolean up) throws InterruptedException {
        Await.until("readiness " + (up ? "UP" : "DOWN"), Duration.ofSeconds(30),
                () -> ClusterReadiness.check(cluster).up() == up);
    }
}
