package io.postmaster.cluster;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.cluster.ClusterFixture.Node;
import io.postmaster.testing.ClaimedAuthids;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.postmaster.cluster.ClusterFixture.await;
import static io.postmaster.cluster.ClusterFixture.awaitMesh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session meta procedures across two nodes: count, list and get see the other node's sessions (and stop seeing
 * them when they leave or their node dies); subscription IDs of different nodes come from disjoint shares of the ID
 * range.
 */
class ClusterMetaTest {
    private final ClusterFixture fixture = new ClusterFixture();

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private static Object meta(Client c, String procedure, List<Object> args) {
        return meta(c, procedure, args, null);
    }

    /** Calls a meta procedure: its first result (null if none), or the ERROR. */
    private static Object meta(Client c, String procedure, List<Object> args, Map<String, Object> kwargs) {
        try {
            c.call(procedure, args, kwargs);
            WampMessage m = c.next(WampMessage.class);
            return m instanceof Result r ? (r.args() == null || r.args().isEmpty() ? null : r.args().get(0)) : m;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Map<String, String> META_KILL = Map.of("postmaster.realm.realm1.meta-kill", "true");

    /** A subscriber that announced subscription revocation (so it is told when it is revoked). */
    private static Client revocable(Node n, String name) throws InterruptedException {
        return Client.join(n.router(), name, Map.of("subscriber", Map.of("features",
                Map.of("subscription_revocation", true)), "caller", Map.of()));
    }

    private static void awaitCount(Client c, long n) throws InterruptedException {
        await(n + " sessions in the cluster", () -> Long.valueOf(n).equals(meta(c, "wamp.session.count", List.of())));
    }

    @Test
    void killReachesSessionsOfOtherNodesAndIsAuthorizedByTheCallersNode() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri(), META_KILL);
        Node b = fixture.node(redis.uri()); // no meta-kill here: B's node carries out what A's node allowed
        awaitMesh(a, b);
        Client killer = Client.join(a.router(), "killer", Client.RPC_ROLES);
        Client v1 = Client.join(b.router(), "v1", Client.RPC_ROLES);
        Client v2 = Client.join(b.router(), "v2", Client.RPC_ROLES);
        Client v3 = Client.join(b.router(), "v3", Client.RPC_ROLES);
        Client v4 = Client.join(a.router(), "v4", Client.RPC_ROLES);
        Client refused = Client.join(b.router(), "refused", Client.RPC_ROLES);
        awaitCount(killer, 6);

        Object denied = meta(refused, "wamp.session.kill", List.of(v4.session));
        assertTrue(denied instanceof WampMessage.Error e && e.error().equals(ErrorUris.NOT_AUTHORIZED),
                "the caller's node decides: " + denied);

        assertEquals(null, meta(killer, "wamp.session.kill", List.of(v1.session),
                Map.of("reason", "com.example.kicked", "message", "bye")));
        WampMessage.Goodbye g = v1.next(WampMessage.Goodbye.class);
        assertEquals("com.example.kicked", g.reason());
        assertEquals("bye", g.details().get("message"));
        Object none = meta(killer, "wamp.session.kill", List.of(v1.session + 1));
        assertTrue(none instanceof WampMessage.Error e && e.error().equals(ErrorUris.NO_SUCH_SESSION), "" + none);

        @SuppressWarnings("unchecked")
        Map<String, Object> v2Details = (Map<String, Object>) meta(killer, "wamp.session.get", List.of(v2.session));
        assertEquals(List.of(v2.session), meta(killer, "wamp.session.kill_by_authid",
                List.of(v2Details.get("authid"))));
        assertEquals(ErrorUris.CLOSE_KILLED, v2.next(WampMessage.Goodbye.class).reason());

        // kill_all: everyone but the caller, on both nodes, counted cluster-wide
        assertEquals(3L, meta(killer, "wamp.session.kill_all", List.of()));
        v3.next(WampMessage.Goodbye.class);
        v4.next(WampMessage.Goodbye.class);
        refused.next(WampMessage.Goodbye.class);
        awaitCount(killer, 1);
    }

