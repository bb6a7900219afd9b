package io.postmaster.cluster;

import io.postmaster.cluster.ClusterFixture.Node;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.postmaster.cluster.ClusterFixture.await;
import static io.postmaster.cluster.ClusterFixture.awaitMesh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes whose Redis speaks only RESP2 — a Redis older than 6, or a server or proxy in front of it that does not know
 * {@code HELLO}: Lettuce's {@code HELLO 3} is refused and it falls back to RESP2, under which a subscribed connection
 * may not publish, so a node publishes to the other nodes' inboxes on its command connection instead of its pub/sub
 * connection. The {@code redis-server} here has {@code HELLO} renamed away, so it answers as such a server does.
 * Events and calls cross nodes both ways, in order.
 */
class ClusterResp2Test {
    private final ClusterFixture fixture = new ClusterFixture();

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void eventsAndCallsCrossNodesWhenRedisSpeaksOnlyResp2() throws Exception {
        RedisServer redis = fixture.closeLast(RedisServer.start("--rename-command", "HELLO", ""));
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        awaitMesh(a, b);
        // each node's command and pub/sub connections (and redis-cli's own) speak RESP2
        List<String> clients = redis.cli("CLIENT", "LIST").lines().toList();
        assertTrue(clients.size() >= 5 && clients.stream().allMatch(c -> (" " + c + " ").contains(" resp=2 ")),
                "every connection on RESP2: " + String.join("\n", clients));

        Client sub = Client.join(b.router(), "sub");
        long exact = sub.subscribe("com.x", null);
        await("node A knows B's subscription", () -> {
            try {
                return a.cluster().remoteInterest("realm1", b.cluster().nodeId()) == 1;
            } catch (Exception e) {
                return false;
            }
        });
        Client pub = Client.join(a.router(), "pub");
        for (int i = 0; i < 100; i++) {
            pub.publish("com.x", Map.of(), List.of(i));
        }
        for (int i = 0; i < 100; i++) {
            Event e = sub.next(Event.class);
            assertEquals(exact, e.subscription());
            assertEquals(List.of((long) i), e.args(), "every event, in publisher order");
        }

        // calls both ways: the INVOCATION and the RESULT each cross nodes
        for (Node[] pair : List.of(new Node[] {a, b}, new Node[] {b, a})) {
            String procedure = "com.p" + pair[1].cluster().nodeId();
            Client callee = Client.join(pair[1].router(), "callee", Client.RPC_ROLES);
            callee.register(procedure, Map.of());
            Client caller = Client.join(pair[0].router(), "caller", Client.RPC_ROLES);
            ClusterFixture.awaitCallable(caller, procedure, callee);
            for (int i = 0; i < 20; i++) {
                caller.call(procedure, Map.of(), List.of(i));
                Invocation inv = callee.next(Invocation.class);
                assertEquals(List.of((long) i), inv.args());
                callee.yield(inv.request(), Map.of(), List.of("done " + i));
                assertEquals(List.of("done " + i), caller.next(Result.class).args());
            }
        }
    }
}
