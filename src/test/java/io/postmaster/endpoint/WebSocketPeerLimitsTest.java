package io.postmaster.endpoint;

import io.postmaster.config.OutboundLimits;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Peer;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.Outgoing;
import io.undertow.fake.RecordingAsyncRemote;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What WebSocketPeer holds for a connection, against a remote endpoint that behaves like Undertow's: bytes count as
 * well as messages, from the send until the container reports the frame written; the router's own bursts are paced
 * and judged apart; all connections together stay within a budget; a send that fails closes the connection.
 */
class WebSocketPeerLimitsTest {
    /** An EVENT whose JSON is exactly {@value} characters long. */
    private static final int EVENT_SIZE = 1024;

    private final WebSocketPeerBatchingTest.Loop loop = new WebSocketPeerBatchingTest.Loop();

    @AfterEach
    void stopLoop() {
        loop.interrupt();
    }

    /** One connection: its remote endpoint and the closes it saw. */
    private static final class Conn {
        final RecordingAsyncRemote remote = new RecordingAsyncRemote();
        final List<CloseReason> closes = new ArrayList<>();
        final Session ws = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> remote;
                    case "getId" -> "ws";
                    case "isOpen" -> closes.isEmpty();
                    case "close" -> {
                        closes.add((CloseReason) args[0]);
                        yield null;
                    }
                    default -> null;
                });
        WebSocketPeer peer;

        int closeCode() {
            assertEquals(1, closes.size(), "closed once");
            return closes.get(0).getCloseCode().getCode();
        }
    }

    private static Conn conn(int messages, OutboundLimits limits, OutboundBudget budget) {
        Conn c = new Conn();
        c.peer = new WebSocketPeer(c.ws, new JsonSerializer(), messages, limits, budget, Runnable::run, Runnable::run,
                new Peer.TransportInfo("127.0.0.1:1", "wamp.2.json"), true);
        assertTrue(c.peer.batched());
        return c;
    }

    private static Conn conn(int messages, OutboundLimits limits) {
        return conn(messages, limits, new OutboundBudget(limits.totalBytes()));
    }

    private static OutboundLimits limits(long queueBytes, int pacedQueue, long pacedBytes) {
        return new OutboundLimits(queueBytes, Long.MAX_VALUE, pacedQueue, pacedBytes, 30_000);
    }

    /** An EVENT of exactly {@link #EVENT_SIZE} characters of JSON, numbered. */
    private static Outgoing event(long n) {
        String head = new JsonSerializer().encode(new WampMessage.Event(1, n, Map.of(), List.of(""), null)) instanceof
                io.postmaster.serialization.Frame.Text t ? t.text() : "";
        return new Outgoing(new WampMessage.Event(1, n, Map.of(), List.of("x".repeat(EVENT_SIZE - head.length())),
                null));
    }

    @Test
    void bytesPastTheLimitCutAConnectionLongBeforeTheMessageCountWould() throws Exception {
        Conn c = conn(10_000, limits(4 * EVENT_SIZE, 100, 1 << 20));
        loop.pass(() -> IntStream.rangeClosed(1, 4).forEach(i -> c.peer.send(event(i))));
        assertTrue(c.closes.isEmpty(), "4 KiB unwritten: at the limit, not past it");
        loop.pass(() -> c.peer.send(event(5)));
        assertEquals(1008, c.closeCode(), "a fifth KiB while nothing was written: it cannot keep up");
        assertEquals(4, c.remote.inFlight(), "the message past the limit was never handed over");
    }

    @Test
    void oneMessageAloneIsNeverTooBig() throws Exception {
        Conn c = conn(10_000, limits(1024, 100, 1024));
        Outgoing big = new Outgoing(new WampMessage.Event(1, 1, Map.of(), List.of("x".repeat(10_000)), null));
        loop.pass(() -> c.peer.send(big));
        c.remote.completeAll();
        loop.pass(() -> c.peer.sendPaced(big));
        c.remote.completeAll();
        assertTrue(c.closes.isEmpty(), "a connection with nothing else unwritten is sent any one message");
        assertEquals(2, c.remote.written().size());
        loop.pass(() -> {
            c.peer.send(big);
            c.peer.send(event(2));
        });
        assertEquals(1008, c.closeCode(), "but not a second one while the first is unwritten");
    }

    @Test
    void bytesCountUntilWrittenAndNoLonger() throws Exception {
        Conn c = conn(10_000, limits(4 * EVENT_SIZE, 100, 1 << 20));
        for (int i = 0; i < 50; i++) {
            int n = i;
            loop.pass(() -> {
                c.peer.send(event(3L * n));
                c.peer.send(event(3L * n + 1));
                c.peer.send(event(3L * n + 2));
            });
            c.remote.completeAll();
        }
        assertTrue(c.closes.isEmpty(), "150 KiB sent, never more than 3 KiB unwritten");
        assertEquals(150, c.remote.written().size());
    }

    @Test
    void aBurstOfTheRouterReachesAPeerThatReadsPacedAndInOrder() throws Exception {
        Conn c = conn(3, limits(4 * EVENT_SIZE, 1000, 1 << 20));
        loop.pass(() -> IntStream.rangeClosed(1, 100).forEach(i -> c.peer.sendPaced(event(i))));
        assertTrue(c.closes.isEmpty(), "100 messages of the router's own: not a slow consumer at 3 messages");
        assertEquals(4, c.remote.inFlight(), "the container is handed only the window (4 KiB), the rest waits");
        loop.pass(() -> c.peer.send(event(101))); // a client's message behind the burst keeps its place
        for (int rounds = 0; c.remote.inFlight() > 0 && rounds < 100; rounds++) {
            assertTrue(c.remote.inFlight() <= 4, "never more than the window in the container's hands");
            loop.pass(() -> c.remote.complete(1)); // the peer reads one frame at a time
        }
        assertTrue(c.closes.isEmpty());
        List<String> written = c.remote.written();
        assertEquals(101, written.size(), "everything delivered");
        for (int i = 0; i < written.size(); i++) {
            assertTrue(written.get(i).startsWith("[36,1," + (i + 1) + ","), "in order: " + i);
        }
    }

    @Test
    void theRoutersBurstsHaveABoundOfTheirOwnForAPeerThatReadsNothing() throws Exception {
        Conn c = conn(3, limits(4 * EVENT_SIZE, 50, 1 << 20));
        loop.pass(() -> IntStream.rangeClosed(1, 50).forEach(i -> c.peer.sendPaced(event(i))));
        assertTrue(c.closes.isEmpty());
        loop.pass(() -> c.peer.sendPaced(event(51)));
        assertEquals(1008, c.closeCode(), "past postmaster.outbound-paced-queue");

        Conn d = conn(3, limits(4 * EVENT_SIZE, 1000, 20 * EVENT_SIZE));
        loop.pass(() -> IntStream.rangeClosed(1, 21).forEach(i -> d.peer.sendPaced(event(i))));
        assertEquals(1008, d.closeCode(), "past postmaster.outbound-paced-bytes");
    }

    @Test
    void pausedConnectionsTogetherStayWithinTheBudgetAndOnlyTheyAreCut() throws Exception {
        OutboundLimits limits = new OutboundLimits(8 * EVENT_SIZE, 12 * EVENT_SIZE, 100, 1 << 20, 30_000);
        OutboundBudget budget = new OutboundBudget(limits.totalBytes());
        Conn a = conn(1000, limits, budget);
        Conn b = conn(1000, limits, budget);
        Conn reader = conn(1000, limits, budget);
        // a and b stop reading; the reader reads everything at once. Each alone stays under its own 8 KiB.
        for (int i = 1; i <= 7; i++) {
            int n = i;
            loop.pass(() -> {
                a.peer.send(event(n));
                b.peer.send(event(n));
                reader.peer.send(event(n));
            });
            reader.remote.completeAll();
            if (!a.closes.isEmpty() || !b.closes.isEmpty()) {
                break;
            }
        }
        assertTrue(budget.held() <= limits.totalBytes() + EVENT_SIZE,
                "together they hold no more than the budget: " + budget.held());
        assertTrue(!a.closes.isEmpty() || !b.closes.isEmpty(), "a paused connection over its share was cut");
        assertTrue(reader.closes.isEmpty(), "the connection that reads is never the one cut");
        Conn cut = a.closes.isEmpty() ? b : a;
        assertEquals(1008, cut.closeCode());
        cut.peer.transportClosed();
        Conn other = cut == a ? b : a;
        other.remote.completeAll();
        reader.remote.completeAll();
        assertEquals(0, budget.held(), "closed and written connections hold nothing");
    }

    @Test
    void aConnectionThatGoesAwayLetsGoOfWhatItHeld() throws Exception {
        OutboundLimits limits = OutboundLimits.from(k -> null);
        OutboundBudget budget = new OutboundBudget(limits.totalBytes());
        Conn c = conn(1000, limits, budget);
        loop.pass(() -> IntStream.rangeClosed(1, 5).forEach(i -> c.peer.send(event(i))));
        assertEquals(5L * EVENT_SIZE, budget.held());
        c.peer.transportClosed();
        assertEquals(0, budget.held());
        c.remote.failAll(new IOException("connection reset")); // the container reports the frames late
        assertEquals(0, budget.held(), "counted once, released once");
    }

    @Test
    void aSendTheContainerRefusesClosesTheConnection() throws Exception {
        Conn c = conn(1000, OutboundLimits.from(k -> null));
        c.remote.refuse = new IllegalStateException("the remote endpoint was in state [TEXT_FULL_WRITING]");
        loop.pass(() -> c.peer.send(event(1)));
        assertEquals(1011, c.closeCode(), "not left open with a message silently skipped");
    }

    @Test
    void aWriteThatFailsClosesTheConnection() throws Exception {
        Conn c = conn(1000, OutboundLimits.from(k -> null));
        loop.pass(() -> c.peer.send(event(1)));
        c.remote.failAll(new IOException("write failed"));
        assertEquals(1011, c.closeCode());
    }

    @Test
    void aMessageThatCannotBeEncodedClosesOnlyThatConnection() throws Exception {
        Conn c = conn(1000, OutboundLimits.from(k -> null));
        Outgoing unencodable = new Outgoing(new WampMessage.Event(1, 1, Map.of(), List.of(new Object()), null));
        loop.pass(() -> c.peer.send(unencodable));
        assertEquals(1011, c.closeCode());
    }

    @Test
    void otherContainersCountBytesUntilWrittenToo() {
        Conn c = new Conn();
        RemoteEndpoint.Async plain = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (p, m, a) -> {
                    if (m.getName().equals("sendText")) {
                        c.remote.sendText((String) a[0], (jakarta.websocket.SendHandler) a[1]);
                    }
                    return null;
                });
        Session ws = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> plain;
                    case "getId" -> "ws";
                    case "isOpen" -> c.closes.isEmpty();
                    case "close" -> {
                        c.closes.add((CloseReason) args[0]);
                        yield null;
                    }
                    default -> null;
                });
        WebSocketPeer p = new WebSocketPeer(ws, new JsonSerializer(), 1000, limits(2 * EVENT_SIZE, 100, 1 << 20),
                new OutboundBudget(Long.MAX_VALUE), Runnable::run, Runnable::run, new Peer.TransportInfo("x", "wamp.2.json"), true);
        assertFalse(p.batched());
        p.send(event(1));
        p.send(event(2));
        assertEquals(1, c.remote.inFlight(), "one at a time");
        assertTrue(c.closes.isEmpty());
        c.remote.completeAll(); // the first is written, the second handed over and still counted
        p.send(event(3));
        assertTrue(c.closes.isEmpty(), "two unwritten: at the limit");
        p.send(event(4));
        assertEquals(1008, c.closeCode(), "the one in flight counts until written");
    }
}
