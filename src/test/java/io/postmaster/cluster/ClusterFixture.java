package io.postmaster.cluster;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.router.Router;
import io.postmaster.testing.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes of a cluster in one JVM for the cluster tests: each a {@link Router} on its own {@link RedisCluster} (its own
 * Redis connections), all sharing one timer thread; the {@code redis-server}s the test started. {@link #close} ends
 * everything in reverse order: the nodes (cluster link, then router) first, the Redis servers last.
 */
final class ClusterFixture implements AutoCloseable {
    /** A node: a router and its cluster link. */
    record Node(Router router, RedisCluster cluster) { }

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);

    /**
     * The settings of a test node: a 100 ms heartbeat and a 1 s node TTL, so failures are found in about a second;
     * {@code extra} on top.
     */
    static Map<String, String> settings(String redisUri, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("postmaster.cluster.redis", redisUri);
        settings.putIfAbsent("postmaster.cluster.heartbeat-ms", "100");
        settings.putIfAbsent("postmaster.cluster.node-ttl-ms", "1000");
        return settings;
    }

    /** A running {@code redis-server}, stopped at the end. */
    RedisServer redis() throws Exception {
        return closeLast(RedisServer.start());
    }

    /** A {@code redis-server} on a free port that is not running yet ({@link RedisServer#run}), stopped at the end. */
    RedisServer redisNotStarted() throws Exception {
        return closeLast(RedisServer.notStarted());
    }

    /** A node with the test settings, attached (joining in the background). */
    Node node(String redisUri) {
        return node(redisUri, Map.of());
    }

    /** A node with the test settings and {@code extra}, attached (joining in the background). */
    Node node(String redisUri, Map<String, String> extra) {
        return node(PostmasterConfig.from(settings(redisUri, extra)::get));
    }

    /** A node with exactly these settings, attached (joining in the background). */
    Node node(PostmasterConfig config) {
        RedisCluster cluster = RedisCluster.start(config);
        Router router = new Router(config, timers, cluster);
        cluster.attach(router);
        closeFirst(router);
        closeFirst(cluster);
        return new Node(router, cluster);
    }

    /** Two nodes on a new {@code redis-server}, both joined. */
    Node[] twoNodes() throws Exception {
        RedisServer r = redis();
        Node a = node(r.uri());
        Node b = node(r.uri());
        awaitJoined(a, b);
        return new Node[] {a, b};
    }

    /** Closed before everything added so far. */
    <T extends AutoCloseable> T closeFirst(T c) {
        closing.add(0, c);
        return c;
    }

    /** Closed after everything added so far. */
    <T extends AutoCloseable> T closeLast(T c) {
        closing.add(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        try {
            for (AutoCloseable c : closing) {
                c.close();
            }
        } finally {
            timers.shutdownNow();
        }
    }

    /** The cluster's state changes on its own threads, with no event to wait on: polled, for up to 30 s. */
    static void await(String what, Await.Condition condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(30), condition);
    }

    static void awaitJoined(Node... nodes) throws InterruptedException {
        for (Node n : nodes) {
            await("node joined", n.cluster()::joined);
        }
    }

    /** Waits until every node is joined and knows all the others (so a request to the other nodes reaches them). */
    static void awaitMesh(Node... nodes) throws InterruptedException {
        awaitJoined(nodes);
        for (Node n : nodes) {
            await("node " + n.cluster().nodeId() + " knows the " + (nodes.length - 1) + " others",
                    () -> n.cluster().otherNodes().length == nodes.length - 1);
        }
    }

    /**
     * Calls until the procedure is known on the caller's node, then answers that call as {@code callee}: the
     * registration table reaches the other nodes over Redis, with no event to wait on.
     */
    static void awaitCallable(Client caller, String procedure, Client callee) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            caller.call(procedure, Map.of(), List.of("probe"));
            // each probe ends in an INVOCATION at the callee or an ERROR to the caller, however long either takes
            while (true) {
                WampMessage m = callee.received.poll(5, TimeUnit.MILLISECONDS);
                if (m instanceof Invocation inv) {
                    callee.yield(inv.request(), Map.of(), List.of("probe"));
                    caller.next(Result.class);
                    return;
                }
                assertTrue(m == null, "callee got " + m);
                WampMessage a = caller.received.poll(5, TimeUnit.MILLISECONDS);
                if (a != null) {
                    WampMessage.Error e = assertInstanceOf(WampMessage.Error.class, a, "probe answered " + a);
                    // not there yet, or still a callee that has left and whose removal has not reached this node
                    // (its node cancels the call)
                    assertTrue(e.error().equals(ErrorUris.NO_SUCH_PROCEDURE) || e.error().equals(ErrorUris.CANCELED),
                            "probe answered " + e.error());
                    break;
                }
                assertTrue(System.nanoTime() < deadline, procedure + " not callable within 10 s");
            }
            assertTrue(System.nanoTime() < deadline, procedure + " not callable within 10 s");
        }
    }
}
