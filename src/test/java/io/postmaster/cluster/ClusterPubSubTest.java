package io.postmaster.cluster;

import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Published;
import io.postmaster.cluster.ClusterFixture.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.postmaster.cluster.ClusterFixture.await;
import static io.postmaster.cluster.ClusterFixture.awaitJoined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes in one JVM, each a router with its own Redis connection, one real {@code redis-server}: publications
 * cross nodes exactly once per subscription, in order, filtered and disclosed as on one node; a node without
 * subscribers gets no traffic; the nodes survive Redis coming late, Redis restarting, and a node dying.
 */
class ClusterPubSubTest {
    private final ClusterFixture fixture = new ClusterFixture();

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private static void awaitInterest(Node at, Node of, int entries) throws InterruptedException {
        await("node " + at.cluster().nodeId() + " knows " + entries + " subscriptions of node " + of.cluster().nodeId(),
                () -> {
                    try {
                        return at.cluster().remoteInterest("realm1", of.cluster().nodeId()) == entries;
                    } catch (Exception e) {
                        return false;
                    }
                });
    }

    @Test
    void eventsCrossNodesOncePerSubscriptionInOrderAndOnlyWhereWanted() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        awaitJoined(a, b);
        assertNotEquals(a.cluster().slot(), b.cluster().slot(), "each node its own session-ID slot");

        Client sub = Client.join(b.router(), "sub");
        long exact = sub.subscribe("com.x.y", null);
        long prefix = sub.subscribe("com.x", "prefix");
        long wildcard = sub.subscribe("com..y", "wildcard");
        awaitInterest(a, b, 3);

        Client pub = Client.join(a.router(), "pub");
        for (int i = 0; i < 200; i++) {
            pub.publish("com.x.y", Map.of("acknowledge", true), List.of(i));
        }
        Map<Long, Integer> nextBySubscription = new HashMap<>(Map.of(exact, 0, prefix, 0, wildcard, 0));
        for (int i = 0; i < 600; i++) {
            Event e = sub.next(Event.class);
            int expected = nextBySubscription.merge(e.subscription(), 1, Integer::sum) - 1;
            assertEquals(List.of((long) expected), e.args(), "publisher order, per subscription");
        }
        assertEquals(Map.of(exact, 200, prefix, 200, wildcard, 200), nextBySubscription);
        for (int i = 0; i < 200; i++) {
            pub.next(Published.class); // acknowledged by the publisher's node
        }
        sub.nothingMore(100);
        assertEquals(200, b.cluster().relayedIn(), "one message per publication to the node, whatever matches there");

