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

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * WebSocketPeer's batched mode against a remote endpoint that behaves like Undertow's: messages sent during one pass
 * of an event loop leave in one write, in order; batching is switched off before the flush; a close waits until
 * everything sent before it was written; a connection whose unwritten messages pass the limit is closed.
 */
class WebSocketPeerBatchingTest {

    /** An event-loop thread as XNIO's: itself an Executor, running tasks posted during a task after it. */
    static final class Loop extends Thread implements Executor {
        private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

        Loop() {
            super("test-loop");
            setDaemon(true);
            start();
        }

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public void run() {
            try {
                for (;;) {
                    tasks.take().run();
                }
            } catch (InterruptedException e) {
                // stop
            }
        }

        /** Runs {@code work} on the loop, then waits until the tasks it posted (the flushes) have run too. */
        void pass(Runnable work) throws InterruptedException {
            CountDownLatch ran = new CountDownLatch(1);
            execute(() -> {
                work.run();
                ran.countDown();
            });
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            CountDownLatch after = new CountDownLatch(1);
            execute(after::countDown);
            assertTrue(after.await(5, TimeUnit.SECONDS));
        }
    }

    private final Loop loop = new Loop();
    private final RecordingAsyncRemote remote = new RecordingAsyncRemote();
    private final List<CloseReason> closes = new ArrayList<>();

    @AfterEach
    void stopLoop() {
        loop.interrupt();
    }

    private Session session() {
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> remote;
                    case "getId" -> "ws-1";
                    case "isOpen" -> closes.isEmpty();
                    case "close" -> {
                        closes.add(args == null ? null : (CloseReason) args[0]);
                        yield null;
                    }
                    default -> null;
                });
    }

    private WebSocketPeer peer(int limit) {
        WebSocketPeer p = newPeer(session(), limit, true);
        assertTrue(p.batched(), "a remote endpoint from io.undertow is batched");
        return p;
    }

    private static WebSocketPeer newPeer(Session ws, int limit, boolean writeBatching) {
        OutboundLimits limits = OutboundLimits.from(k -> null);
        return new WebSocketPeer(ws, new JsonSerializer(), limit, limits, new OutboundBudget(limits.totalBytes()),
                Runnable::run, Runnable::run, new Peer.TransportInfo("127.0.0.1:1", "wamp.2.json"), writeBatching);
    }

    private static Outgoing event(long publication) {
        return new Outgoing(new WampMessage.Event(1, publication, Map.of(), List.of(), Map.of()));
    }

    @Test
    void messagesOfOnePassLeaveInOneWriteInOrderWithBatchingOffBeforeTheFlush() throws Exception {
        WebSocketPeer p = peer(100);
        loop.pass(() -> {
            p.send(event(1));
            p.send(event(2));
            p.send(event(3));
            assertTrue(remote.calls.isEmpty(), "nothing goes to the container while the pass is still routing");
        });
        assertEquals(List.of(List.of("[36,1,1,{}]", "[36,1,2,{}]", "[36,1,3,{}]")), remote.writes);
        assertEquals(List.of("batch on", "send [36,1,1,{}]", "send [36,1,2,{}]", "send [36,1,3,{}]", "batch off",
                "flush"), remote.calls, "batching goes off before the flush, so the container's own frames never wait");
        loop.pass(() -> p.send(event(4)));
        assertEquals(List.of("[36,1,4,{}]"), remote.writes.get(1), "the next pass is a write of its own");
    }

    @Test
    void aSendFromAnotherThreadIsWrittenAtOnce() {
        WebSocketPeer p = peer(100);
        p.send(event(7)); // this test's thread is no event loop
        assertEquals(List.of(List.of("[36,1,7,{}]")), remote.writes);
    }

    @Test
    void aCloseWaitsUntilEverythingBeforeItIsWritten() throws Exception {
        WebSocketPeer p = peer(100);
        loop.pass(() -> {
            p.send(event(1));
            p.close(1000, "session killed");
            p.send(event(2)); // after the close: dropped
        });
        assertEquals(List.of(List.of("[36,1,1,{}]")), remote.writes);
        assertTrue(closes.isEmpty(), "not closed while a frame sent before the close is unwritten");
        remote.completeAll();
        assertEquals(1, closes.size(), "closed once the last frame was written");
        assertEquals(1000, closes.get(0).getCloseCode().getCode());
        assertEquals("session killed", closes.get(0).getReasonPhrase());
    }

    @Test
    void aCloseWithNothingInFlightClosesAtOnce() throws Exception {
        WebSocketPeer p = peer(100);
        loop.pass(() -> p.send(event(1)));
        remote.completeAll();
        loop.pass(() -> p.close(1001, "router shutting down"));
        assertEquals(1, closes.size());
        assertEquals(1001, closes.get(0).getCloseCode().getCode());
    }

    @Test
    void unwrittenMessagesCountTowardsTheLimit() throws Exception {
        WebSocketPeer p = peer(3);
        loop.pass(() -> {
            p.send(event(1));
            p.send(event(2));
        });
        loop.pass(() -> p.send(event(3)));
        assertTrue(closes.isEmpty(), "three unwritten messages: at the limit, not past it");
        loop.pass(() -> p.send(event(4)));
        assertEquals(1, closes.size(), "a fourth while none was written: it cannot keep up");
        assertEquals(1008, closes.get(0).getCloseCode().getCode());
        assertEquals(3, remote.inFlight(), "the overflowing message was never handed over");
    }

    @Test
    void writtenMessagesNoLongerCount() throws Exception {
        WebSocketPeer p = peer(3);
        for (int i = 0; i < 10; i++) {
            int n = i;
            loop.pass(() -> {
                p.send(event(2L * n));
                p.send(event(2L * n + 1));
            });
            remote.completeAll();
        }
        assertTrue(closes.isEmpty(), "twenty messages, never more than two unwritten");
        assertEquals(10, remote.writes.size());
    }

    @Test
    void otherContainersAreNotBatched() {
        Session tyrusLike = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> method.getName().equals("getAsyncRemote")
                        ? Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RemoteEndpoint.Async.class},
                                (p2, m2, a2) -> null)
                        : null);
        assertFalse(newPeer(tyrusLike, 10, true).batched());
        assertFalse(newPeer(session(), 10, false).batched(), "postmaster.write-batching=false");
    }
}