    /**
     * The subscribers of a subscription and the sessions {@code kill_by_authid} kills, listed across nodes, are
     * bounded by {@code postmaster.session-list-max} as on one node: past it an ERROR, never a shortened list (nor
     * an answer between nodes too large to arrive); a kill that could not be answered kills no one on any node.
     */
    @Test
    void listsOfSessionsAcrossNodesPastTheLimitAreRefusedNotShortened() throws Exception {
        RedisServer redis = fixture.redis();
        Map<String, String> settings = Map.of("postmaster.realm.realm1.meta-kill", "true",
                "postmaster.session-list-max", "2");
        Node a = fixture.node(PostmasterConfig.from(ClusterFixture.settings(redis.uri(), settings)::get),
                ClaimedAuthids.extensions());
        Node b = fixture.node(PostmasterConfig.from(ClusterFixture.settings(redis.uri(), settings)::get),
                ClaimedAuthids.extensions());
        awaitMesh(a, b);
        Client admin = Client.join(a.router(), "admin", Client.RPC_ROLES, "admin");
        Client a1 = Client.join(a.router(), "a1", Client.RPC_ROLES, "dee");
        Client b1 = Client.join(b.router(), "b1", Client.RPC_ROLES, "dee");
        Client b2 = Client.join(b.router(), "b2", Client.RPC_ROLES, "dee");
        long sub = a1.subscribe("com.t", null);
        b1.subscribe("com.t", null);
        b2.subscribe("com.t", null);
        awaitCount(admin, 4);

        Object refused = meta(admin, "wamp.subscription.list_subscribers", List.of(sub));
        assertTrue(refused instanceof WampMessage.Error e && e.error().equals(ErrorUris.LIMIT_REACHED)
                && String.valueOf(e.args()).contains("wamp.subscription.count_subscribers"),
                "3 subscribers on two nodes, at most 2 listed: " + refused);
        assertEquals(3L, meta(admin, "wamp.subscription.count_subscribers", List.of(sub)));
        Object notKilled = meta(admin, "wamp.session.kill_by_authid", List.of("dee"));
        assertTrue(notKilled instanceof WampMessage.Error e && e.error().equals(ErrorUris.LIMIT_REACHED)
                && String.valueOf(e.args()).contains("none was killed"), "3 sessions of dee: " + notKilled);
        for (Client c : List.of(a1, b1, b2)) {
            c.nothingMore(100); // no GOODBYE on either node
        }
        assertEquals(4L, meta(admin, "wamp.session.count", List.of()));

        assertEquals(null, meta(admin, "wamp.session.kill", List.of(b2.session)));
        b2.next(WampMessage.Goodbye.class);
        await("B's subscriber left", () -> Long.valueOf(2).equals(meta(admin, "wamp.subscription.count_subscribers",
                List.of(sub))));
        assertEquals(Set.of(a1.session, b1.session), new HashSet<>((List<?>) meta(admin,
                "wamp.subscription.list_subscribers", List.of(sub))));
        assertEquals(Set.of(a1.session, b1.session), new HashSet<>((List<?>) meta(admin,
                "wamp.session.kill_by_authid", List.of("dee"))), "within the limit: every session, on both nodes");
        a1.next(WampMessage.Goodbye.class);
        b1.next(WampMessage.Goodbye.class);
        awaitCount(admin, 1);
    }

    @Test
    void subscriptionMetaProceduresAnswerForTheWholeCluster() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        awaitMesh(a, b);
        Client onA = Client.join(a.router(), "onA");
        Client onB = Client.join(b.router(), "onB");
        Client onB2 = Client.join(b.router(), "onB2");
        long xA = onA.subscribe("com.x", null);
        long xB = onB.subscribe("com.x", null);
        assertEquals(xB, onB2.subscribe("com.x", null), "one subscription per topic on a node");
        long pB = onB.subscribe("com.p", "prefix");

