package io.postmaster.endpoint;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.router.Router;
import io.postmaster.testing.Await;
import io.postmaster.testing.WampTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The real endpoint, CDI wiring and outbound queue on an embedded Tyrus server, talking to real WebSocket clients. */
class EndpointTest {
    static final int MAX = 64 * 1024;

    @RegisterExtension
    static final EmbeddedServer SERVER = new EmbeddedServer(Map.of(
            "postmaster.max-message-size", Integer.toString(MAX),
            "postmaster.outbound-queue", "256"));

    @Test
    void pubSubAndRpcThroughTheEndpoint() throws Exception {
        try (WampTestClient a = WampTestClient.join(SERVER.uri(), "realm1");
             WampTestClient b = WampTestClient.join(SERVER.uri(), "realm1")) {
            b.send(new Subscribe(1, Map.of(), "com.example.t"));
            b.next(Subscribed.class);
            a.send(new Publish(1, Map.of("acknowledge", true), "com.example.t", List.of("hi"), Map.of("n", 1L)));
            a.next(Published.class);
            Event e = b.next(Event.class);
            assertEquals(List.of("hi"), e.args());
            assertEquals(Map.of("n", 1L), e.kwargs());

            b.send(new Register(2, Map.of(), "com.example.echo"));
            b.next(Registered.class);
            a.send(new Call(2, Map.of(), "com.example.echo", List.of(1L, 2L), null));
            Invocation inv = b.next(Invocation.class);
            b.send(new Yield(inv.request(), Map.of(), inv.args(), null));
            assertEquals(List.of(1L, 2L), a.next(Result.class).args());

            a.send(new Goodbye(Map.of(), ErrorUris.CLOSE_NORMAL));
            assertEquals(ErrorUris.GOODBYE_AND_OUT, a.next(Goodbye.class).reason());
        }
    }

    @Test
    void aPublicationMadeAfterSubscribedAlwaysArrives() throws Exception {
        // The subscriber is told SUBSCRIBED only once a publication is sure to find it (a race seen here once).
        for (int i = 0; i < 100; i++) {
            try (WampTestClient a = WampTestClient.join(SERVER.uri(), "realm1");
                 WampTestClient b = WampTestClient.join(SERVER.uri(), "realm1")) {
                b.send(new Subscribe(1, Map.of(), "com.example.race" + i));
                b.next(Subscribed.class);
                a.send(new Publish(1, Map.of(), "com.example.race" + i, List.of(i), null));
                assertEquals(List.of((long) i), b.next(Event.class).args(), "iteration " + i);
            }
        }
    }

    @Test
    void theRouterIsACdiBean() {
        Router r = SERVER.weld().select(Router.class).get();
        assertNotNull(r.realm("realm1"));
        assertEquals(MAX, r.config().maxMessageSize());
    }

    @Test
    void aHandshakeWithoutAWampSubprotocolIsRefused() throws Exception {
        try (WampTestClient c = WampTestClient.connect(SERVER.uri())) {
            assertEquals(1002, c.closeCode());
        }
        try (WampTestClient c = WampTestClient.connect(SERVER.uri(), "foo", "wamp.1.json")) {
            assertEquals(1002, c.closeCode());
        }
    }

    @Test
    void subprotocolIsNegotiatedInTheClientsOrder() throws Exception {
        try (WampTestClient c = WampTestClient.connect(SERVER.uri(), "wamp.2.cbor", "wamp.2.json")) {
            assertEquals("wamp.2.cbor", c.subprotocol());
        }
        try (WampTestClient c = WampTestClient.connect(SERVER.uri(), "wamp.2.ubjson", "wamp.2.msgpack", "wamp.2.json")) {
            assertEquals("wamp.2.msgpack", c.subprotocol());
        }
        try (WampTestClient c = WampTestClient.connect(SERVER.uri(), "wamp.2.json", "wamp.2.cbor")) {
            assertEquals("wamp.2.json", c.subprotocol());
        }
    }