        long before = b.cluster().relayedIn();
        pub.publish("org.other", Map.of(), List.of("nobody"));
        pub.publish("com.x.y", Map.of(), List.of("marker"));
        assertEquals(List.of("marker"), sub.next(Event.class).args());
        assertEquals(before + 1, b.cluster().relayedIn(), "no traffic for a topic the node has no subscriber for");
        sub.received.clear();
        assertEquals(0, a.cluster().relayedIn(), "node A has no subscribers: it received nothing");
    }

    @Test
    void filtersAndDisclosureHoldAcrossNodes() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        awaitJoined(a, b);
        Client kept = Client.join(b.router(), "kept");
        Client excluded = Client.join(b.router(), "excluded");
        kept.subscribe("com.t", null);
        excluded.subscribe("com.t", null);
        Client pub = Client.join(a.router(), "pub");
        pub.subscribe("com.t", null); // exclude_me: the publisher itself gets nothing
        awaitInterest(a, b, 1);
        assertTrue(SessionIdsTest.distinct(List.of(kept.session, excluded.session, pub.session)));

        pub.publish("com.t", Map.of("exclude", List.of(excluded.session), "disclose_me", true), List.of("one"));
        Event e = kept.next(Event.class);
        assertEquals(List.of("one"), e.args());
        assertEquals(pub.session, e.details().get("publisher"), "publisher disclosed across nodes");
        pub.publish("com.t", Map.of("eligible", List.of(excluded.session)), List.of("two"));
        assertEquals(List.of("two"), excluded.next(Event.class).args(), "whitelist names a session on the other node");
        assertFalse(excluded.received.stream().anyMatch(m -> m instanceof Event ev && ev.args().equals(List.of("one"))));
        kept.nothingMore(100);
        excluded.nothingMore(0);
        pub.nothingMore(0);
    }

    @Test
    void aNodeStartsAloneWhileRedisIsAwayAndJoinsWhenItAppears() throws Exception {
        RedisServer redis = fixture.redisNotStarted();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        Client local = Client.join(a.router(), "local");
        local.subscribe("com.t", null);
        Client pub = Client.join(a.router(), "pub");
        pub.publish("com.t", Map.of(), List.of("alone"));
        assertEquals(List.of("alone"), local.next(Event.class).args(), "local routing works without Redis");
        assertFalse(a.cluster().joined());

        redis.run();
        awaitJoined(a, b);
        Client remote = Client.join(b.router(), "remote");
        remote.subscribe("com.t", null);
        awaitInterest(a, b, 1);
        pub.publish("com.t", Map.of(), List.of("joined"));
        assertEquals(List.of("joined"), remote.next(Event.class).args());
    }

    @Test
    void afterARedisRestartRoutingAcrossNodesRecovers() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        awaitJoined(a, b);
        Client sub = Client.join(b.router(), "sub");
        sub.subscribe("com.t", null);
        Client localSub = Client.join(a.router(), "localSub");
        localSub.subscribe("com.t", null);
        awaitInterest(a, b, 1);
        Client pub = Client.join(a.router(), "pub");

        redis.kill();
        pub.publish("com.t", Map.of(), List.of("during"));
        assertEquals(List.of("during"), localSub.next(Event.class).args(), "local routing goes on without Redis");

        redis.run(); // empty: the engine lost everything
        long t0 = System.nanoTime();
        await("both nodes joined again, B listening", () -> a.cluster().joined() && b.cluster().joined()
                && interestOf(a, b) == 1 && numsub(redis, "pm:n:" + b.cluster().nodeId()) == 1);
        // Across an engine outage delivery is at most once, also for what is published while the connections are
        // being re-established: publish until B has one, which must happen within the 5 s the design promises.
        Event e = null;
        for (int i = 0; e == null && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10); i++) {
            pub.publish("com.t", Map.of(), List.of("after"));
            e = sub.received.poll(200, TimeUnit.MILLISECONDS) instanceof Event ev ? ev : null;
        }
        assertTrue(e != null, "B received " + b.cluster().relayedIn() + ", A dropped " + a.cluster().dropped()
                + ", B dropped " + b.cluster().dropped() + ", A joined " + a.cluster().joined());
        assertEquals(List.of("after"), e.args(), "what was published during the outage is lost (at most once)");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 5000, "recovered in " + ms + " ms");
    }

    @Test
    void aKilledNodesKeysExpireAndTheOthersForgetIt() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        awaitJoined(a, b);
        Client sub = Client.join(b.router(), "sub");
        sub.subscribe("com.t", null);
        awaitInterest(a, b, 1);
        long dead = b.cluster().nodeId();

        b.cluster().crash();
        awaitInterest(a, b, 0);
        await("the dead node's keys expired", () -> {
            try {
                return redis.cli("--scan", "--pattern", "pm:*" + dead + "*").isEmpty()
                        && !redis.cli("SMEMBERS", "pm:nodes").contains(Long.toString(dead));
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void garbageAndOversizeMessagesFromRedisAreDroppedAndRoutingGoesOn() throws Exception {
        RedisServer redis = fixture.redis();
        Map<String, String> small = Map.of("postmaster.max-message-size", "1024");
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri(), small);
        awaitJoined(a, b);
        Client sub = Client.join(b.router(), "sub");
        sub.subscribe("com.t", null);
        awaitInterest(a, b, 1);
        String inbox = "pm:n:" + b.cluster().nodeId();

        redis.cli("PUBLISH", inbox, "not a message");
        redis.cli("PUBLISH", inbox, "x".repeat(1024 + 64 * 1024 + 1));
        redis.cli("PUBLISH", "pm:ctl", "not a control message");
        await("both dropped", () -> b.cluster().dropped() == 2);

        Client pub = Client.join(a.router(), "pub");
        pub.publish("com.t", Map.of(), List.of("still routed"));
        assertEquals(List.of("still routed"), sub.next(Event.class).args());
    }

    private static int numsub(RedisServer redis, String channel) {
        try {
            String[] out = redis.cli("PUBSUB", "NUMSUB", channel).split("\\s+");
            return Integer.parseInt(out[out.length - 1]);
        } catch (Exception e) {
            return -1;
        }
    }

    private static int interestOf(Node at, Node of) {
        try {
            return at.cluster().remoteInterest("realm1", of.cluster().nodeId());
        } catch (Exception e) {
            return -1;
        }
    }
}
