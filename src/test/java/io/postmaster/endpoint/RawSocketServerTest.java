package io.postmaster.endpoint;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Router;
import io.postmaster.testing.RawSocketTestClient;
import io.postmaster.testing.WampTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The RawSocket listener in process, with a real router and real sockets on the loopback: what the container suite
 * cannot set up cheaply (a small total connection cap, octets one at a time, the listener's stop).
 */
class RawSocketServerTest {
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    private Router router;
    private RawSocketServer server;
    private int port;

    private void start(Map<String, String> settings) throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        startOnPort(settings);
    }

    /** Starts a router and a listener on {@link #port} as it is. */
    private void startOnPort(Map<String, String> settings) throws IOException {
        Map<String, String> all = new HashMap<>(settings);
        all.put("postmaster.rawsocket.enabled", "true");
        all.put("postmaster.rawsocket.bind-address", "127.0.0.1");
        all.put("postmaster.rawsocket.port", Integer.toString(port));
        all.putIfAbsent("postmaster.rawsocket.io-threads", "2");
        PostmasterConfig config = PostmasterConfig.from(all::get);
        router = new Router(config, timers);
        server = RawSocketServer.start(config, router, new OutboundBudget(config.outbound().totalBytes()),
                new OpenConnections(config.connections().maxPerAddress()), timers);
    }

    @AfterEach
    void stop() {
        if (router != null) {
            router.close();
        }
        if (server != null) {
            server.close();
        }
        timers.shutdownNow();
    }

    @Test
    void sessionsOfEachSerializerRouteToEachOther() throws Exception {
        start(Map.of());
        try (RawSocketTestClient json = RawSocketTestClient.join("127.0.0.1", port, 1, "realm1");
             RawSocketTestClient cbor = RawSocketTestClient.join("127.0.0.1", port, 3, "realm1");
             RawSocketTestClient msgpack = RawSocketTestClient.join("127.0.0.1", port, 2, "realm1")) {
            cbor.send(new WampMessage.Subscribe(1, Map.of(), "com.example.t"));
            cbor.next(WampMessage.Subscribed.class);
            json.send(new WampMessage.Publish(2, Map.of(), "com.example.t", List.of("grüße", new byte[] {1, 2}),
                    Map.of()));
            WampMessage.Event e = cbor.next(WampMessage.Event.class);
            assertEquals("grüße", e.args().get(0));
            assertArrayEquals(new byte[] {1, 2}, (byte[]) e.args().get(1));
            msgpack.send(new WampMessage.Register(3, Map.of(), "com.example.p"));
            msgpack.next(WampMessage.Registered.class);
            json.send(new WampMessage.Call(4, Map.of(), "com.example.p", List.of(42L), Map.of()));
            WampMessage.Invocation inv = msgpack.next(WampMessage.Invocation.class);
            msgpack.send(new WampMessage.Yield(inv.request(), Map.of(), List.of(43L), Map.of()));
            assertEquals(List.of(43L), json.next(WampMessage.Result.class).args());
        }
    }

    @Test
    void theRoutersWelcomeFitsTheSmallestLengthAClientMayAnnounce() throws Exception {
        start(Map.of());
        for (int serializer = 1; serializer <= 3; serializer++) {
            try (RawSocketTestClient c = RawSocketTestClient.open("127.0.0.1", port, serializer)) {
                c.send(new WampMessage.Hello("realm1", WampTestClient.ROLES));
                RawSocketTestClient.Received welcome = c.frame();
                assertTrue(welcome.payload().length <= RawSocketPeer.MIN_CLIENT_LENGTH,
                        "WELCOME of " + welcome.payload().length + " bytes");
            }
        }
    }

    @Test
    void octetsArrivingOneByOneAndFramesArrivingTogetherAreBothReadWhole() throws Exception {
        start(Map.of());
        try (RawSocketTestClient c = RawSocketTestClient.connect("127.0.0.1", port, null)) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(new byte[] {0x7F, (byte) 0xF1, 0, 0});
            byte[] hello = ("[1,\"realm1\",{\"roles\":{\"subscriber\":{}}}]").getBytes();
            all.write(new byte[] {0, 0, 0, (byte) hello.length});
            all.write(hello);
            byte[] subscribe = "[32,7,{},\"com.example.split\"]".getBytes();
            all.write(new byte[] {0, 0, 0, (byte) subscribe.length});
            all.write(subscribe);
            byte[] octets = all.toByteArray();
            // the handshake and HELLO in one write, then SUBSCRIBE one octet at a time
            int split = 4 + 4 + hello.length;
            c.sendRaw(java.util.Arrays.copyOf(octets, split));
            assertEquals(1, c.handshake(new byte[0])[1] & 0x0F);
            c.next(WampMessage.Welcome.class);
            for (int i = split; i < octets.length; i++) {
                c.sendRaw(new byte[] {octets[i]});
            }
            assertEquals(7, c.next(WampMessage.Subscribed.class).request());
        }
    }

    @Test
    void noHelloAfterTheHandshakeIsTheHelloTimeoutAsOnWebSocket() throws Exception {
        start(Map.of("postmaster.hello-timeout-ms", "300"));
        try (RawSocketTestClient c = RawSocketTestClient.open("127.0.0.1", port, 1)) {
            assertTrue(c.closedWithin(3_000), "closed after postmaster.hello-timeout-ms");
        }
    }

    @Test
    void aClientThatReadsNothingIsCutAtTheOutboundLimitAndOthersAreServed() throws Exception {
        start(Map.of("postmaster.outbound-queue-bytes", "65536", "postmaster.rawsocket.io-threads", "1"));
        byte[] chunk = new byte[32 * 1024];
        try (RawSocketTestClient paused = RawSocketTestClient.join("127.0.0.1", port, 2, "realm1");
             RawSocketTestClient publisher = RawSocketTestClient.join("127.0.0.1", port, 2, "realm1")) {
            paused.send(new WampMessage.Subscribe(1, Map.of(), "com.example.flood"));
            paused.next(WampMessage.Subscribed.class);
            for (int i = 0; i < 400; i++) { // 12.5 MiB: past the socket buffers and the 64 KiB the router may hold
                publisher.send(new WampMessage.Publish(i + 1, Map.of(), "com.example.flood", List.of(chunk), Map.of()));
            }
            publisher.send(new WampMessage.Call(1000, Map.of(), "wamp.session.count", List.of(), Map.of()));
            assertEquals(1000, publisher.next(WampMessage.Result.class).request(),
                    "the publisher, on the same I/O thread, is served");
            int received = 0;
            try {
                while (paused.frame() != null) {
                    received++;
                }
            } catch (IOException cut) {
                // the end of what the kernel held
            }
            assertTrue(received < 400, "cut, not sent all 400: " + received);
        }
    }

    @Test
    void pastTheTotalCapANewConnectionIsClosedAtOnce() throws Exception {
        start(Map.of("postmaster.rawsocket.max-connections", "3"));
        RawSocketTestClient[] open = new RawSocketTestClient[3];
        try {
            for (int i = 0; i < open.length; i++) {
                open[i] = RawSocketTestClient.open("127.0.0.1", port, 1);
            }
            try (RawSocketTestClient over = RawSocketTestClient.connect("127.0.0.1", port, null)) {
                assertEquals(0, over.readUntilClosed(16).length, "closed before any reply");
            }
            open[0].close();
            open[0] = null;
            RawSocketTestClient again = null;
            for (int attempt = 0; attempt < 50 && again == null; attempt++) {
                try {
                    again = RawSocketTestClient.open("127.0.0.1", port, 1);
                } catch (IOException stillFull) {
                    Thread.sleep(50); // the listener sees the close a moment after it was made
                }
            }
            assertNotNull(again, "a closed connection frees its place");
            open[0] = again;
        } finally {
            for (RawSocketTestClient c : open) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    @Test
    void aPortInUseFailsTheStartAndLeavesNoThread() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> all = Map.of("postmaster.rawsocket.enabled", "true",
                    "postmaster.rawsocket.bind-address", "127.0.0.1",
                    "postmaster.rawsocket.port", Integer.toString(taken.getLocalPort()));
            PostmasterConfig config = PostmasterConfig.from(all::get);
            Router r = new Router(config, timers);
            try {
                assertThrows(IOException.class, () -> RawSocketServer.start(config, r,
                        new OutboundBudget(config.outbound().totalBytes()), new OpenConnections(0), timers));
            } finally {
                r.close();
            }
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("postmaster-rawsocket-") && t.isAlive()));
    }

    @Test
    void stoppingSaysGoodbyeClosesEveryConnectionFreesThePortAndEndsTheThreads() throws Exception {
        start(Map.of());
        try (RawSocketTestClient c = RawSocketTestClient.join("127.0.0.1", port, 2, "realm1");
             RawSocketTestClient handshaking = RawSocketTestClient.connect("127.0.0.1", port, null)) {
            router.close();
            server.close();
            WampMessage.Goodbye g = c.next(WampMessage.Goodbye.class);
            assertEquals("wamp.close.system_shutdown", g.reason());
            assertTrue(c.closedWithin(3_000), "closed after GOODBYE");
            assertTrue(handshaking.closedWithin(3_000), "a connection in its handshake is closed too");
        }
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress("127.0.0.1", port)); // the port is free again
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("postmaster-rawsocket-") && t.isAlive()),
                "no RawSocket thread left");
    }

    /**
     * What the container suite does right before an undeploy and the next deploy: a subscriber that reads nothing
     * is cut with a full queue, connections break the framing, clients keep connecting, and then the listener stops
     * and a new one binds the same port at once — which must succeed every time.
     */
    @Test
    void aNewListenerBindsThePortRightAfterTheOldOneClosedWhateverItsConnectionsWereDoing() throws Exception {
        Map<String, String> settings = Map.of("postmaster.outbound-queue-bytes", "65536");
        start(settings);
        byte[] chunk = new byte[32 * 1024];
        for (int round = 0; round < 3; round++) {
            List<RawSocketTestClient> clients = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean connecting = new java.util.concurrent.atomic.AtomicBoolean(true);
            int bound = port;
            Thread connector = new Thread(() -> { // accepts racing the listener's close
                while (connecting.get()) {
                    try (java.net.Socket s = new java.net.Socket("127.0.0.1", bound)) {
                        s.getOutputStream().write(new byte[] {0x7F, (byte) 0xF2, 0, 0});
                    } catch (IOException refused) {
                        // closed: go on until told to stop
                    }
                }
            });
            try {
                RawSocketTestClient paused = RawSocketTestClient.join("127.0.0.1", port, 2, "realm1");
                clients.add(paused);
                paused.send(new WampMessage.Subscribe(1, Map.of(), "com.example.flood"));
                paused.next(WampMessage.Subscribed.class);
                try (RawSocketTestClient publisher = RawSocketTestClient.join("127.0.0.1", port, 2, "realm1")) {
                    for (int i = 0; i < 200; i++) { // 6.25 MiB: past the socket buffers and the 64 KiB it may hold
                        publisher.send(new WampMessage.Publish(i + 1, Map.of(), "com.example.flood", List.of(chunk),
                                Map.of()));
                    }
                    publisher.send(new WampMessage.Call(1000, Map.of(), "wamp.session.count", List.of(), Map.of()));
                    publisher.next(WampMessage.Result.class);
                }
                for (int first : new int[] {0x03, 0x07, 0x10, 0x80}) {
                    RawSocketTestClient c = RawSocketTestClient.open("127.0.0.1", port, 2);
                    clients.add(c);
                    c.sendPrefix(first, 0);
                    assertEquals("wamp.error.protocol_violation", c.next(WampMessage.Abort.class).reason());
                    // not closed by the client: the router's side lingers, waiting for it
                }
                connector.start();
                router.close();
                server.close();
                server = null;
                router = null;
                startOnPort(settings); // at once, as the next deployment does: throws if the port is still taken
            } finally {
                connecting.set(false);
                connector.join(5_000);
                for (RawSocketTestClient c : clients) {
                    c.close();
                }
            }
        }
        try (RawSocketTestClient c = RawSocketTestClient.join("127.0.0.1", port, 1, "realm1")) {
            c.send(new WampMessage.Call(1, Map.of(), "wamp.session.count", List.of(), Map.of()));
            assertEquals(1, c.next(WampMessage.Result.class).request(), "the last listener serves");
        }
    }
}
