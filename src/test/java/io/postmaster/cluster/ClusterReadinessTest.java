package io.postmaster.cluster;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.operator.ClusterReadiness;
import io.postmaster.operator.Health;
import io.postmaster.router.Backplane;
import io.postmaster.router.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.postmaster.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness of a cluster node: DOWN while its Redis is unreachable (at start, and after losing it), UP once joined;
 * a single node has nothing to wait for.
 */
class ClusterReadinessTest {
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        timers.shutdownNow();
    }

    @Test
    void aSingleNodeIsReadyWithoutAnEngine() {
        Health.Check c = ClusterReadiness.check(Backplane.NONE);
        assertTrue(c.up());
        assertEquals(Map.of("configured", false), c.data());
    }

    @Test
    void readyIsDownWhileRedisIsUnreachableAndUpOnceJoined() throws Exception {
        RedisServer redis = RedisServer.notStarted();
        closing.add(redis);
        PostmasterConfig config = PostmasterConfig.from(Map.of("postmaster.cluster.redis", redis.uri(),
                "postmaster.cluster.heartbeat-ms", "100", "postmaster.cluster.node-ttl-ms", "1000")::get);
        RedisCluster cluster = RedisCluster.start(config);
        Router router = new Router(config, timers, cluster);
        cluster.attach(router);
        closing.add(0, router);
        closing.add(0, cluster);

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
