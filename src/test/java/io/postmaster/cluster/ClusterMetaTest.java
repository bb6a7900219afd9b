package io.postmaster.cluster;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.cluster.ClusterFixture.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.postmaster.cluster.ClusterFixture.await;
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
        try {
            c.call(procedure, Map.of(), args);
            WampMessage m = c.next(WampMessage.class);
            return m instanceof Result r ? r.args().get(0) : m;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
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
}
