package io.postmaster.endpoint;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.router.Peer;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.Outgoing;
import io.postmaster.serialization.Serializer;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket connection as the router sees it: a bounded FIFO of outbound messages, sent in one of two ways.
 *
 * <p><b>One at a time</b> (every container): exactly one async send in flight — the most JSR-356 promises to work
 * everywhere (Tomcat refuses a second) — the next send chained from the completion handler. Each message is a
 * write of its own.
 *
 * <p><b>Batched</b> (Undertow, i.e. WildFly; {@code postmaster.write-batching}, default on): a send made on an
 * event-loop thread (a thread that is itself an {@link Executor}: XNIO's I/O threads are) only queues the message
 * and asks that thread to run this connection's flush once it has finished what it is doing — reading and routing
 * every frame that arrived in this pass of its selector loop. The flush hands everything queued to Undertow with
 * batching allowed ({@code setBatchingAllowed(true)}, which Undertow implements as "queue frames until
 * {@code flushBatch}"), then flushes: one gathering write for all of them. Fan-out under load and the INVOCATIONs of
 * many callers to one callee then cost one system call per connection and pass instead of one per message, which
 * is most of the router's CPU (measured with {@code mvn -Pbench}). Undertow queues any number of frames per
 * connection, so several sends are in flight at once; batching is switched off again before each flush so the
 * container's own frames (pongs, the reply to a close) are never held back. Sends from other threads are flushed at once.
 *
 * <p>Either way a connection whose queued and unfinished sends pass {@code postmaster.outbound-queue} cannot keep
 * up: it is closed with 1008 and a logged reason, its queue dropped. The publisher is never blocked and no other
 * session is affected.
 *
 * <p>Every close is carried out on the close executor, never on the thread that asked for it or that found the
 * close marker: that thread may be routing another session's message (a meta API kill closes its targets inline),
 * possibly under a table lock (see {@link Peer}), or be the container's I/O thread; and a container's
 * {@code Session.close} may block (Open Liberty's writes the close frame synchronously). A connection hands at most
 * one close to that executor, so what waits there is bounded by the open connections.
 */
final class WebSocketPeer implements Peer, SendHandler {
    private static final Logger LOG = Logger.getLogger(WebSocketPeer.class.getName());
    private static final RateLimitedLog OVERFLOW = new RateLimitedLog(LOG, Level.WARNING);
    /** How deeply sends that complete synchronously may chain on one stack before the rest goes to the executor. */
    private static final int MAX_INLINE_DEPTH = 16;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private record CloseMarker(int code, String reason) {
    }

    /** A WebSocket ping, sent in turn with the messages: never while another send of this connection is in flight. */
    private static final Object PING = new Object();

    private final Session ws;
    private final Serializer serializer;
    private final int limit;
    private final Executor executor;
    private final Executor closer;
    private final TransportInfo transport;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** The container's close has been handed to the close executor: once per connection. */
    private final AtomicBoolean closeQueued = new AtomicBoolean();
    /** Batched mode: a flush of this connection is queued on an event-loop thread and has not started yet. */
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    /** Batched mode: the close asked for, waiting until every frame sent before it has been written. */
    private final AtomicReference<CloseMarker> pendingClose = new AtomicReference<>();
    private final boolean batched;
    private final Runnable flush = this::flush;

    /**
     * @param executor where a long chain of sends that complete synchronously continues
     * @param closer   where the container's close runs (see the class comment); it may block
     */
    WebSocketPeer(Session ws, Serializer serializer, int limit, Executor executor, Executor closer,
                  TransportInfo transport, boolean writeBatching) {
        this.ws = ws;
        this.serializer = serializer;
        this.limit = limit;
        this.executor = executor;
        this.closer = closer;
        this.transport = transport;
        this.batched = writeBatching && batchingContainer(ws);
    }

    /**
     * Whether the container is one whose batching this class relies on: Undertow, whose {@code flushBatch} writes
     * all frames queued since {@code setBatchingAllowed(true)} at once and which accepts a send while others are in
     * flight. Other containers differ (Tomcat refuses a second send in flight; Tyrus sends at once either way).
     */
    static boolean batchingContainer(Session ws) {
        return ws.getAsyncRemote().getClass().getName().startsWith("io.undertow.");
    }

    boolean batched() {
        return batched;
    }

    @Override
    public void send(Outgoing message) {
        if (closing.get()) {
            return;
        }
        if (queued.incrementAndGet() > limit) {
            overflow();
            return;
        }
        queue.offer(message);
        next();
    }

    /**
     * Queues a WebSocket ping (keepalive). It goes out after what is queued, when nothing else of this connection is
     * in flight, so a container that allows one send at a time never sees two and the socket has room for it. Not
     * counted against the outbound limit; the keepalive queues at most one per interval and closes the connection
     * after a few.
     */
    void ping() {
        if (!closing.get()) {
            queue.offer(PING);
            next();
        }
    }

    @Override
    public void close(int code, String reason) {
        if (closing.compareAndSet(false, true)) {
            queue.offer(new CloseMarker(code, reason));
            next();
        }
    }

    private void next() {
        if (!batched) {
            drain();
        } else if (Thread.currentThread() instanceof Executor loop) {
            if (flushQueued.compareAndSet(false, true)) {
                try {
                    loop.execute(flush); // after the frames this pass of the loop reads: one write for all
                } catch (RuntimeException e) { // the loop is shutting down
                    flushQueued.set(false);
                    flush();
                }
            }
        } else {
            flush();
        }
    }

    /**
     * Batched mode: hands everything queued to the container and flushes it as one write. One flusher at a time
     * keeps the order; a message queued while another thread flushes is taken by that flusher's re-check.
     */
    private void flush() {
        flushQueued.set(false);
        while (sending.compareAndSet(false, true)) {
            RemoteEndpoint.Async remote = ws.getAsyncRemote();
            try {
                remote.setBatchingAllowed(true);
                Object next;
                while ((next = queue.poll()) != null) {
                    if (next instanceof CloseMarker c) {
                        endBatch(remote);
                        // Closing while frames are queued can lose them when another I/O thread owns the
                        // connection: close once the last one is written (onResult), or now if none is left.
                        pendingClose.set(c);
                        if (queued.get() == 0) {
                            closePending();
                        }
                        return; // leaves 'sending' set: nothing goes out after a close
                    }
                    if (next == PING) {
                        remote.sendPing(ByteBuffer.allocate(0)); // in the batch, in order
                        continue;
                    }
                    startSend((Outgoing) next);
                }
                endBatch(remote);
            } catch (IOException | RuntimeException e) {
                // The connection broke under us (closed by the peer or the container): nothing more can be sent.
                LOG.log(Level.FINE, "send failed on WebSocket " + ws.getId(), e);
                closing.set(true);
                queue.clear();
                return; // 'sending' stays set
            }
            sending.set(false);
            if (queue.isEmpty()) {
                return;
            }
        }
    }

    /**
     * Closes without waiting for what is queued or in flight: for a peer that no longer answers, whose unfinished
     * send may never complete. What is queued is dropped.
     */
    void closeAtOnce(int code, String reason) {
        closing.set(true);
        queue.clear();
        closeLater(code, reason);
    }

    @Override
    public TransportInfo transport() {
        return transport;
    }

    private void overflow() {
        if (closing.compareAndSet(false, true)) {
            OVERFLOW.log(() -> "closing WebSocket " + ws.getId() + " from " + transport.peerAddress()
                    + ": it cannot keep up, more than " + limit + " messages wait to be sent to it"
                    + " (postmaster.outbound-queue)");
            queue.clear();
            closeLater(1008, "outbound queue full");
        }
    }

    /** Starts the next send unless one is in flight. */
    private void drain() {
        int[] depth = DEPTH.get();
        if (depth[0] >= MAX_INLINE_DEPTH) {
            executor.execute(this::drain);
            return;
        }
        depth[0]++;
        try {
            while (sending.compareAndSet(false, true)) {
                Object next = queue.poll();
                if (next == null) {
                    sending.set(false);
                    if (queue.isEmpty()) {
                        return;
                    }
                    continue; // something arrived between poll and release: go again
                }
                if (next instanceof CloseMarker c) {
                    closeLater(c.code(), c.reason()); // leaves 'sending' set: nothing goes out after a close
                    return;
                }
                if (next == PING) {
                    sendPing(); // nothing in flight: the socket has room for it, so this does not wait
                    sending.set(false);
                    continue;
                }
                queued.decrementAndGet();
                startSend((Outgoing) next);
                return; // the completion handler continues the chain (or the connection broke: nothing more)
            }
        } finally {
            depth[0]--;
        }
    }

    private void startSend(Outgoing out) {
        try {
            Frame f = out.frame(serializer);
            if (f instanceof Frame.Text t) {
                ws.getAsyncRemote().sendText(t.text(), this);
            } else {
                ws.getAsyncRemote().sendBinary(ByteBuffer.wrap(((Frame.Binary) f).bytes()), this);
            }
        } catch (RuntimeException e) {
            // The connection broke under us (closed by the peer or the container): nothing more can be sent.
            LOG.log(Level.FINE, "send failed on WebSocket " + ws.getId(), e);
            closing.set(true);
            queue.clear();
        }
    }

    private void sendPing() {
        try {
            ws.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ping failed on WebSocket " + ws.getId(), e); // the keepalive closes it in due time
        }
    }

    @Override
    public void onResult(SendResult result) {
        if (!result.isOK()) {
            LOG.log(Level.FINE, "send failed on WebSocket " + ws.getId(), result.getException());
            closing.set(true);
            queue.clear();
            closeLater(1011, "send failed");
            return;
        }
        if (batched) {
            // counted until written, so a connection that cannot keep up is found
            if (queued.decrementAndGet() == 0 && pendingClose.get() != null) {
                closePending();
            }
            return;
        }
        sending.set(false);
        drain();
    }

    /**
     * Batching off first, then the flush: the container's own frames for this connection (a pong, the reply to the
     * peer's close) may be queued by its I/O thread at any moment, and one queued after the flush but while batching
     * was still on would wait for a flush that may never come (a preempted flusher let the close handshake of a
     * killed session hang that way).
     */
    private static void endBatch(RemoteEndpoint.Async remote) throws IOException {
        remote.setBatchingAllowed(false);
        remote.flushBatch();
    }

    private void closePending() {
        CloseMarker c = pendingClose.getAndSet(null);
        if (c != null) {
            closeLater(c.code(), c.reason());
        }
    }

    /** Hands the container's close to the close executor, once per connection. */
    private void closeLater(int code, String reason) {
        if (closeQueued.compareAndSet(false, true)) {
            closer.execute(() -> closeNow(code, reason));
        }
    }

    private void closeNow(int code, String reason) {
        if (!ws.isOpen()) {
            return;
        }
        try {
            ws.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), closeReasonPhrase(reason)));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "close failed on WebSocket " + ws.getId(), e);
        }
    }

    /** A close frame's reason may carry at most 123 bytes of UTF-8. */
    static String closeReasonPhrase(String reason) {
        if (reason == null) {
            return "";
        }
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 123) {
            return reason;
        }
        String s = reason;
        while (s.getBytes(StandardCharsets.UTF_8).length > 123) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
