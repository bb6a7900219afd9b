package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.testing.RawSocketTestClient;
import io.postmaster.testing.RawWebSocket;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.postmaster.testing.RawSocketTestClient.hex;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What a RawSocket client can do to the deployed router, over real sockets: bad opening handshakes get the spec's
 * error reply and a close (a first octet that is not RawSocket's magic one, no reply at all); frames that break the
 * framing get ABORT and a close; silent connections are closed; one address cannot hold more connections than
 * {@code postmaster.max-connections-per-address} (of both transports together); a client that stops reading is cut
 * without harm to others; a message larger than a client accepts ends its session with a reason instead of
 * vanishing. The suite's settings: {@code postmaster.rawsocket.handshake-timeout-ms=2000}, the per-address cap 50,
 * pings every 2 s closing after 1 unanswered.
 */
class HostileRawSocketIT extends ContainerBase {
    /** postmaster.max-connections-per-address of the suite's settings. */
    private static final int CAP = 50;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    private static RawSocketTestClient connect() throws IOException {
        return RawSocketTestClient.connect(RawSockets.HOST, RawSockets.port(), null);
    }

    /** The spec's error reply: magic, the error code in the upper 4 bits, zeros. */
    private static byte[] error(int code) {
        return new byte[] {0x7F, (byte) (code << 4), 0, 0};
    }

    @Test
    void anUnsupportedSerializerGetsError1AndAClose() throws Exception {
        for (int serializer : new int[] {0, 4, 5, 15}) { // illegal, UBJSON, FlatBuffers, reserved
            try (RawSocketTestClient c = connect()) {
                byte[] reply = c.handshake(0xF0 | serializer);
                assertArrayEquals(error(1), reply, "serializer " + serializer + ": " + hex(reply));
                assertTrue(c.closedWithin(5_000), "serializer " + serializer + ": closed after the error reply");
            }
        }
    }

    @Test
    void reservedOctetsGetError3AndAClose() throws Exception {
        for (byte[] request : new byte[][] {{0x7F, (byte) 0xF1, 1, 0}, {0x7F, (byte) 0xF1, 0, (byte) 0x80}}) {
            try (RawSocketTestClient c = connect()) {
                byte[] reply = c.handshake(request);
                assertArrayEquals(error(3), reply, hex(request) + ": " + hex(reply));
                assertTrue(c.closedWithin(5_000), hex(request) + ": closed after the error reply");
            }
        }
    }

    @Test
    void aMaximumLengthTooSmallForTheRoutersOwnMessagesGetsError2AndAClose() throws Exception {
        for (int length : new int[] {0, 1}) { // 512 and 1024 octets: less than a WELCOME may need
            try (RawSocketTestClient c = connect()) {
                byte[] reply = c.handshake(length << 4 | 1);
                assertArrayEquals(error(2), reply, "2^" + (9 + length) + ": " + hex(reply));
                assertTrue(c.closedWithin(5_000), "closed after the error reply");
            }
        }
        try (RawSocketTestClient c = connect()) { // 2 KiB is enough
            byte[] reply = c.handshake(2 << 4 | 1);
            assertEquals(0x7F, reply[0] & 0xFF);
            assertEquals(1, reply[1] & 0x0F, "accepted: " + hex(reply));
        }
    }

    @Test
    void aFirstOctetOtherThanTheMagicOneIsClosedWithoutAReply() throws Exception {
        try (RawSocketTestClient c = connect()) {
            c.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] got = c.readUntilClosed(64);
            assertEquals(0, got.length, "no reply to an HTTP request: " + hex(got));
        }
        try (RawSocketTestClient c = connect()) {
            c.sendRaw(new byte[] {0x7E, (byte) 0xF1, 0, 0});
            assertEquals(0, c.readUntilClosed(64).length, "no reply to a wrong magic octet");
        }
    }

    @Test
    void aConnectionThatSendsNoHandshakeIsClosed() throws Exception {
        long t0 = System.nanoTime();
        try (RawSocketTestClient silent = connect()) {
            assertTrue(silent.closedWithin(6_000), "closed after postmaster.rawsocket.handshake-timeout-ms (2 s)");
        }
        try (RawSocketTestClient half = connect()) {
            half.sendRaw(new byte[] {0x7F, (byte) 0xF1}); // half a handshake, then nothing
            assertTrue(half.closedWithin(6_000), "half a handshake: closed as well");
        }
        assertTrue(System.nanoTime() - t0 < 12_000_000_000L);
    }

    @Test
    void aFrameLongerThanTheRouterAnnouncedAbortsAndCloses() throws Exception {
        try (RawSocketTestClient c = RawSocketTestClient.open(RawSockets.HOST, RawSockets.port(), 1)) {
            assertEquals(1 << 20, c.routerMaxLength(), "the largest power of two not above max-message-size (1 MiB)");
            c.sendPrefix(0, c.routerMaxLength() + 1); // only the claim: the router must not wait for 1 MiB
            WampMessage.Abort a = c.next(WampMessage.Abort.class);
            assertEquals("wamp.error.protocol_violation", a.reason());
            assertTrue(c.closedWithin(5_000), "closed after the ABORT");
        }
    }

    @Test
    void reservedBitsAndFrameTypesAbortAndClose() throws Exception {
        for (int first : new int[] {0x03, 0x07, 0x10, 0x80, 0x08 | 0x00}) { // types 3 and 7, RRRR bits, X with length
            try (RawSocketTestClient c = RawSocketTestClient.open(RawSockets.HOST, RawSockets.port(), 2)) {
                c.sendPrefix(first, first == 0x08 ? 5 : 0);
                WampMessage.Abort a = c.next(WampMessage.Abort.class);
                assertEquals("wamp.error.protocol_violation", a.reason(), "prefix octet 0x" + Integer.toHexString(first));
                assertTrue(c.closedWithin(5_000), "closed after the ABORT");
            }
        }
    }

    @Test
    void aPingIsAnsweredWithThePongOfItsPayloadAndAPingingClientThatFallsSilentIsClosed() throws Exception {
        try (RawSocketTestClient c = RawSocketTestClient.join(RawSockets.HOST, RawSockets.port(), 1, "realm1")) {
            byte[] payload = "are you there? ✓".getBytes(StandardCharsets.UTF_8);
            c.sendFrame(RawSocketTestClient.PING, payload);
            RawSocketTestClient.Received pong = c.frame();
            assertEquals(RawSocketTestClient.PONG, pong.type());
            assertArrayEquals(payload, pong.payload());
            // It speaks PING, so the router pings it once it is silent (every 2 s here); unanswered, it is closed.
            RawSocketTestClient.Received ping = c.frame(10_000);
            assertEquals(RawSocketTestClient.PING, ping.type(), "the router's keepalive PING");
            assertTrue(c.closedWithin(10_000), "closed after a PING went unanswered (postmaster.ping-max-missed=1)");
        }
    }

    @Test
    void aClientThatAnswersPingsStaysConnected() throws Exception {
        try (RawSocketTestClient c = RawSocketTestClient.join(RawSockets.HOST, RawSockets.port(), 3, "realm1")) {
            c.sendFrame(RawSocketTestClient.PING, new byte[0]);
            assertEquals(RawSocketTestClient.PONG, c.frame().type());
            long until = System.currentTimeMillis() + 7_000; // more than max-missed + 2 intervals
            int pings = 0;
            while (System.currentTimeMillis() < until) {
                RawSocketTestClient.Received f = c.frame(10_000);
                assertEquals(RawSocketTestClient.PING, f.type());
                c.sendFrame(RawSocketTestClient.PONG, f.payload());
                pings++;
            }
            assertTrue(pings >= 2, "pinged while silent: " + pings);
            c.send(new WampMessage.Subscribe(1, Map.of(), "com.example.still.here"));
            c.next(WampMessage.Subscribed.class);
        }
    }

    @Test
    void oneAddressCannotOpenMoreThanTheCapOfBothTransportsTogether() throws Exception {
        InetAddress attacker = InetAddress.getByName("127.0.0.60");
        List<RawSocketTestClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                RawSocketTestClient c = RawSocketTestClient.connect(RawSockets.HOST, RawSockets.port(), attacker);
                open.add(c);
                byte[] reply = c.handshake(0xF1);
                assertEquals(1, reply[1] & 0x0F, "connection " + (i + 1) + " is admitted: " + hex(reply));
            }
            try (RawSocketTestClient over = RawSocketTestClient.connect(RawSockets.HOST, RawSockets.port(), attacker)) {
                byte[] reply = over.handshake(0xF1);
                assertArrayEquals(error(4), reply, "connection " + (CAP + 1) + ": maximum connection count reached");
                assertTrue(over.closedWithin(5_000));
            }
            IOException refused = assertThrows(IOException.class,
                    () -> new RawWebSocket(ws(), attacker, "wamp.2.json"),
                    "a WebSocket from the same address counts against the same cap");
            assertTrue(refused.getMessage().contains(" 429"), refused.getMessage());
            try (RawSocketTestClient other = RawSocketTestClient.connect(RawSockets.HOST, RawSockets.port(),
                    InetAddress.getByName("127.0.0.61"))) {
                assertEquals(1, other.handshake(0xF1)[1] & 0x0F, "another address is not affected");
            }
            // closing one frees its place
            open.remove(0).close();
            RawSocketTestClient again = null;
            for (int attempt = 0; attempt < 50 && again == null; attempt++) {
                RawSocketTestClient c = RawSocketTestClient.connect(RawSockets.HOST, RawSockets.port(), attacker);
                if ((c.handshake(0xF1)[1] & 0x0F) == 1) {
                    again = c;
                } else {
                    c.close();
                    Thread.sleep(100); // the router sees the close a moment after it was made
                }
            }
            assertNotNull(again, "a place freed by a close is taken again");
            open.add(again);
        } finally {
            for (RawSocketTestClient c : open) {
                c.close();
            }
        }
    }

    @Test
    void aSubscriberThatStopsReadingIsCutAndThePublisherIsNot() throws Exception {
        String topic = "com.example.rs.flood." + System.nanoTime();
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 7);
        int events = 300; // 19 MiB: more than the socket buffers and the 4 MiB outbound-queue-bytes together
        try (RawSocketTestClient paused = RawSocketTestClient.join(RawSockets.HOST, RawSockets.port(), 2, "realm1");
             WampTestClient publisher = WampTestClient.join(ws(), "realm1", "wamp.2.msgpack");
             // connections are spread over the I/O threads in turn: with these two, one shares the paused one's
             RawSocketTestClient other1 = RawSocketTestClient.join(RawSockets.HOST, RawSockets.port(), 1, "realm1");
             RawSocketTestClient other2 = RawSocketTestClient.join(RawSockets.HOST, RawSockets.port(), 3, "realm1")) {
            paused.send(new WampMessage.Subscribe(1, Map.of(), topic));
            paused.next(WampMessage.Subscribed.class);
            for (int i = 0; i < events; i++) {
                publisher.send(new WampMessage.Publish(i + 1, Map.of(), topic, List.of(chunk), Map.of()));
            }
            publisher.send(new WampMessage.Publish(events + 1, Map.of("acknowledge", true), topic, List.of(),
                    Map.of()));
            publisher.next(WampMessage.Published.class); // the publisher was never held up
            for (RawSocketTestClient other : List.of(other1, other2)) { // nor the RawSocket threads
                other.send(new WampMessage.Call(1, Map.of(), "wamp.session.count", List.of(), Map.of()));
                other.next(WampMessage.Result.class);
            }
            int received = 0;
            try {
                while (true) {
                    RawSocketTestClient.Received f = paused.frame();
                    if (f.type() == RawSocketTestClient.MESSAGE) {
                        received++;
                    }
                }
            } catch (IOException endOfStream) {
                // cut: what the kernel held is all it gets
            }
            assertTrue(received < events, "the paused subscriber was cut, not sent all " + events + ": " + received);
        }
    }

    @Test
    void aMessageLargerThanTheClientAcceptsEndsItsSessionWithAReason() throws Exception {
        String topic = "com.example.rs.big." + System.nanoTime();
        try (WampTestClient publisher = WampTestClient.join(ws(), "realm1");
             // after the publisher: the handshake must follow the connect within the suite's 2 s
             RawSocketTestClient small = RawSocketTestClient.connect(RawSockets.HOST, RawSockets.port(), null)) {
            assertEquals(1, small.handshake(2 << 4 | 1)[1] & 0x0F); // accepts 2 KiB at most
            small.send(new WampMessage.Hello("realm1", WampTestClient.ROLES));
            small.next(WampMessage.Welcome.class);
            small.send(new WampMessage.Subscribe(1, Map.of(), topic));
            small.next(WampMessage.Subscribed.class);
            publisher.send(new WampMessage.Publish(1, Map.of(), topic, List.of("x".repeat(100)), Map.of()));
            assertEquals(List.of("x".repeat(100)), small.next(WampMessage.Event.class).args(), "a small one fits");
            publisher.send(new WampMessage.Publish(2, Map.of("acknowledge", true), topic, List.of("y".repeat(4096)),
                    Map.of()));
            publisher.next(WampMessage.Published.class);
            WampMessage.Abort a = small.next(WampMessage.Abort.class);
            assertEquals("wamp.error.payload_size_exceeded", a.reason());
            assertTrue(small.closedWithin(5_000), "closed after the ABORT");
        }
    }
}
