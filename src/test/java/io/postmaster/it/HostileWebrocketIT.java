package io.postmaster.it;

import io.postmaster.testing.RawWebSocket;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * webrocket clients that push the router: what they may make it hold is bounded, they get webrocket's answer or a
 * close, and the others are not disturbed. (Realm {@code rocket}; {@code postmaster.webrocket.max-frame-bytes} is
 * 16384 in the test configuration, {@code max-queued-ops} the default 64.)
 */
class HostileWebrocketIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    private RawWebSocket connect() throws IOException {
        return new RawWebSocket(URI.create("ws://127.0.0.1:" + base.getPort() + "/webrocket/rocket"),
                InetAddress.getLoopbackAddress(), "ws");
    }

    /**
     * webrocket answers one operation at a time, in order; a client that sends more ahead than
     * {@code postmaster.webrocket.max-queued-ops} (here while its login's hash is checked) is closed with 1008
     * instead of the router queueing them without bound. A bystander's operations go on.
     */
    @Test
    void operationsFarAheadOfTheirAnswersCloseTheConnection() throws Exception {
        try (RawWebSocket bystander = connect();
             SeedSocket flooder = new SeedSocket(URI.create("ws://127.0.0.1:" + base.getPort() + "/webrocket/rocket"),
                     "ws")) {
            assertEquals("{\"ok\":true}",
                    ask(bystander, "{\"auth\":{\"access\":\"read-only\",\"secret\":\"ro-secret\"}}"));
            List<String> burst = new ArrayList<>();
            burst.add("{\"auth\":{\"access\":\"read-write\",\"secret\":\"rw-secret\"}}");
            for (int i = 0; i < 200; i++) {
                burst.add("{\"subscribe\":{\"channel\":\"flood" + i + "\"}}");
            }
            flooder.sendTexts(burst); // in one write: they arrive together, while the login's hash is checked
            assertEquals(1008, flooder.awaitClose(10_000));
            assertEquals("{\"ok\":true}", ask(bystander, "{\"subscribe\":{\"channel\":\"bystander\"}}"));
        }
    }

    @Test
    void aFrameOverTheLimitClosesWith1009() throws Exception {
        try (RawWebSocket ws = connect()) {
            ws.sendText("{\"subscribe\":{\"channel\":\"" + "x".repeat(20_000) + "\"}}");
            assertEquals(1009, ws.awaitCloseIgnoringPings(5000));
        }
    }

    @Test
    void aChannelNameOverTheLimitIsInvalid() throws Exception {
        try (RawWebSocket ws = connect()) {
            assertEquals("{\"ok\":true}", ask(ws, "{\"auth\":{\"access\":\"read-only\",\"secret\":\"ro-secret\"}}"));
            assertEquals("{\"err\":\"invalid_channel_name\"}",
                    ask(ws, "{\"subscribe\":{\"channel\":\"" + "x".repeat(201) + "\"}}"));
            assertEquals("{\"ok\":true}", ask(ws, "{\"subscribe\":{\"channel\":\"" + "x".repeat(200) + "\"}}"));
        }
    }

    private static String ask(RawWebSocket ws, String frame) throws IOException {
        ws.sendText(frame);
        return ws.readText();
    }

    /**
     * webrocket connections count towards {@code postmaster.max-connections-per-address} (50 in the test
     * configuration) together with WAMP's: one address cannot open more by switching endpoints.
     */
    @Test
    void connectionsCountPerAddressWithThoseOfWamp() throws Exception {
        InetAddress attacker = InetAddress.getByName("127.0.0.51"); // an address of its own
        URI rocket = URI.create("ws://127.0.0.1:" + base.getPort() + "/webrocket/rocket");
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                RawWebSocket c = new RawWebSocket(rocket, attacker, "ws");
                open.add(c);
                assertEquals("{\"ok\":true}", ask(c, "{\"logout\":true}"), "connection " + (i + 1) + " is open");
            }
            IOException wamp = assertThrows(IOException.class,
                    () -> new RawWebSocket(ws(), attacker, "wamp.2.json"));
            assertTrue(wamp.getMessage().contains(" 429"), wamp.getMessage());
            IOException more = assertThrows(IOException.class, () -> new RawWebSocket(rocket, attacker, "ws"));
            assertTrue(more.getMessage().contains(" 429"), more.getMessage());
            try (RawWebSocket other = connect()) { // another address is not affected
                assertEquals("{\"ok\":true}", ask(other, "{\"logout\":true}"));
            }
        } finally {
            for (RawWebSocket c : open) {
                c.close();
            }
        }
    }

    /**
     * A webrocket subscriber that stops reading while a WAMP client publishes to its channel is closed with 1008 once
     * what waits for it passes {@code postmaster.outbound-queue-bytes} (4 MiB by default), instead of the router
     * holding every event for it; the publisher is not held up.
     */
    @Test
    void aSubscriberThatDoesNotReadIsClosedOnceItsQueueIsFull() throws Exception {
        try (RawWebSocket stalled = connect();
             io.postmaster.testing.WampTestClient publisher = io.postmaster.testing.WampTestClient.join(
                     ws(), "rocket")) {
            assertEquals("{\"ok\":true}", ask(stalled, "{\"auth\":{\"access\":\"read-only\",\"secret\":\"ro-secret\"}}"));
            assertEquals("{\"ok\":true}", ask(stalled, "{\"subscribe\":{\"channel\":\"stalled\"}}"));
            String big = "x".repeat(500_000);
            for (int i = 0; i < 60; i++) { // 30 MB: more than the queue and the sockets' buffers hold
                if (i % 5 == 0) {
                    // It writes, it only never reads: the keepalive, which closes peers that fell silent (1001), must
                    // not be what finds it, however slowly the publications go on a busy machine.
                    stalled.sendText("{\"bogus\":true}");
                }
                publisher.send(new io.postmaster.message.WampMessage.Publish(i + 1, java.util.Map.of("acknowledge", true),
                        "webrocket.stalled", List.of(big), java.util.Map.of("event", "e")));
                publisher.next(io.postmaster.message.WampMessage.Published.class);
            }
            assertEquals(1008, stalled.awaitCloseIgnoringPings(20_000));
        }
    }

    @Test
    void aPeerThatNeverAnswersPingsIsClosedAsGoneAway() throws Exception {
        try (RawWebSocket silent = connect()) {
            // pings every 2 s in the suite, closed after 1 unanswered: within (max-missed + 2) intervals, with slack
            assertEquals(1001, silent.awaitCloseIgnoringPings(12_000), "closed as gone away");
            assertTrue(silent.pingsSeen() >= 1, "it was pinged first");
        }
    }
}
