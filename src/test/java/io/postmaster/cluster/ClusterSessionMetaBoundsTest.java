package io.postmaster.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.postmaster.cluster.ClusterFixture.Node;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.postmaster.cluster.ClusterFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session meta procedures over many sessions never hold Redis: 200,000 sessions of 20 other live nodes (written
 * straight into Redis as those nodes write them) beside two real nodes. A filtered {@code wamp.session.count}, a
 * {@code wamp.session.list} and a {@code wamp.session.get} run no Redis command that takes 50 ms or more (Redis's
 * SLOWLOG, which times each command it runs while it serves no one else), and they answer right: counts per authrole,
 * the list complete under {@code postmaster.session-list-max}, ERROR {@code postmaster.error.limit_reached} above it.
 */
class ClusterSessionMetaBoundsTest {
    private static final int FAKE_NODES = 20;
    private static final int PER_NODE = 10_000;
    /** One session in this many of a fake node has role {@code guest}, the others {@code user}. */
    private static final int GUEST_EVERY = 10;
    private static final long GUESTS = (long) FAKE_NODES * (PER_NODE / GUEST_EVERY);
    private static final long USERS = (long) FAKE_NODES * PER_NODE - GUESTS;
    /** A command that holds Redis this long (µs) is in the SLOWLOG. */
    private static final int SLOW_MICROS = 50_000;

