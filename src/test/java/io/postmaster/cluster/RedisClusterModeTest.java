package io.postmaster.cluster;

import io.postmaster.cluster.ClusterFixture.Node;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.postmaster.cluster.ClusterFixture.awaitCallable;
import static io.postmaster.cluster.ClusterFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes over a local Redis Cluster of three masters ({@code postmaster.cluster.redis=redis-cluster://…}): events
 * and calls cross nodes as over one Redis, the registration scripts and the session meta procedures run on the
 * realm's shard (every key they touch carries the realm's hash tag), a node's inboxes are sharded channels
 * (SSUBSCRIBE, not broadcast to every shard), and a dead node's calls end and its registrations go.
 */
class RedisClusterModeTest {
    private final ClusterFixture fixture = new ClusterFixture();

    private Node node(String redisUri) {
        return fixture.node(redisUri);
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private static Client rpc(Node n, String name) throws InterruptedException {
        return Client.join(n.router(), name, Client.RPC_ROLES);
    }


    /** Calls a meta procedure and returns its first result (or fails on an ERROR). */
    private static Object first(Client c, String procedure, List<Object> args) throws InterruptedException {
        c.call(procedure, args, null);
        Result r = c.next(Result.class);
        return r.args().get(0);
    }

    private static Set<String> lines(String out) {
        Set<String> s = new HashSet<>();
        for (String l : out.split("\\R")) {
            if (!l.isBlank()) {
                s.add(l.trim());
            }
        }
        return s;
    }

    @Test
    void eventsAndCallsCrossNodesOverARedisClusterOnShardedChannels() throws Exception {
        RedisClusterServers redis = fixture.closeLast(RedisClusterServers.start());
        Node a = node(redis.uri());
        Node b = node(redis.uri());
        await("both joined", () -> a.cluster().joined() && b.cluster().joined());

        // pub/sub across nodes, once per subscription and in order
        Client sub = Client.join(b.router(), "sub");
        long exact = sub.subscribe("com.x.y", null);
        long prefix = sub.subscribe("com.x", "prefix");
        await("A knows B's interest", () -> a.cluster().remoteInterest("realm1", b.cluster().nodeId()) == 2);
        Client pub = Client.join(a.router(), "pub");
        for (int i = 0; i < 100; i++) {
            pub.publish("com.x.y", Map.of(), List.of(i));
        }
        Map<Long, Integer> next = new HashMap<>(Map.of(exact, 0, prefix, 0));
        for (int i = 0; i < 200; i++) {
            Event e = sub.next(Event.class);
            int expected = next.merge(e.subscription(), 1, Integer::sum) - 1;
            assertEquals(List.of((long) expected), e.args(), "publisher order, per subscription");
        }
        sub.nothingMore(100);
        assertEquals(100, b.cluster().relayedIn(), "one message per publication to the node");

        // RPC across nodes: one table, on the realm's shard
        Client callee = rpc(b, "callee");
        long reg = callee.register("com.add", Map.of());
        Client caller = rpc(a, "caller");
        awaitCallable(caller, "com.add", callee);
        long call = caller.call("com.add", Map.of(), List.of(2, 3));
        Invocation inv = callee.next(Invocation.class);
        assertEquals(reg, inv.registration(), "the registration ID is the same on every node");
        callee.yield(inv.request(), Map.of(), List.of(5));
        Result r = caller.next(Result.class);
        assertEquals(call, r.request());
        assertEquals(List.of(5L), r.args());
        List<Long> raced = new java.util.ArrayList<>();
        for (int round = 0; round < 5; round++) { // refused atomically by the script on the realm's shard
            Client onA = rpc(a, "a" + round);
            Client onB = rpc(b, "b" + round);
            raced.addAll(List.of(onA.session, onB.session));
            onA.sendRegister("com.race." + round, Map.of());
            onB.sendRegister("com.race." + round, Map.of());
            WampMessage ra = onA.next(WampMessage.class);
            WampMessage rb = onB.next(WampMessage.class);
            assertTrue(ra instanceof WampMessage.Registered ^ rb instanceof WampMessage.Registered, ra + " / " + rb);
        }

        // the session meta procedures: each node's session hash and counts per authrole on the realm's shard
        Set<Long> sessions = new HashSet<>(List.of(sub.session, pub.session, callee.session, caller.session));
        sessions.addAll(raced);
        await("A counts every session by authrole", () -> Long.valueOf(sessions.size()).equals(
                first(caller, "wamp.session.count", List.of(List.of(sub.role())))));
        assertEquals(sessions, new HashSet<>((List<?>) first(caller, "wamp.session.list", List.of())));
        assertEquals(sessions, new HashSet<>((List<?>) first(callee, "wamp.session.list",
                List.of(List.of(sub.role(), "nobody")))));
        Object got = first(caller, "wamp.session.get", List.of(sub.session));
        assertTrue(got instanceof Map<?, ?> d && sub.role().equals(d.get("authrole")), "B's session from A: " + got);

        // a node's inboxes are sharded channels: each is held by one shard, and none is an ordinary channel
        Set<String> sharded = new HashSet<>();
        Set<String> broadcast = new HashSet<>();
        for (int port : redis.ports()) {
            sharded.addAll(lines(redis.cli(port, "PUBSUB", "SHARDCHANNELS", "pm:*")));
            broadcast.addAll(lines(redis.cli(port, "PUBSUB", "CHANNELS", "pm:*")));
        }
        for (Node n : List.of(a, b)) {
            long id = n.cluster().nodeId();
            assertTrue(sharded.containsAll(List.of("pm:n:" + id, "pm:c:" + id)), "sharded: " + sharded);
            assertFalse(broadcast.contains("pm:n:" + id) || broadcast.contains("pm:c:" + id), "broadcast: " + broadcast);
        }
        assertTrue(broadcast.containsAll(List.of("pm:ctl", "pm:reg")), "broadcast: " + broadcast);
    }

    @Test
    void aDeadNodesCallsEndAndItsRegistrationsGoOnARedisCluster() throws Exception {
        RedisClusterServers redis = fixture.closeLast(RedisClusterServers.start());
        Node a = node(redis.uri());
        Node b = node(redis.uri());
        await("both joined", () -> a.cluster().joined() && b.cluster().joined());
        Client callee = rpc(b, "callee");
        callee.register("com.hold", Map.of());
        Client caller = rpc(a, "caller");
        awaitCallable(caller, "com.hold", callee);
        long pending = caller.call("com.hold", Map.of(), List.of());
        callee.next(Invocation.class);

        long t0 = System.nanoTime();
        b.cluster().crash();
        WampMessage.Error e = caller.next(WampMessage.Error.class);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(pending, e.request());
        assertEquals(ErrorUris.CANCELED, e.error());
        assertTrue(ms < 5000, "ended after " + ms + " ms");
        await("the dead node's registration is gone from the table", () -> {
            caller.call("com.hold", Map.of(), List.of());
            return caller.next(WampMessage.Error.class).error().equals(ErrorUris.NO_SUCH_PROCEDURE);
        });
        Client again = rpc(a, "again");
        again.register("com.hold", Map.of()); // the procedure is free in the cluster's table again
    }
}