    @Test
    void theEndpointOffersEverySerializer() {
        List<String> offered = new java.util.ArrayList<>(io.postmaster.serialization.Serializers.subprotocols());
        offered.add(io.postmaster.v1.V1Gateway.SUBPROTOCOL); // and WAMP v1's, served by the v1 adapter
        assertEquals(offered, WampEndpoint.SUBPROTOCOLS);
    }

    @Test
    void sessionsOnDifferentSerializersTalkThroughBinaryFrames() throws Exception {
        byte[] blob = {0, 1, 2, (byte) 0xff};
        try (WampTestClient json = WampTestClient.join(SERVER.uri(), "realm1", "wamp.2.json");
             WampTestClient msgpack = WampTestClient.join(SERVER.uri(), "realm1", "wamp.2.msgpack");
             WampTestClient cbor = WampTestClient.join(SERVER.uri(), "realm1", "wamp.2.cbor")) {
            for (WampTestClient c : List.of(json, msgpack)) {
                c.send(new Subscribe(1, Map.of(), "com.example.mixed"));
                c.next(Subscribed.class);
            }
            cbor.send(new Publish(2, Map.of(), "com.example.mixed", List.of(blob, 9007199254740993L, "ü"),
                    Map.of("k", List.of(1.5, true))));
            for (WampTestClient c : List.of(json, msgpack)) {
                Event e = c.next(Event.class);
                assertArrayEquals(blob, (byte[]) e.args().get(0), c.subprotocol());
                assertEquals(List.of(9007199254740993L, "ü"), e.args().subList(1, 3), c.subprotocol());
                assertEquals(Map.of("k", List.of(1.5, true)), e.kwargs(), c.subprotocol());
            }
        }
    }

    @Test
    void malformedBinaryAbortsWithProtocolViolation() throws Exception {
        List<String> frames = List.of(
                "wamp.2.msgpack:9301db7fffffff6161616161616161616161", // str32 declaring 2 GiB
                "wamp.2.msgpack:9301c67fffffff6161",                  // bin32 declaring 2 GiB
                "wamp.2.msgpack:c0",
                "wamp.2.msgpack:93",
                "wamp.2.cbor:83017a7fffffff6161616161616161616161616161",
                "wamp.2.cbor:8301d8196161",                             // a stringref tag
                "wamp.2.cbor:f6");
        for (String f : frames) {
            String[] parts = f.split(":");
            try (WampTestClient c = WampTestClient.join(SERVER.uri(), "realm1", parts[0])) {
                c.sendBinary(java.util.HexFormat.of().parseHex(parts[1]));
                assertEquals(ErrorUris.PROTOCOL_VIOLATION, c.next(Abort.class).reason(), f);
                assertEquals(1002, c.closeCode(), f);
            }
        }
        // a text frame on a binary subprotocol, too
        try (WampTestClient c = WampTestClient.join(SERVER.uri(), "realm1", "wamp.2.cbor")) {
            c.sendText("[1,\"realm1\",{}]");
            assertEquals(ErrorUris.PROTOCOL_VIOLATION, c.next(Abort.class).reason());
        }
    }

    @Test
    void undecodableTextAbortsOnlyThatConnection() throws Exception {
        try (WampTestClient other = WampTestClient.join(SERVER.uri(), "realm1")) {
            other.send(new Subscribe(1, Map.of(), "com.example.u"));
            other.next(Subscribed.class);
            for (String bad : List.of("not json", "", "{}", "[]", "[1,\"realm1\",[]]", "[999]", "[1,\"realm1\"")) {
                try (WampTestClient c = WampTestClient.join(SERVER.uri(), "realm1")) {
                    c.sendText(bad);
                    Abort a = c.next(Abort.class);
                    assertEquals(ErrorUris.PROTOCOL_VIOLATION, a.reason(), bad);
                    assertEquals(1002, c.closeCode());
                }
            }
            try (WampTestClient pub = WampTestClient.join(SERVER.uri(), "realm1")) {
                pub.send(new Publish(1, Map.of(), "com.example.u", List.of("still here"), null));
                assertEquals(List.of("still here"), other.next(Event.class).args());
            }
        }
    }

