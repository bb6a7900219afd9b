package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

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
 * <p>The deployment takes messages up to {@value #MAX} bytes, so that such a buffer per connection stands out in the
 * server's heap ({@link HeapProbe}) with a handful of connections.
 */
class HostileBufferIT extends ContainerBase {
    private static final int MAX = 4 << 20;
    private static final List<String> SUBPROTOCOLS = List.of("wamp.2.json", "wamp.2.msgpack", "wamp.2.cbor");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addClass(HeapProbe.class)
                .addAsResource(new StringAsset("postmaster.max-message-size=" + MAX + "\n"),
                        "META-INF/microprofile-config.properties");
    }

    @Test
    void connectionsThatSentOneSmallMessageHoldNoBufferOfTheLargestMessage() throws Exception {
        List<WampTestClient> clients = new ArrayList<>();
        try {
            // one connection per serializer open throughout: what the first of each loads is in both figures
            for (String subprotocol : SUBPROTOCOLS) {
                clients.add(WampTestClient.join(ws(), "realm1", subprotocol));
            }
            long before = liveHeap();
            int connections = 9;
            for (int i = 0; i < connections; i++) {
                // HELLO and WELCOME: one small message each way
                clients.add(WampTestClient.join(ws(), "realm1", SUBPROTOCOLS.get(i % SUBPROTOCOLS.size())));
            }
            long perConnection = (liveHeap() - before) / connections;
            System.out.printf("HostileBufferIT on %s: %d connections (JSON, msgpack, CBOR), %,d bytes of live heap"
                    + " each (max-message-size %,d)%n", container(), connections, perConnection, MAX);
            assertTrue(perConnection < MAX / 8, "each connection that sent one HELLO keeps " + perConnection
                    + " bytes of heap, with postmaster.max-message-size " + MAX);
        } finally {
            clients.forEach(WampTestClient::close);
        }
    }

    @Test
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

    /** The server's live heap in bytes, right after a full collection ({@link HeapProbe}). */
    private long liveHeap() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(http("/postmaster-it/heap"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Long.parseLong(r.body().trim());
    }

    /** Text of at least {@code bytes} UTF-8 bytes, with characters of one to four bytes (a surrogate pair among them). */
    private static String text(int bytes) {
        String unit = "x\u00e9\u20ac\ud83d\ude00 "; // 1 + 2 + 3 + 4 + 1 bytes
        return unit.repeat(bytes / unit.getBytes(StandardCharsets.UTF_8).length + 1);
    }
}
