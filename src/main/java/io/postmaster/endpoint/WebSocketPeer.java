package io.postmaster.endpoint;

import io.postmaster.router.Peer;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.Outgoing;
import io.postmaster.serialization.Serializer;
import jakarta.websocket.CloseReason;
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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket connection as the router sees it: a bounded FIFO of outbound messages with exactly one async send
 * in flight (JSR-356 allows no more), the next send chained from the completion handler.
 *
 * <p>A connection whose queue passes {@code postmaster.outbound-queue} messages cannot keep up: it is closed with
 * 1008 and a logged reason, its queue dropped. The publisher is never blocked and no other session is affected.
 * Closing happens on the executor, never on the thread that called {@link #send}, which may be routing under a
 * table lock (see {@link Peer}).
 */
final class WebSocketPeer implements Peer, SendHandler {
    private static final Logger LOG = Logger.getLogger(WebSocketPeer.class.getName());
    /** How deeply sends that complete synchronously may chain on one stack before the rest goes to the executor. */
    private static final int MAX_INLINE_DEPTH = 16;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private record CloseMarker(int code, String reason) {
    }

    private final Session ws;
    private final Serializer serializer;
    private final int limit;
    private final Executor executor;
    private final TransportInfo transport;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();

    WebSocketPeer(Session ws, Serializer serializer, int limit, Executor executor, TransportInfo transport) {
        this.ws = ws;
        this.serializer = serializer;
        this.limit = limit;
        this.executor = executor;
        this.transport = transport;
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
        drain();
    }

    @Override
    public void close(int code, String reason) {
        if (closing.compareAndSet(false, true)) {
            queue.offer(new CloseMarker(code, reason));
            drain();
        }
    }

    @Override
    public TransportInfo transport() {
        return transport;
    }

    private void overflow() {
        if (closing.compareAndSet(false, true)) {
            LOG.warning(() -> "closing WebSocket " + ws.getId() + " from " + transport.peerAddress()
                    + ": it cannot keep up, more than " + limit + " messages wait to be sent to it"
                    + " (postmaster.outbound-queue)");
            queue.clear();
            executor.execute(() -> closeNow(1008, "outbound queue full"));
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
                    closeNow(c.code(), c.reason()); // leaves 'sending' set: nothing goes out after a close
                    return;
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

    @Override
    public void onResult(SendResult result) {
        if (!result.isOK()) {
            LOG.log(Level.FINE, "send failed on WebSocket " + ws.getId(), result.getException());
            closing.set(true);
            queue.clear();
            executor.execute(() -> closeNow(1011, "send failed"));
            return;
        }
        sending.set(false);
        drain();
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