    @Test
    void aBinaryFrameOnJsonIsAProtocolViolation() throws Exception {
        try (WampTestClient c = WampTestClient.join(SERVER.uri(), "realm1")) {
            c.sendBinary(new byte[] {(byte) 0x93, 1, 2, 3});
            assertEquals(ErrorUris.PROTOCOL_VIOLATION, c.next(Abort.class).reason());
        }
    }

    @Test
    void anOversizeMessageClosesWith1009() throws Exception {
        try (WampTestClient c = WampTestClient.join(SERVER.uri(), "realm1")) {
            String big = "[16,1,{},\"com.example.big\",[\"" + "x".repeat(MAX) + "\"]]";
            c.sendText(big);
            assertEquals(1009, c.closeCode());
        }
        try (WampTestClient c = WampTestClient.join(SERVER.uri(), "realm1")) {
            // 3-byte characters: under the limit in chars, over it in bytes
            String big = "[16,1,{},\"com.example.big\",[\"" + "€".repeat(MAX / 3 + 10) + "\"]]";
            c.sendText(big);
            assertEquals(1009, c.closeCode());
        }
        try (WampTestClient c = WampTestClient.join(SERVER.uri(), "realm1")) {
            c.sendText("[16,1,{},\"com.example.big\",[\"" + "x".repeat(MAX - 100) + "\"]]");
            c.send(new Subscribe(2, Map.of(), "com.example.ok"));
            assertEquals(2, c.next(Subscribed.class).request(), "a message under the limit is routed");
        }
    }

    @Test
    void aSubscriberThatCannotKeepUpIsDisconnectedAndOthersAreNot() throws Exception {
        try (WampTestClient slow = WampTestClient.connect(SERVER.uri(), false, "wamp.2.json");
             WampTestClient fast = WampTestClient.join(SERVER.uri(), "realm1");
             WampTestClient pub = WampTestClient.join(SERVER.uri(), "realm1")) {
            // 'slow' reads nothing, so it never even sees its WELCOME; the router queues for it all the same. It
            // subscribes once it has joined (a SUBSCRIBE before WELCOME is a protocol violation, which would end it)
            Router router = SERVER.weld().select(Router.class).get();
            slow.send(new Hello("realm1", WampTestClient.ROLES));
            Await.until("the slow subscriber has joined", Duration.ofSeconds(10),
                    () -> router.realm("realm1").sessions().size() == 3);
            slow.send(new Subscribe(1, Map.of(), "com.example.flood"));
            fast.send(new Subscribe(1, Map.of(), "com.example.flood"));
            long subscription = fast.next(Subscribed.class).subscription();
            // 'slow' cannot tell when it has joined and subscribed: 'fast' asks the meta API until it has
            long[] request = {100};
            Await.until("the slow subscriber has subscribed", Duration.ofSeconds(10), () -> {
                fast.send(new Call(++request[0], Map.of(), "wamp.subscription.count_subscribers",
                        List.of(subscription), null));
                Result r = fast.next(Result.class);
                return Long.valueOf(2).equals(r.args().get(0));
            });
            String payload = "y".repeat(16 * 1024);
            int sent = 0;
            int received = 0;
            long deadline = System.currentTimeMillis() + 20_000;
            while (router.realm("realm1").sessions().size() == 3 && System.currentTimeMillis() < deadline) {
                pub.send(new Publish(++sent, Map.of(), "com.example.flood", List.of(payload), null));
                if (sent % 50 == 0) {
                    // let the fast subscriber drain so that only the slow one falls behind
                    for (int i = 0; i < 50; i++) {
                        fast.next(Event.class);
                        received++;
                    }
                }
            }
            assertEquals(2, router.realm("realm1").sessions().size(), "the slow subscriber was disconnected");
            // the fast one got every event, in order, and is still connected
            pub.send(new Publish(++sent, Map.of("acknowledge", true), "com.example.flood", List.of("last"), null));
            pub.next(Published.class);
            WampMessage m;
            while ((m = fast.poll(2000)) != null) {
                received++;
                if (((Event) m).args().equals(List.of("last"))) {
                    break;
                }
            }
            assertEquals(sent, received);
            assertFalse(fast.closed());
        }
    }
}
