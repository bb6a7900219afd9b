package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a WebSocket connection makes the server keep for the messages it may send. A client that opens connections
 * and sends one small message on each must not make the server hold a buffer of {@code postmaster.max-message-size}
 * per connection for the connection's life (Tomcat, under TomEE, keeps a message buffer of the size the application
 * asks for from the first message on; a few thousand connections then exhaust a default heap). Large messages still
 * arrive whole, in one frame or in many, and one over the limit is still refused with 1009.
 *
 * <p>The deployment takes messages (WAMP, and webwire's frames) up to {@value #MAX} bytes, so that such a buffer per
 * connection stands out in the server's heap ({@link HeapProbe}) with a few connections, enough of them that what
 * the server lets go meanwhile (softly held buffers, earlier tests' connections) is small beside it. The heap is
 * measured before the tests that send large messages, whose buffers the server may let go at any later time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileBufferIT extends ContainerBase {
    /** Below Tyrus' incoming buffer (Payara: about 4 MiB): a frame past it gets 1011 before the router sees it. */
    private static final int MAX = 2 << 20;
    private static final List<String> SUBPROTOCOLS = List.of("wamp.2.json", "wamp.2.msgpack", "wamp.2.cbor");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addClass(HeapProbe.class)
                .addAsResource(new StringAsset("postmaster.max-message-size=" + MAX + "\n"
                                + "postmaster.webwire.max-frame-bytes=" + MAX + "\n"),
                        "META-INF/microprofile-config.properties");
    }

    @Test
    @Order(1)
    void connectionsThatSentOneSmallMessageHoldNoBufferOfTheLargestMessage() throws Exception {
        int[] n = {0};
        long perConnection = perConnection("WAMP", 18, () -> {
            // HELLO and WELCOME: one small message each way; JSON, msgpack, CBOR in turn
            return WampTestClient.join(ws(), "realm1", SUBPROTOCOLS.get(n[0]++ % SUBPROTOCOLS.size()));
        });
        assertTrue(perConnection < MAX / 8, "each WAMP connection that sent one HELLO keeps " + perConnection
                + " bytes of heap, with postmaster.max-message-size " + MAX);
    }

    @Test
    @Order(2)
    void webwireConnectionsThatSentOneSmallFrameHoldNoBufferOfTheLargestFrame() throws Exception {
        URI webwire = URI.create("ws://127.0.0.1:" + base.getPort() + "/");
        long perConnection = perConnection("webwire", 12, () -> {
            WampTestClient c = WampTestClient.connect(webwire);
            c.sendBinary(HostileWebwireIT.frame(128, HostileWebwireIT.id(1))); // a request too short
            assertEquals(6, c.nextBinary()[0], "webwire's protocol error reply");
            return c;
        });
        assertTrue(perConnection < MAX / 8, "each webwire connection that sent one small frame keeps "
                + perConnection + " bytes of heap, with postmaster.webwire.max-frame-bytes " + MAX);
    }

    /**
     * The live heap each of {@code count} connections made by {@code open} adds on the server, in bytes: one
     * connection made first and all of them kept open until measured, so that what the first one loads is in
     * neither figure.
     */
    private long perConnection(String kind, int count, Opener open) throws Exception {
        List<WampTestClient> clients = new ArrayList<>();
        try {
            clients.add(open.open());
            long before = liveHeap();
            for (int i = 0; i < count; i++) {
                clients.add(open.open());
            }
            long each = (liveHeap() - before) / count;
            System.out.printf("HostileBufferIT on %s: %,d bytes of live heap per %s connection (limit %,d)%n",
                    container(), each, kind, MAX);
            return each;
        } finally {
            clients.forEach(WampTestClient::close);
        }
    }

    private interface Opener {
        WampTestClient open() throws Exception;
    }

    @Test
    @Order(3)
    void aMessageNearTheLimitArrivesWholeInOneFrameAndInMany() throws Exception {
        String payload = text(MAX - 1024);
        for (String subprotocol : List.of("wamp.2.json", "wamp.2.msgpack")) {
            try (WampTestClient c = WampTestClient.join(ws(), "realm1", subprotocol)) {
                c.send(new WampMessage.Subscribe(1, Map.of(), "com.example.buffer"));
                c.next(WampMessage.Subscribed.class);
                for (int parts : new int[] {1, 7}) {
                    WampMessage.Publish p = new WampMessage.Publish(parts,
                            Map.of("exclude_me", false, "acknowledge", true), "com.example.buffer", List.of(payload),
                            Map.of());
                    if (parts == 1) {
                        c.send(p);
                    } else {
                        c.sendInParts(p, parts);
                    }
                    WampMessage.Event event = null;
                    for (int answers = 0; answers < 2; answers++) {
                        WampMessage m = c.next();
                        if (m instanceof WampMessage.Event e) {
                            event = e;
                        } else {
                            assertInstanceOf(WampMessage.Published.class, m, subprotocol);
                        }
                    }
                    assertNotNull(event, subprotocol + ": no EVENT");
                    assertEquals(List.of(payload), event.args(), subprotocol + ": the payload of " + payload.length()
                            + " characters sent in " + parts + " frame(s), as it was sent");
                }
            }
        }
    }

    @Test
    @Order(4)
    void aMessageOverTheLimitIsRefusedWith1009InOneFrameAndInMany() throws Exception {
        WampMessage.Publish big = new WampMessage.Publish(1, Map.of(), "com.example.buffer", List.of(text(MAX)),
                Map.of());
        for (String subprotocol : List.of("wamp.2.json", "wamp.2.msgpack")) {
            for (int parts : new int[] {1, 9}) {
                try (WampTestClient c = WampTestClient.join(ws(), "realm1", subprotocol)) {
                    try {
                        c.sendInParts(big, parts);
                    } catch (ExecutionException | TimeoutException e) {
                        // the router may close the connection before the last part is sent
                    }
                    assertEquals(1009, c.closeCode(), subprotocol + ": a message over " + MAX + " bytes in " + parts
                            + " frame(s)");
                }
            }
        }
    }

    /**
     * The server's live heap in bytes, right after a full collection ({@link HeapProbe}), once it has settled: two
     * readings in a row within 256 KiB of each other, so that what earlier tests' connections still held while they
     * closed is not in the figure.
     */
    private long liveHeap() throws Exception {
        long last = heapReading();
        for (int i = 0; i < 20; i++) {
            long now = heapReading();
            if (Math.abs(now - last) < 256 * 1024) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the server's live heap did not settle; last reading " + last);
    }

    private long heapReading() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(http("/postmaster-it/heap"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Long.parseLong(r.body().trim());
    }

    /** Text of at least {@code bytes} UTF-8 bytes, of characters of one to four bytes (a surrogate pair among them). */
    private static String text(int bytes) {
        String unit = "x\u00e9\u20ac\ud83d\ude00 "; // 1 + 2 + 3 + 4 + 1 bytes
        return unit.repeat(bytes / unit.getBytes(StandardCharsets.UTF_8).length + 1);
    }
}
