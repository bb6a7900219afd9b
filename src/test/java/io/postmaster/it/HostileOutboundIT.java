package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.testing.RawWebSocket;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the router sends, against clients that read badly or not at all, over real sockets: a subscriber that stops
 * reading is cut once the bytes waiting for it pass its budget (not only once a count of messages does), and a burst
 * the router produces itself (the errors for every pending call of a callee that left) reaches a caller that reads,
 * instead of being taken for a slow consumer. Volumes are the smallest that show each defect with the default
 * settings; the expensive versions belong to the soak command.
 */
class HostileOutboundIT extends ContainerBase {
    /** Above the default postmaster.outbound-queue-bytes (4 MiB) many times over, far below the message limit. */
    private static final int EVENTS = 100;
    private static final int EVENT_BYTES = 256 * 1024;
    /** postmaster.outbound-abort-ms in the test configuration (postmaster-it.properties). */
    private static final long ABORT_MS = 1_000;
    /**
     * What may still reach a paused subscriber once it is cut: the default postmaster.outbound-queue-bytes (4 MiB)
     * the router may have handed to the container, plus the socket buffers of the loopback connection (Linux: up to
     * net.ipv4.tcp_wmem's 4 MiB on the server's side; the client's receive buffer is small).
     */
    private static final long HELD_AT_MOST = 8L << 20;
    /** Above the default postmaster.outbound-queue (16384 messages). */
    private static final int PENDING_CALLS = 16_500;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    @Test
    void aSubscriberThatStopsReadingIsCutByBytesWhileOneThatReadsGetsEverything() throws Exception {
        String topic = "com.example.hostile.paused";
        String payload = "x".repeat(EVENT_BYTES);
        // reads only when asked, with a small receive buffer: a router that keeps sending to it while it does not
        // read backs up at once
        try (RawWebSocket paused = new RawWebSocket(ws(), null, 4096, RawWebSocket.DEFAULT_TIMEOUT_MS, "wamp.2.json");
             WampTestClient reader = join("realm1");
             WampTestClient publisher = join("realm1")) {
            paused.sendText("[1,\"realm1\",{\"roles\":{\"subscriber\":{}}}]");
            assertTrue(paused.readText().startsWith("[2,"), "WELCOME");
            paused.sendText("[32,1,{},\"" + topic + "\"]");
            assertTrue(paused.readText().startsWith("[33,1,"), "SUBSCRIBED");
            // from here on the paused client reads nothing
            reader.send(new Subscribe(1, Map.of(), topic));
            reader.next(Subscribed.class);
            for (int i = 0; i < EVENTS; i++) {
                publisher.send(new Publish(i + 1, Map.of("acknowledge", true), topic, List.of(i, payload), null));
                publisher.next(Published.class);
                assertEquals(List.of((long) i, payload), reader.next(Event.class).args(), "the reader keeps up");
            }
            // The paused client stays paused past postmaster.outbound-abort-ms (1 s in the test configuration): the
            // scenario is a reader that does not come back, so this is its pause, not a wait for something.
            Thread.sleep(ABORT_MS + 1_500);
            // Then it reads what is left for it: the events the OS buffers held, then the router's close — or the
            // end of the connection, where the close frame could not get through (Payara's Tyrus cancels it with
            // the frames it still holds) and the connection was dropped.
            int events = 0;
            Integer code = null;
            boolean ended = false;
            while (code == null && !ended) {
                RawWebSocket.Frame f = paused.readFrame(5_000);
                if (f == null) {
                    fail("the paused subscriber's connection is still open after " + events + " events and the"
                            + " 5 s that followed: neither closed with 1008 nor dropped");
                }
                if (f == RawWebSocket.END) {
                    ended = true;
                } else if (f.opcode() == RawWebSocket.Frame.CLOSE) {
                    code = f.closeCode();
                } else if (f.opcode() == RawWebSocket.Frame.TEXT) {
                    events++;
                }
            }
            if (code != null) {
                assertEquals(1008, code, "the paused subscriber is closed as a slow consumer");
            }
            // What the server still held for it once it was cut is what the router may queue for one connection,
            // plus what the OS buffers on both sides; not the whole stream, not a container's own queue.
            assertTrue((long) events * EVENT_BYTES <= HELD_AT_MOST, "the paused subscriber was cut ("
                    + (ended ? "dropped" : "closed with 1008") + ") but " + events + " events of " + EVENTS
                    + " were still held for it, more than " + (HELD_AT_MOST >> 20) + " MiB");
            // The reader and the publisher were not affected.
            publisher.send(new Publish(999, Map.of("acknowledge", true), topic, List.of("after"), null));
            publisher.next(Published.class);
            assertEquals(List.of("after"), reader.next(Event.class).args());
        }
    }

    @Test
    void theErrorsForEveryPendingCallOfACalleeThatLeftReachTheCaller() throws Exception {
        String procedure = "com.example.hostile.stalling";
        try (WampTestClient caller = join("realm1")) {
            WampTestClient callee = join("realm1");
            callee.send(new Register(1, Map.of(), procedure));
            callee.next(Registered.class);
            for (int i = 1; i <= PENDING_CALLS; i++) {
                caller.send(new Call(i, Map.of(), procedure, List.of(i), null));
            }
            for (int i = 1; i <= PENDING_CALLS; i++) {
                callee.next(Invocation.class); // every call is pending at the callee; it answers none
            }
            callee.close(); // the callee leaves: every call ends with wamp.error.canceled
            for (int i = 1; i <= PENDING_CALLS; i++) {
                WampMessage m = caller.poll(5_000);
                if (m == null) {
                    fail("error " + i + " of " + PENDING_CALLS + " did not arrive"
                            + (caller.closed() ? "; the caller was closed with " + caller.closeCode() : ""));
                }
                WampMessage.Error e = assertInstanceOf(WampMessage.Error.class, m);
                assertEquals(MessageType.CALL.code(), e.requestType());
                assertEquals(i, e.request(), "in the order of the calls");
                assertEquals(ErrorUris.CANCELED, e.error());
            }
            assertFalse(caller.closed(), "the caller, which reads, stays connected");
            caller.send(new Call(PENDING_CALLS + 1, Map.of(), procedure, null, null));
            assertEquals(ErrorUris.NO_SUCH_PROCEDURE, caller.next(WampMessage.Error.class).error());
        }
    }
}
