package io.postmaster.cluster;

import io.postmaster.cluster.ClusterFixture.Node;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.postmaster.cluster.ClusterFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What one node's clients can make Redis (and every other node's mirror) hold is bounded: past
 * {@code postmaster.cluster.max-interest} a node announces one entry, "everything in the realm", and still gets each
 * event once per subscription; past {@code postmaster.cluster.max-registrations} a REGISTER gets
 * {@code postmaster.error.limit_reached}.
 */
class EngineBoundsTest {
    private final ClusterFixture fixture = new ClusterFixture();

    private Node node(String redisUri) {
        return fixture.node(redisUri, Map.of("postmaster.cluster.max-interest", "4",
                "postmaster.cluster.max-registrations", "2"));
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void pastMaxInterestANodeAsksForEverythingAndStillGetsEachEventOnce() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = node(redis.uri());
        Node b = node(redis.uri());
        await("both joined", () -> a.cluster().joined() && b.cluster().joined());
        String key = "pm:{realm1}:interest:" + b.cluster().nodeId();
        // Joined first: its wamp.session.on_join is a publication of node A that would reach B once B asks for all.
        Client pub = Client.join(a.router(), "pub");
        Client kept = Client.join(b.router(), "kept");
        kept.subscribe("com.kept", null);
        Client many = Client.join(b.router(), "many");
        for (int i = 0; i < 5; i++) { // five topics and the one above: past 4
            many.subscribe("com.many." + i, null);
        }
        many.subscribe("com", "prefix"); // overlaps com.many.0 on the same node
        await("B announces one entry: everything", () -> redis.cli("SMEMBERS", key).equals("a")
                && a.cluster().remoteWantsEverything("realm1", b.cluster().nodeId())
                && a.cluster().remoteInterest("realm1", b.cluster().nodeId()) == 1);

        long before = b.cluster().relayedIn();
        pub.publish("org.nobody", Map.of(), List.of("unwanted"));
        pub.publish("com.many.0", Map.of(), List.of("wanted"));
        Event exact = many.next(Event.class);
        Event viaPrefix = many.next(Event.class);
        assertEquals(List.of("wanted"), exact.args());
        assertEquals(List.of("wanted"), viaPrefix.args(), "each subscription once");
        many.nothingMore(100);
        kept.nothingMore(0);
        assertEquals(before + 2, b.cluster().relayedIn(), "B gets every publication now, and matches them itself");

        many.drop(); // back to one topic: under half of the bound
        await("B announces its topics again", () -> redis.cli("SMEMBERS", key).equals("e com.kept")
                && !a.cluster().remoteWantsEverything("realm1", b.cluster().nodeId())
                && a.cluster().remoteInterest("realm1", b.cluster().nodeId()) == 1);
        long after = b.cluster().relayedIn();
        pub.publish("org.nobody", Map.of(), List.of("unwanted"));
        pub.publish("com.kept", Map.of(), List.of("kept"));
        assertEquals(List.of("kept"), kept.next(Event.class).args());
        assertEquals(after + 1, b.cluster().relayedIn(), "no traffic for a topic B has no subscriber for");
    }

    @Test
    void pastMaxRegistrationsARegisterIsRefusedWithLimitReached() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = node(redis.uri());
        await("joined", a.cluster()::joined);
        Client callee = Client.join(a.router(), "callee", Client.RPC_ROLES);
        long first = callee.register("com.one", Map.of());
        callee.register("com.two", Map.of());
        callee.sendRegister("com.three", Map.of());
        WampMessage.Error refused = callee.next(WampMessage.Error.class);
        assertEquals(ErrorUris.LIMIT_REACHED, refused.error());
        assertEquals("2", redis.cli("HLEN", "pm:{realm1}:regs"), "Redis holds two");

        callee.unregister(first);
        callee.next(WampMessage.Unregistered.class);
        await("the first is released in Redis", () -> redis.cli("HLEN", "pm:{realm1}:regs").equals("1"));
        callee.register("com.three", Map.of()); // room again
    }
}