    private final ClusterFixture fixture = new ClusterFixture();

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    /**
     * Redis with {@link #FAKE_NODES} live nodes of {@link #PER_NODE} sessions each (their node keys never expire),
     * and a connection to it for the test's own commands.
     */
    private RedisCommands<String, byte[]> redisWithFakeNodes(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.uri());
        fixture.closeFirst(client::shutdown);
        StatefulRedisConnection<String, byte[]> c = client.connect(RedisLink.CODEC);
        RedisCommands<String, byte[]> r = c.sync();
        assertEquals(USERS + GUESTS, FakeNodes.fill(r, FAKE_NODES, PER_NODE, GUEST_EVERY));
        r.configSet("slowlog-log-slower-than", Integer.toString(SLOW_MICROS));
        return r;
    }

    /**
     * Two real nodes that know the fake ones; A lists at most 10,000 sessions (fewer than the fake nodes hold of
     * either role), B at most {@code bListMax}.
     */
    private Node[] realNodes(RedisServer redis, String bListMax) throws InterruptedException {
        Node a = fixture.node(redis.uri(), Map.of("postmaster.session-list-max", "10000"));
        Node b = fixture.node(redis.uri(), Map.of("postmaster.session-list-max", bListMax));
        for (Node n : List.of(a, b)) {
            await("a node knows the " + (FAKE_NODES + 1) + " others", () -> n.cluster().joined()
                    && n.cluster().otherNodes().length == FAKE_NODES + 1);
        }
        return new Node[] {a, b};
    }

    /** Calls a meta procedure: its first result (null if none), or the ERROR. */
    private static Object meta(Client c, String procedure, List<Object> args) {
        try {
            c.call(procedure, args, null);
            WampMessage m = c.next(WampMessage.class);
            return m instanceof Result r ? (r.args() == null || r.args().isEmpty() ? null : r.args().get(0)) : m;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The start of what a call answered: a list of 200,000 IDs is no message. */
    private static String brief(Object answer) {
        String s = String.valueOf(answer);
        return s.length() > 300 ? s.substring(0, 300) + "… (" + s.length() + " characters)" : s;
    }

    /** No command held Redis for {@link #SLOW_MICROS} or more since the last reset. */
    private static void assertRedisNeverHeld(RedisCommands<String, byte[]> r, String during) {
        List<Object> slow = r.slowlogGet(10);
        assertTrue(slow.isEmpty(), during + " held Redis for " + SLOW_MICROS / 1000 + " ms or more: " + describe(slow));
    }

    /** SLOWLOG entries as {@code [µs] command args…}. */
    private static String describe(List<Object> slow) {
        StringBuilder s = new StringBuilder();
        for (Object o : slow) {
            List<?> e = (List<?>) o;
            s.append("\n  ").append(e.get(2)).append(" µs:");
            for (Object arg : (List<?>) e.get(3)) {
                String a = arg instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(arg);
                s.append(' ').append(a.length() > 40 ? a.substring(0, 40).replace('\n', ' ') + "…" : a);
            }
        }
        return s.toString();
    }

    @Test
    void countsAndGetOverManySessionsNeverHoldRedis() throws Exception {
        RedisServer redis = fixture.redis();
        RedisCommands<String, byte[]> r = redisWithFakeNodes(redis);
        Node[] nodes = realNodes(redis, "100");
        Client onA = Client.join(nodes[0].router(), "onA");
        Client.join(nodes[1].router(), "onB1");
        Client.join(nodes[1].router(), "onB2");
        long all = USERS + GUESTS + 3;
        await("every session counted", () -> Long.valueOf(all).equals(meta(onA, "wamp.session.count", List.of())));
        r.slowlogReset();

        assertEquals(USERS, meta(onA, "wamp.session.count", List.of(List.of("user"))));
        assertEquals(GUESTS, meta(onA, "wamp.session.count", List.of(List.of("guest"))));
        assertEquals(USERS + GUESTS, meta(onA, "wamp.session.count", List.of(List.of("user", "guest", "nobody"))));
        assertEquals(3L, meta(onA, "wamp.session.count", List.of(List.of(onA.role()))), "the real nodes' sessions");
        assertEquals(0L, meta(onA, "wamp.session.count", List.of(List.of())), "no role asked: none");
        assertEquals(all, meta(onA, "wamp.session.count", List.of()));
        Object got = meta(onA, "wamp.session.get", List.of(FakeNodes.firstSession(7) + 1));
        assertTrue(got instanceof Map<?, ?> d && "user".equals(d.get("authrole")), "a fake node's session: " + got);
        assertRedisNeverHeld(r, "count and get over " + all + " sessions");
    }

    @Test
    void listOverManySessionsNeverHoldsRedisAndIsCompleteOrRefused() throws Exception {
        RedisServer redis = fixture.redis();
        RedisCommands<String, byte[]> r = redisWithFakeNodes(redis);
        Node[] nodes = realNodes(redis, "2");
        Client onA = Client.join(nodes[0].router(), "onA");
        Client onB1 = Client.join(nodes[1].router(), "onB1");
        Client onB2 = Client.join(nodes[1].router(), "onB2");
        long all = USERS + GUESTS + 3;
        await("every session counted", () -> Long.valueOf(all).equals(meta(onA, "wamp.session.count", List.of())));
        r.slowlogReset();

        Object mine = meta(onA, "wamp.session.list", List.of(List.of(onA.role())));
        assertTrue(mine instanceof List<?>, "under the limit: the list, " + brief(mine));
        assertEquals(Set.of(onA.session, onB1.session, onB2.session), new HashSet<>((List<?>) mine),
                "complete: the sessions of both real nodes");
        for (List<Object> args : List.<List<Object>>of(List.of(), List.of(List.of("user")),
                List.of(List.of("guest", onA.role())))) {
            Object refused = meta(onA, "wamp.session.list", args);
            assertTrue(refused instanceof WampMessage.Error e && e.error().equals(ErrorUris.LIMIT_REACHED)
                    && String.valueOf(e.args()).contains("wamp.session.count"),
                    "past postmaster.session-list-max: " + args + " answered " + brief(refused));
        }
        Object past = meta(onB1, "wamp.session.list", List.of(List.of(onA.role())));
        assertTrue(past instanceof WampMessage.Error e && e.error().equals(ErrorUris.LIMIT_REACHED),
                "3 sessions past a limit of 2: " + brief(past));
        assertRedisNeverHeld(r, "list over " + all + " sessions");
    }

    @Test
    void countsPerAuthroleFollowJoinsLeavesARejoinAndTheNodesEnd() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        ClusterFixture.awaitMesh(a, b);
        String sessions = "pm:{realm1}:sessions:" + b.cluster().nodeId();
        String roles = "pm:{realm1}:roles:" + b.cluster().nodeId();
        Client onA = Client.join(a.router(), "onA");
        Client b1 = Client.join(b.router(), "b1");
        Client b2 = Client.join(b.router(), "b2");
        Client b3 = Client.join(b.router(), "b3");
        String role = b1.role();
        await("B's three sessions counted", () -> redis.cli("HGET", roles, role).equals("3"));
        b2.drop();
        await("one left", () -> redis.cli("HGET", roles, role).equals("2") && redis.cli("HLEN", sessions).equals("2"));

        // a session that left while B was away from Redis: still in the hash, and counted, when B joins again
        redis.cli("HSET", sessions, "12345", role + "\nx");
        redis.cli("HINCRBY", roles, role, "1");
        redis.cli("DEL", "pm:node:" + b.cluster().nodeId()); // B finds its key gone at its next heartbeat
        await("B joined again and removed what is no longer there", () -> redis.cli("HGETALL", roles)
                .equals(role + "\n2") && redis.cli("HLEN", sessions).equals("2"));
        assertEquals(3L, meta(onA, "wamp.session.count", List.of(List.of(role, "nobody"))));
        assertEquals(Set.of(onA.session, b1.session, b3.session),
                new HashSet<>((List<?>) meta(onA, "wamp.session.list", List.of(List.of(role)))));

        b.cluster().crash();
        await("a dead node's sessions and counts are removed", () -> redis.cli("EXISTS", sessions, roles).equals("0")
                && Long.valueOf(1).equals(meta(onA, "wamp.session.count", List.of(List.of(role)))));
    }
}
