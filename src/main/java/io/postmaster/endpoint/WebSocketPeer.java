package io.postmaster.endpoint;

import io.postmaster.message.WampMessage;
import io.postmaster.metrics.Metrics;
import io.postmaster.config.OutboundLimits;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.router.Peer;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.Outgoing;
import io.postmaster.serialization.Serializer;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket connection as the router sees it: a FIFO of outbound messages, bounded by count and by bytes, sent in
 * one of two ways.
 *
 * <p><b>One at a time</b> (every container): exactly one async send in flight — the most JSR-356 promises to work
 * everywhere (Tomcat refuses a second) — the next send chained from the completion handler. Each message is a
 * write of its own. "Written" is what the container says: Tyrus on Grizzly (Payara) reports a send complete once
 * Grizzly's own write queue for the connection has taken it, which goes on until that queue holds about four times
 * the socket's send buffer (megabytes), so a peer that stops reading holds that much in Grizzly beyond what is
 * counted here; once it is cut, its connection is dropped (see {@link #transportDropper}).
 *
 * <p><b>Batched</b> (Undertow, i.e. WildFly; {@code postmaster.write-batching}, default on): a send made on an
 * event-loop thread (a thread that is itself an {@link Executor}: XNIO's I/O threads are) only queues the message
 * and asks that thread to run this connection's flush once it has finished what it is doing — reading and routing
 * every frame that arrived in this pass of its selector loop. The flush hands everything queued to Undertow with
 * batching allowed ({@code setBatchingAllowed(true)}, which Undertow implements as "queue frames until
 * {@code flushBatch}"), then flushes: one gathering write for all of them. Fan-out under load and the INVOCATIONs of
 * many callers to one callee then cost one system call per connection and pass instead of one per message, which
 * is most of the router's CPU (measured with {@code mvn -Pbench}). Undertow queues any number of frames per
 * connection, so several sends are in flight at once — but at most {@code postmaster.outbound-queue-bytes} of them
 * (at least one message): the rest stays queued here, where an EVENT is a reference to the frame shared by all its
 * subscribers rather than the container's copy of it, and goes out as earlier frames are written. Batching is
 * switched off again before each flush so the container's own frames (pongs, the reply to a close) are never held
 * back. Sends from other threads are flushed at once.
 *
 * <p>Every message counts from {@link #send} until the container reports it written. A connection whose unwritten
 * messages pass {@code postmaster.outbound-queue} or their bytes {@code postmaster.outbound-queue-bytes} cannot keep
 * up: it is closed with 1008 and a logged reason, its queue dropped. (One message alone is never too big: a connection
 * with nothing else unwritten is always sent the next one, whatever its size.) So is one holding more than its share when all
 * connections together hold more than {@code postmaster.outbound-total-bytes} (see {@link OutboundBudget}). Messages
 * the router produces on its own in a burst ({@link #sendPaced}) are counted apart, against the larger
 * {@code postmaster.outbound-paced-queue} and {@code -bytes}: a peer that reads gets them all, paced by the window
 * above. The publisher is never blocked and no other session is affected.
 *
 * <p>Every close is carried out on the close executor, never on the thread that asked for it or that found the
 * close marker: that thread may be routing another session's message (a meta API kill closes its targets inline),
 * possibly under a table lock (see {@link Peer}), or be the container's I/O thread; and a container's
 * {@code Session.close} may block (Open Liberty's writes the close frame synchronously). A connection hands at most
 * one close to that executor, so what waits there is bounded by the open connections.
 *
 * <p>A send that fails (the container refuses it, a message cannot be encoded) closes the connection with 1011 and
 * is logged at WARNING unless the connection was already gone: a message is never silently skipped.
 */
final class WebSocketPeer implements Peer {
    private static final Logger LOG = Logger.getLogger(WebSocketPeer.class.getName());
    /** One line per connection cut as a slow consumer: a client can make many, so they are rate-limited. */
    private static final RateLimitedLog SLOW = new RateLimitedLog(LOG, Level.WARNING);
    /** One line per connection closed because a message could not be sent to it. */
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);
    /** How deeply sends that complete synchronously may chain on one stack before the rest goes to the executor. */
    private static final int MAX_INLINE_DEPTH = 16;
    /** How long a close handshake may take, with nothing left to write, before the connection is dropped (Undertow). */
    static final long CLOSE_HANDSHAKE_MS = 2_000;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private record CloseMarker(int code, String reason) {
    }

    /** A WebSocket ping, sent in turn with the messages: never while another send of this connection is in flight. */
    private static final Object PING = new Object();

    /** One message for this connection, counted from {@link #send} until the container reports it written. */
    private final class Pending implements WebSocketLink.Sent {
        final Frame frame;
        final int size;
        final boolean paced;

        Pending(Frame frame, int size, boolean paced) {
            this.frame = frame;
            this.size = size;
            this.paced = paced;
        }

        @Override
        public void sent(Throwable failure) {
            written(this, failure);
        }
    }

    /** The connection: the container's JSR-356 session, or Undertow's own channel (see {@link WebSocketLink}). */
    private final WebSocketLink link;
    private final Serializer serializer;
    /** The serializer's frames are octets of a text subprotocol (JSON as UTF-8): they go out as text frames. */
    private final boolean utf8Text;
    private final int limit;
    private final OutboundLimits limits;
    private final OutboundBudget budget;
    private final Executor executor;
    private final Executor closer;
    private final TransportInfo transport;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    // The counters and flags below are plain volatile fields changed through static updaters, not Atomic* objects:
    // thirteen objects fewer per connection (about 200 bytes of each idle WebSocket's heap).
    /** Messages caused by clients, queued or handed to the container, not yet written; and their bytes. */
    private volatile int queued;
    private volatile long queuedBytes;
    /** The same for the router's own bursts ({@link #sendPaced}). */
    private volatile int paced;
    private volatile long pacedBytes;
    /** Handed to the container, not yet written. */
    private volatile int inFlight;
    private volatile long inFlightBytes;
    /** All bytes this connection holds, as added to the budget (both kinds). */
    private volatile long held;
    /** Flags, 0 or 1: a send chain runs; the connection is closing; it is open. */
    private volatile int sending;
    private volatile int closing;
    private volatile int open = 1;
    /** Nothing more goes out: the queue was dropped (slow consumer, failed send, transport gone). */
    private volatile boolean dropped;
    /** The container's close has been handed to the close executor: once per connection (0 or 1). */
    private volatile int closeQueued;
    /** Batched mode: a flush of this connection is queued on an event-loop thread and has not started yet (0 or 1). */
    private volatile int flushQueued;
    /** Batched mode: the close asked for, waiting until every frame sent before it has been written. */
    private volatile CloseMarker pendingClose;
    private static final AtomicIntegerFieldUpdater<WebSocketPeer> QUEUED = ints("queued");
    private static final AtomicIntegerFieldUpdater<WebSocketPeer> PACED = ints("paced");
    private static final AtomicIntegerFieldUpdater<WebSocketPeer> IN_FLIGHT = ints("inFlight");
    private static final AtomicIntegerFieldUpdater<WebSocketPeer> SENDING = ints("sending");
    private static final AtomicIntegerFieldUpdater<WebSocketPeer> CLOSING = ints("closing");
    private static final AtomicIntegerFieldUpdater<WebSocketPeer> OPEN = ints("open");
    private static final AtomicIntegerFieldUpdater<WebSocketPeer> CLOSE_QUEUED = ints("closeQueued");
    private static final AtomicIntegerFieldUpdater<WebSocketPeer> FLUSH_QUEUED = ints("flushQueued");
    private static final AtomicLongFieldUpdater<WebSocketPeer> QUEUED_BYTES = longs("queuedBytes");
    private static final AtomicLongFieldUpdater<WebSocketPeer> PACED_BYTES = longs("pacedBytes");
    private static final AtomicLongFieldUpdater<WebSocketPeer> IN_FLIGHT_BYTES = longs("inFlightBytes");
    private static final AtomicLongFieldUpdater<WebSocketPeer> HELD = longs("held");
    private static final AtomicReferenceFieldUpdater<WebSocketPeer, CloseMarker> PENDING_CLOSE =
            AtomicReferenceFieldUpdater.newUpdater(WebSocketPeer.class, CloseMarker.class, "pendingClose");

    private static AtomicIntegerFieldUpdater<WebSocketPeer> ints(String field) {
        return AtomicIntegerFieldUpdater.newUpdater(WebSocketPeer.class, field);
    }

    private static AtomicLongFieldUpdater<WebSocketPeer> longs(String field) {
        return AtomicLongFieldUpdater.newUpdater(WebSocketPeer.class, field);
    }

    private final boolean batched;
    private final Runnable flush = this::flush;
    private final Metrics metrics;
    /** This connection's serializer as {@link Metrics} indexes it. */
    private final int metricsSerializer;

    /**
     * @param executor where a long chain of sends that complete synchronously continues, and timers run
     * @param closer   where the container's close runs (see the class comment); it may block
     */
    WebSocketPeer(Session ws, Serializer serializer, int limit, OutboundLimits limits, OutboundBudget budget,
                  Executor executor, Executor closer, TransportInfo transport, boolean writeBatching) {
        this(ws, serializer, limit, limits, budget, executor, closer, transport, writeBatching, new Metrics());
    }

    /** @param metrics where what is sent, and a cut as a slow consumer, are counted */
    WebSocketPeer(Session ws, Serializer serializer, int limit, OutboundLimits limits, OutboundBudget budget,
                  Executor executor, Executor closer, TransportInfo transport, boolean writeBatching,
                  Metrics metrics) {
        this(new SessionLink(ws), serializer, limit, limits, budget, executor, closer, transport, writeBatching,
                metrics);
    }

    /** @param link the connection, however the container serves it */
    WebSocketPeer(WebSocketLink link, Serializer serializer, int limit, OutboundLimits limits, OutboundBudget budget,
                  Executor executor, Executor closer, TransportInfo transport, boolean writeBatching,
                  Metrics metrics) {
        this.metrics = metrics;
        this.metricsSerializer = Metrics.serializer(transport.subprotocol());
        this.link = link;
        this.serializer = serializer;
        this.utf8Text = serializer.binary() && JsonSerializer.SUBPROTOCOL.equals(serializer.subprotocol());
        this.limit = limit;
        this.limits = limits;
        this.budget = budget;
        this.executor = executor;
        this.closer = closer;
        this.transport = transport;
        this.batched = writeBatching && link.batching();
        budget.opened();
    }

    boolean batched() {
        return batched;
    }

    @Override
    public void send(Outgoing message) {
        enqueue(message, false);
    }

    @Override
    public void sendPaced(Outgoing message) {
        enqueue(message, true);
    }

    private void enqueue(Outgoing message, boolean routerBurst) {
        if (closing != 0) {
            return;
        }
        Frame frame;
        try {
            frame = message.frame(serializer); // cached in the message: once per serializer, shared by all receivers
        } catch (RuntimeException | Error e) {
            broken("could not encode " + message.message().type() + " for", e);
            return;
        }
        int size = frame instanceof Frame.Text t ? t.text().length() : ((Frame.Binary) frame).bytes().length;
        count(message.message(), size);
        if (routerBurst) {
            int n = PACED.incrementAndGet(this);
            long bytes = PACED_BYTES.addAndGet(this, size);
            if (n > limits.pacedQueue() || bytes > limits.pacedBytes() && n > 1) {
                overflow(n > limits.pacedQueue()
                        ? "more than " + limits.pacedQueue() + " messages of the router's own wait to be sent to it"
                        + " (" + OutboundLimits.PACED_QUEUE + ")"
                        : "more than " + limits.pacedBytes() + " bytes of the router's own messages wait to be sent"
                        + " to it (" + OutboundLimits.PACED_BYTES + ")");
                return;
            }
        } else {
            int n = QUEUED.incrementAndGet(this);
            long bytes = QUEUED_BYTES.addAndGet(this, size);
            if (n > limit || bytes > limits.queueBytes() && n > 1) { // one message alone always goes
                overflow(n > limit
                        ? "more than " + limit + " messages wait to be sent to it (postmaster.outbound-queue)"
                        : "more than " + limits.queueBytes() + " bytes wait to be sent to it ("
                        + OutboundLimits.QUEUE_BYTES + ")");
                return;
            }
        }
        HELD.addAndGet(this, size);
        budget.add(size);
        if (budget.overShare(HELD.get(this)) && QUEUED.get(this) + PACED.get(this) > 1) {
            overflow("all connections together hold more than " + budget.limit() + " bytes ("
                    + OutboundLimits.TOTAL_BYTES + ") and this one " + HELD.get(this) + ", more than its share");
            return;
        }
        queue.offer(new Pending(frame, size, routerBurst));
        next();
    }

    /** Counts a message queued (a WAMP v1 frame, which has no v2 message, is not counted). */
    private void count(WampMessage m, int size) {
        if (m != null) {
            metrics.sent(metricsSerializer, m.type(), size);
            if (m instanceof WampMessage.Error e) {
                metrics.error(e.error());
            }
        }
    }

    @Override
    public int queued() {
        return QUEUED.get(this) + PACED.get(this);
    }

    @Override
    public void close(int code, String reason) {
        if (CLOSING.compareAndSet(this, 0, 1)) {
            queue.offer(new CloseMarker(code, reason));
            next();
        }
    }

    /**
     * Queues a WebSocket ping (keepalive). It goes out after what is queued, when nothing else of this connection is
     * in flight, so a container that allows one send at a time never sees two and the socket has room for it. Not
     * counted against the outbound limits; the keepalive queues at most one per interval and closes the connection
     * after a few.
     */
    void ping() {
        if (closing == 0) {
            queue.offer(PING);
            next();
        }
    }

    /**
     * Closes without waiting for what is queued or in flight: for a peer that no longer answers, whose unfinished
     * send may never complete. What is queued is dropped.
     */
    void closeAtOnce(int code, String reason) {
        closing = 1;
        drop();
        closeLater(code, reason);
    }

    /** The transport is gone (closed by either side): whatever is still held for it is let go. Idempotent. */
    void transportClosed() {
        closing = 1;
        drop();
        if (OPEN.compareAndSet(this, 1, 0)) {
            budget.closed();
        }
    }

    private void next() {
        if (!batched) {
            drain();
        } else if (Thread.currentThread() instanceof Executor loop) {
            if (FLUSH_QUEUED.compareAndSet(this, 0, 1)) {
                try {
                    loop.execute(flush); // after the frames this pass of the loop reads: one write for all
                } catch (RuntimeException e) { // the loop is shutting down
                    flushQueued = 0;
                    flush();
                }
            }
        } else {
            flush();
        }
    }

    /**
     * Batched mode: hands what is queued to the container, as much as the window allows, and flushes it as one
     * write. One flusher at a time keeps the order; a message queued while another thread flushes is taken by that
     * flusher's re-check, and the rest of a window that was full by the completion of an earlier write.
     */
    private void flush() {
        flushQueued = 0;
        while (SENDING.compareAndSet(this, 0, 1)) {
            try {
                link.startBatch();
                Object next;
                while (!dropped && (next = queue.peek()) != null) {
                    if (next instanceof CloseMarker c) {
                        queue.poll();
                        link.endBatch();
                        // Closing while frames are queued can lose them when another I/O thread owns the
                        // connection: close once the last one is written (written()), or now if none is left.
                        PENDING_CLOSE.set(this, c);
                        if (IN_FLIGHT.get(this) == 0) {
                            closePending();
                        }
                        return; // leaves 'sending' set: nothing goes out after a close
                    }
                    if (next == PING) {
                        queue.poll();
                        link.sendPing(); // in the batch, in order
                        continue;
                    }
                    Pending p = (Pending) next;
                    if (!fits(p) || queue.poll() != p) {
                        break; // the peer has not read what it was handed yet (or the queue was dropped)
                    }
                    handOver(p);
                }
                link.endBatch();
            } catch (IOException | RuntimeException e) {
                broken("send failed on", e);
                return; // 'sending' stays set
            }
            sending = 0;
            Object head = queue.peek();
            if (head == null || dropped || head instanceof Pending p && !fits(p)) {
                return;
            }
        }
    }

    /** Whether the container may be handed {@code p} now: the window is empty or has room for it. */
    private boolean fits(Pending p) {
        return IN_FLIGHT.get(this) == 0 || IN_FLIGHT_BYTES.get(this) + p.size <= limits.queueBytes();
    }

    @Override
    public TransportInfo transport() {
        return transport;
    }

    private void overflow(String why) {
        if (CLOSING.compareAndSet(this, 0, 1)) {
            metrics.slowConsumerClosed();
            SLOW.log(() -> "closing WebSocket " + link.id() + " from " + transport.peerAddress()
                    + ": it cannot keep up, " + why);
            drop();
            closeLater(1008, "outbound queue full");
        }
    }

    /**
     * A message could not be sent (the container refused it or reported a failure, or it could not be encoded):
     * nothing more goes out, and the connection is closed (1011) unless it is gone already — then the failure is
     * only the sign of it, and its close is under way.
     */
    private void broken(String what, Throwable e) {
        closing = 1;
        drop();
        boolean wasOpen;
        try {
            wasOpen = link.isOpen();
        } catch (RuntimeException ignored) {
            wasOpen = false;
        }
        if (wasOpen) {
            FAILED.log(() -> what + " WebSocket " + link.id() + " from " + transport.peerAddress()
                    + "; closing it (1011)", e);
            closeLater(1011, "send failed");
        } else {
            LOG.log(Level.FINE, what + " WebSocket " + link.id() + ", which is closed", e);
        }
    }

    /** Nothing more goes out; everything held is let go (the budget's share at once, the frames as they come back). */
    private void drop() {
        dropped = true;
        queue.clear();
        budget.add(-HELD.getAndSet(this, 0));
    }

    /**
     * Closes the connection off the calling thread and, if it is still stuck {@code postmaster.outbound-abort-ms}
     * later (a peer that reads nothing never takes the close frame queued behind what it has not read), drops it
     * without the closing handshake, so that the container lets go of what it holds for it too.
     */
    private void closeLater(int code, String reason) {
        if (!CLOSE_QUEUED.compareAndSet(this, 0, 1)) {
            return; // one close per connection
        }
        // Found before the close: the container may let go of its links to the transport once it is asked to close.
        Runnable drop = transportDropper();
        closer.execute(() -> closeNow(code, reason)); // never rejects: after shutdown the container closes them all
        try {
            if (executor instanceof ScheduledExecutorService timers) {
                // the timer only says when; the drop itself is the container's code, run where a close may block
                if (drop != null) {
                    timers.schedule(() -> closer.execute(drop), limits.abortMs(), TimeUnit.MILLISECONDS);
                }
                if (link.closeMayStick()) {
                    timers.schedule(() -> closer.execute(this::finishStuckClose), CLOSE_HANDSHAKE_MS,
                            TimeUnit.MILLISECONDS);
                }
            }
        } catch (RejectedExecutionException e) { // shutting down: the container closes every connection anyway
            LOG.log(Level.FINE, "close of WebSocket " + link.id() + " not scheduled", e);
        }
    }

    /**
     * How to end the connection at once, without the closing handshake, where the container has a way (see {@link
     * WebSocketLink#aborter}), run {@code postmaster.outbound-abort-ms} after a close for not keeping up; null
     * elsewhere (Tomcat's one send at a time holds one frame per connection, see {@link #drain}).
     */
    private Runnable transportDropper() {
        Runnable abort = link.aborter(() -> IN_FLIGHT.get(this));
        if (abort == null) {
            return null;
        }
        return () -> {
            LOG.fine(() -> "dropping WebSocket " + link.id() + " from " + transport.peerAddress() + ": "
                    + IN_FLIGHT.get(this) + " frames still unwritten " + limits.abortMs() + " ms after its close ("
                    + OutboundLimits.ABORT_MS + ")");
            abort.run();
        };
    }

    /** One at a time: starts the next send unless one is in flight. */
    private void drain() {
        int[] depth = DEPTH.get();
        if (depth[0] >= MAX_INLINE_DEPTH) {
            executor.execute(this::drain);
            return;
        }
        depth[0]++;
        try {
            while (SENDING.compareAndSet(this, 0, 1)) {
                Object next = dropped ? null : queue.poll();
                if (next == null) {
                    sending = 0;
                    if (dropped || queue.isEmpty()) {
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
                    sending = 0;
                    continue;
                }
                try {
                    handOver((Pending) next);
                } catch (RuntimeException e) {
                    broken("send failed on", e); // 'sending' stays set
                }
                return; // the completion handler continues the chain
            }
        } finally {
            depth[0]--;
        }
    }

    private void handOver(Pending p) {
        IN_FLIGHT.incrementAndGet(this);
        IN_FLIGHT_BYTES.addAndGet(this, p.size);
        if (p.frame instanceof Frame.Text t) {
            link.sendText(t.text(), p);
        } else if (utf8Text) {
            link.sendUtf8Text(((Frame.Binary) p.frame).bytes(), p);
        } else {
            link.sendBinary(((Frame.Binary) p.frame).bytes(), p);
        }
    }

    private void sendPing() {
        try {
            link.sendPing();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ping failed on WebSocket " + link.id(), e); // the keepalive closes it in due time
        }
    }

    /** The container is done with {@code p}: it no longer counts, and the next may go. */
    private void written(Pending p, Throwable failure) {
        IN_FLIGHT.decrementAndGet(this);
        IN_FLIGHT_BYTES.addAndGet(this, -p.size);
        if (p.paced) {
            PACED.decrementAndGet(this);
            PACED_BYTES.addAndGet(this, -p.size);
        } else {
            QUEUED.decrementAndGet(this);
            QUEUED_BYTES.addAndGet(this, -p.size);
        }
        long before = HELD.getAndUpdate(this, h -> Math.max(0, h - p.size)); // nothing, once dropped
        budget.add(-Math.min(before, p.size));
        if (failure != null) {
            broken("send failed on", failure);
            return;
        }
        if (batched) {
            if (PENDING_CLOSE.get(this) != null) {
                if (IN_FLIGHT.get(this) == 0) {
                    closePending();
                }
            } else if (!queue.isEmpty()) {
                next(); // the window has room again
            }
            return;
        }
        sending = 0;
        drain();
    }

    private void closePending() {
        CloseMarker c = PENDING_CLOSE.getAndSet(this, null);
        if (c != null) {
            closeLater(c.code(), c.reason());
        }
    }

    /**
     * A close handshake that has not ended {@link #CLOSE_HANDSHAKE_MS} after our close, with nothing of ours left
     * unwritten, will not end where {@link WebSocketLink#closeMayStick} (Undertow: see {@link SessionLink}; a peer
     * that never answers our close frame, anywhere). The peer then waits for a close frame that never comes, or we
     * for its: dropping the connection ends the wait.
     */
    private void finishStuckClose() {
        if (IN_FLIGHT.get(this) == 0 && link.isOpen()) {
            LOG.fine(() -> "dropping WebSocket " + link.id() + " from " + transport.peerAddress()
                    + ": its close handshake did not end within " + CLOSE_HANDSHAKE_MS + " ms");
            link.forceClose();
        }
    }

    private void closeNow(int code, String reason) {
        if (!link.isOpen()) {
            return;
        }
        try {
            link.close(code, reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "close failed on WebSocket " + link.id(), e);
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
