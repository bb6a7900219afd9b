package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.spi.Decision;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.TransportDetails;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker's half of the cluster seam, with two brokers of one realm standing for two nodes: what one relays, the
 * other delivers to its own subscribers only, and never relays again; a publisher's exclusion holds on the other
 * node too (it names the publisher by session ID).
 */
class ClusterSeamTest {
    private static final PostmasterConfig CONFIG = PostmasterConfig.defaults();

    /** A broker of realm1 that relays through {@code relay}. */
    private static Broker broker(PublicationRelay relay) {
        MetaEvents meta = new MetaEvents((topic, args) -> { }, Runnable::run);
        return new Broker(CONFIG.realms().get("realm1"), CONFIG.limits().of("realm1"), 10, meta,
                new Authorization((s, p, uri, a) -> Decision.ALLOW), relay);
    }

    private static Session session(long id, TestPeer peer) {
        SessionDetails d = new SessionDetails(id, "realm1", "user" + id, "user", "anonymous", "static", Map.of(),
                new TransportDetails(peer.transport().peerAddress(), "wamp.2.json", false));
        return new Session(peer, d, Permissions.NONE, Map.of(), Runnable::run, new Session.Carrier() {
            public void kill(String reason, String message) { }
            public void failed(String what, Throwable e) { throw new AssertionError(e); }
        });
    }

    @Test
    void aRelayedPublicationReachesTheOtherNodesSubscribersAndIsNotRelayedAgain() {
        List<Long> relayedByB = new ArrayList<>();
        Broker b = broker((realm, topic, publication, details, args, kwargs, filter) -> relayedByB.add(publication));
        Broker a = broker((realm, topic, publication, details, args, kwargs, filter) ->
                b.deliverLocal(topic, publication, details, args, kwargs, filter));

        TestPeer kept = new TestPeer("kept");
        b.subscribe(b.subscriber(session(2, kept)), 1, "com.t", MatchPolicy.EXACT, false);
        assertTrue(kept.next() instanceof WampMessage.Subscribed);
        TestPeer excluded = new TestPeer("excluded");
        b.subscribe(b.subscriber(session(3, excluded)), 1, "com.t", MatchPolicy.EXACT, false);
        assertTrue(excluded.next() instanceof WampMessage.Subscribed);

        TestPeer publisherPeer = new TestPeer("publisher");
        Session publisher = session(1, publisherPeer);
        Publish m = new Publish(7, Map.of("acknowledge", true, "exclude", List.of(3L)), "com.t", List.of("hello"),
                null);
        a.publish(publisher, m, SubscriberFilter.of(m.options(), publisher), false);

        Event e = kept.next(Event.class);
        assertEquals(List.of("hello"), e.args());
        long publication = publisherPeer.next(WampMessage.Published.class).publication();
        assertEquals(publication, e.publication(), "one publication ID on both nodes");
        assertEquals(List.of(), relayedByB, "a relayed publication is not relayed again");
        excluded.nothingMore(50); // the filter names sessions by ID, so it means the same on the other node
        kept.nothingMore(0);
    }
}