        @SuppressWarnings("unchecked")
        Map<String, Object> list = (Map<String, Object>) meta(onA, "wamp.subscription.list", List.of());
        assertEquals(List.of(xA), list.get("exact"), "one ID per topic and policy: the caller's node's own");
        assertEquals(List.of(pB), list.get("prefix"), "another node's subscription is listed");
        assertEquals(pB, meta(onA, "wamp.subscription.lookup", List.of("com.p", Map.of("match", "prefix"))));
        assertEquals(xA, meta(onA, "wamp.subscription.lookup", List.of("com.x")));
        assertEquals(xB, meta(onB, "wamp.subscription.lookup", List.of("com.x")));
        assertEquals(List.of(pB), meta(onA, "wamp.subscription.match", List.of("com.p.q")),
                "match: the other node's prefix subscription");
        assertEquals(List.of(xA), meta(onA, "wamp.subscription.match", List.of("com.x")));
        @SuppressWarnings("unchecked")
        Map<String, Object> got = (Map<String, Object>) meta(onA, "wamp.subscription.get", List.of(pB));
        assertEquals("com.p", got.get("uri"));
        assertEquals("prefix", got.get("match"));
        assertEquals(pB, got.get("id"));
        // the subscribers of a topic on every node, whichever node's ID names it
        assertEquals(Set.of(onA.session, onB.session, onB2.session),
                new HashSet<>((List<?>) meta(onA, "wamp.subscription.list_subscribers", List.of(xB))));
        assertEquals(3L, meta(onA, "wamp.subscription.count_subscribers", List.of(xA)));
        assertEquals(1L, meta(onA, "wamp.subscription.count_subscribers", List.of(pB)));
        Object none = meta(onA, "wamp.subscription.get", List.of(12345L));
        assertTrue(none instanceof WampMessage.Error e && e.error().equals(ErrorUris.NO_SUCH_SUBSCRIPTION), "" + none);
    }

    @Test
    void subscriptionMetaEventsReachMetaSubscribersOnEveryNode() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        awaitMesh(a, b);
        Client watcher = Client.join(a.router(), "watcher");
        long meta = watcher.subscribe("wamp.subscription.on_", "prefix");
        assertEquals("wamp.subscription.on_create", watcher.next(WampMessage.Event.class).details().get("topic"),
                "first the meta events of the watcher's own subscription");
        assertEquals("wamp.subscription.on_subscribe", watcher.next(WampMessage.Event.class).details().get("topic"));
        await("B knows A's meta subscription", () -> b.cluster().remoteInterest("realm1", a.cluster().nodeId()) == 1);

        Client onB = Client.join(b.router(), "onB");
        long sub = onB.subscribe("com.y", null);
        WampMessage.Event c = watcher.next(WampMessage.Event.class);
        assertEquals(meta, c.subscription());
        assertEquals("wamp.subscription.on_create", c.details().get("topic"));
        assertEquals(onB.session, c.args().get(0));
        assertEquals(sub, ((Map<?, ?>) c.args().get(1)).get("id"));
        assertEvent(watcher, "wamp.subscription.on_subscribe", List.of(onB.session, sub));
        onB.drop();
        assertEvent(watcher, "wamp.subscription.on_unsubscribe", List.of(onB.session, sub));
        assertEvent(watcher, "wamp.subscription.on_delete", List.of(onB.session, sub));
    }

    private static void assertEvent(Client c, String topic, List<Object> args) throws InterruptedException {
        WampMessage.Event e = c.next(WampMessage.Event.class);
        assertEquals(topic, e.details().get("topic"));
        assertEquals(args, e.args());
    }

    @Test
    void revocationReachesCalleesAndSubscribersOfOtherNodes() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri(), META_KILL);
        Node b = fixture.node(redis.uri());
        awaitMesh(a, b);
        Client admin = Client.join(a.router(), "admin", Client.RPC_ROLES);
        Client callee = Client.join(b.router(), "callee", Client.RPC_ROLES);
        Client callee2 = Client.join(b.router(), "callee2", Client.RPC_ROLES);
        long reg = callee.register("com.r", Map.of("invoke", "roundrobin"));
        assertEquals(reg, callee2.register("com.r", Map.of("invoke", "roundrobin")));
        long reg2 = callee.register("com.r2", Map.of());
        await("A sees B's callees", () -> Long.valueOf(2).equals(meta(admin, "wamp.registration.count_callees",
                List.of(reg))) && meta(admin, "wamp.registration.match", List.of("com.r2")) != null);

        assertEquals(null, meta(admin, "wamp.registration.remove_callee", List.of(reg, callee2.session, "moved")));
        WampMessage.Unregistered u = callee2.next(WampMessage.Unregistered.class);
        assertEquals(Map.of("registration", reg, "reason", "moved"), u.details());
        assertEquals(List.of(callee.session), meta(admin, "wamp.registration.remove", List.of(reg),
                Map.of("reason", "closed")));
        assertEquals(Map.of("registration", reg, "reason", "closed"),
                callee.next(WampMessage.Unregistered.class).details());
        Object notHeld = meta(admin, "wamp.registration.remove_callee", List.of(reg2, callee2.session));
        assertTrue(notHeld instanceof WampMessage.Error e && e.error().equals(ErrorUris.NO_SUCH_REGISTRATION),
                "" + notHeld);

        Client sub = revocable(b, "sub");
        Client sub2 = revocable(b, "sub2");
        long s = sub.subscribe("com.s", null);
        sub2.subscribe("com.s", null);
        await("A sees B's subscription", () -> Long.valueOf(2).equals(meta(admin,
                "wamp.subscription.count_subscribers", List.of(s))));
        assertEquals(null, meta(admin, "wamp.subscription.remove_subscriber", List.of(s, sub2.session, "out")));
        assertEquals(Map.of("subscription", s, "reason", "out"), sub2.next(WampMessage.Unsubscribed.class).details());
        assertEquals(List.of(sub.session), meta(admin, "wamp.subscription.remove", List.of(s, "all out")));
        assertEquals(Map.of("subscription", s, "reason", "all out"), sub.next(WampMessage.Unsubscribed.class).details());
    }

    @Test
    void sessionCountListAndGetSeeEveryNode() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        await("both joined", () -> a.cluster().joined() && b.cluster().joined());
        Client onA = Client.join(a.router(), "onA", Client.RPC_ROLES);
        Client onB1 = Client.join(b.router(), "onB1", Client.RPC_ROLES);
        Client onB2 = Client.join(b.router(), "onB2", Client.RPC_ROLES);

        await("A counts B's sessions", () -> Long.valueOf(3).equals(meta(onA, "wamp.session.count", List.of())));
        @SuppressWarnings("unchecked")
        List<Object> ids = (List<Object>) meta(onA, "wamp.session.list", List.of());
        assertEquals(Set.of(onA.session, onB1.session, onB2.session), new HashSet<>(ids));
        String role = onB1.role();
        assertEquals(3L, meta(onA, "wamp.session.count", List.of(List.of(role))), "filtered by authrole");
        assertEquals(0L, meta(onA, "wamp.session.count", List.of(List.of("nobody"))));

        Object got = meta(onA, "wamp.session.get", List.of(onB1.session));
        assertTrue(got instanceof Map<?, ?> d && onB1.session == (Long) d.get("session")
                && role.equals(d.get("authrole")), "B's session from A: " + got);
        Object none = meta(onA, "wamp.session.get", List.of(12345L));
        assertTrue(none instanceof WampMessage.Error e && e.error().equals(ErrorUris.NO_SUCH_SESSION), "" + none);

        onB2.drop();
        await("a session that left is no longer counted", () -> Long.valueOf(2).equals(
                meta(onA, "wamp.session.count", List.of())));
        b.cluster().crash();
        await("a dead node's sessions are no longer counted", () -> Long.valueOf(1).equals(
                meta(onA, "wamp.session.count", List.of())));
    }

    @Test
    void subscriptionIdsOfDifferentNodesAreDistinct() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        await("both joined", () -> a.cluster().joined() && b.cluster().joined());
        Client onA = Client.join(a.router(), "onA");
        Client onB = Client.join(b.router(), "onB");
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            ids.add(onA.subscribe("com.t" + i, null));
            ids.add(onB.subscribe("com.t" + i, null));
        }
        assertEquals(100, ids.size());
        assertTrue(ids.stream().allMatch(id -> id >= 1 && id <= 1L << 53), "in the WAMP ID range");
        // each from its node's own share of the range: no clash is possible, not just unlikely
        Set<Integer> slots = new HashSet<>();
        for (long id : ids) {
            slots.add(SessionIds.slotOf(id));
        }
        assertEquals(Set.of(a.cluster().slot(), b.cluster().slot()), slots);
    }

    @Test
    void retainedEventsAndEventHistoryAreSharedAcrossNodesWithinTheirBounds() throws Exception {
        RedisServer redis = fixture.redis();
        Map<String, String> settings = Map.of("postmaster.realm.realm1.history", "com.h=3",
                "postmaster.retained-max", "2");
        Node a = fixture.node(redis.uri(), settings);
        Node b = fixture.node(redis.uri(), settings);
        awaitMesh(a, b);
        Client pub = Client.join(a.router(), "pub");

        pub.publish("com.r.one", Map.of("retain", true), List.of("kept"));
        await("kept in Redis", () -> redis.cli("HEXISTS", "pm:{realm1}:retained", "com.r.one").equals("1"));
        Client sub = Client.join(b.router(), "sub");
        long exact = sub.subscribeWith("com.r.one", Map.of("get_retained", true));
        WampMessage.Event e = sub.next(WampMessage.Event.class);
        assertEquals(exact, e.subscription());
        assertEquals(List.of("kept"), e.args());
        assertEquals(true, e.details().get("retained"));
        long prefix = sub.subscribeWith("com.r", Map.of("match", "prefix", "get_retained", true));
        WampMessage.Event p = sub.next(WampMessage.Event.class);
        assertEquals(prefix, p.subscription());
        assertEquals("com.r.one", p.details().get("topic"));

        // bounded as on one node: postmaster.retained-max topics per realm
        pub.publish("com.r.two", Map.of("retain", true), List.of("2"));
        pub.publish("com.r.three", Map.of("retain", true, "acknowledge", true), List.of("3"));
        pub.next(WampMessage.Published.class);
        await("the third topic's event is refused", () -> redis.cli("HLEN", "pm:{realm1}:retained").equals("2")
                && redis.cli("HEXISTS", "pm:{realm1}:retained", "com.r.two").equals("1"));

        for (int i = 0; i < 5; i++) {
            pub.publish("com.h", Map.of(), List.of("e" + i));
        }
        await("the last three recorded", () -> redis.cli("LLEN", "pm:{realm1}:history:com.h").equals("3")
                && redis.cli("LINDEX", "pm:{realm1}:history:com.h", "-1").contains("e4"));
        Client reader = Client.join(b.router(), "reader");
        long h = reader.subscribe("com.h", null);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = (List<Map<String, Object>>) meta(reader, "wamp.subscription.get_events",
                List.of(h));
        assertEquals(List.of(List.of("e2"), List.of("e3"), List.of("e4")), events.stream().map(x -> x.get("args"))
                .toList(), "the history of events published on the other node: " + events);
        assertEquals(h, events.get(0).get("subscription"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> last = (List<Map<String, Object>>) meta(reader, "wamp.topic.history.last",
                List.of("com.h", 2L));
        assertEquals(List.of(List.of("e3"), List.of("e4")), last.stream().map(x -> x.get("args")).toList());
    }

    @Test
    void retainedEventsAndHistoryInRedisAreBoundedByBytes() throws Exception {
        RedisServer redis = fixture.redis();
        Map<String, String> settings = Map.of("postmaster.realm.realm1.history", "com.b=100",
                "postmaster.history-max-bytes", "400", "postmaster.retained-max-bytes", "300");
        Node a = fixture.node(redis.uri(), settings);
        fixture.node(redis.uri(), settings);
        await("joined", () -> a.cluster().joined());
        Client pub = Client.join(a.router(), "pub");
        String big = "x".repeat(100);
        for (int i = 0; i < 10; i++) {
            pub.publish("com.b", Map.of(), List.of(big, "n" + i));
        }
        String list = "pm:{realm1}:history:com.b";
        await("the last one recorded", () -> redis.cli("LINDEX", list, "-1").contains("n9"));
        long bytes = Long.parseLong(redis.cli("GET", "pm:{realm1}:history-bytes:com.b"));
        assertTrue(bytes <= 400, "at most history-max-bytes: " + bytes);
        assertEquals(Long.toString(bytes), redis.cli("EVAL", "local n = 0 for _, e in ipairs(redis.call('lrange', "
                + "KEYS[1], 0, -1)) do n = n + #e end return n", "1", list), "the count of bytes is the list's");
        assertTrue(Integer.parseInt(redis.cli("LLEN", list)) < 10, "the oldest dropped");

        pub.publish("com.t", Map.of("retain", true), List.of("small"));
        await("kept", () -> redis.cli("HEXISTS", "pm:{realm1}:retained", "com.t").equals("1"));
        pub.publish("com.t", Map.of("retain", true, "acknowledge", true), List.of("y".repeat(400)));
        pub.next(WampMessage.Published.class);
        await("past retained-max-bytes: not kept, and the previous one dropped",
                () -> redis.cli("HEXISTS", "pm:{realm1}:retained", "com.t").equals("0"));
        assertEquals("0", redis.cli("GET", "pm:{realm1}:retained-bytes"));
    }
}
