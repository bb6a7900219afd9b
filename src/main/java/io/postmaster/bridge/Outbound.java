package io.postmaster.bridge;

import io.postmaster.logging.RateLimitedLog;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The frames on their way to one WebSocket, in order: at most {@code max} waiting, one async send in flight (the
 * most JSR-356 promises everywhere), the next chained from the completion handler. A client that does not read
 * until {@code max} frames wait is closed with 1008 and a logged reason, never silently skipped. Closing waits for
 * what was queued before; the container's close, which may block, runs on {@code closer}.
 *
 * <p>Thread-safe; {@link #text}, {@link #binary} and {@link #close} never block.
 */
public final class Outbound implements SendHandler {
    private static final Logger LOG = Logger.getLogger(Outbound.class.getName());
    private static final RateLimitedLog SLOW = new RateLimitedLog(LOG, Level.INFO);

    private final Session ws;
    private final int max;
    private final Executor closer;
    private final String what;
    private final ArrayDeque<Object> queue = new ArrayDeque<>(); // guarded by this: String or ByteBuffer
    private boolean sending;                                     // guarded by this
    private CloseReason closing;                                 // guarded by this: close once the queue is sent
    private boolean closed;                                      // guarded by this

    /**
     * @param what what the connection is, for the log (e.g. "webrocket connection")
     */
    public Outbound(Session ws, int max, Executor closer, String what) {
        this.ws = ws;
        this.max = max;
        this.closer = closer;
        this.what = what;
    }

    public void text(String frame) {
        enqueue(frame);
    }

    public void binary(byte[] frame) {
        enqueue(ByteBuffer.wrap(frame));
    }

    private void enqueue(Object frame) {
        synchronized (this) {
            if (closed || closing != null) {
                return;
            }
            if (queue.size() >= max) {
                SLOW.log(() -> what + " " + ws.getId() + " closed: " + max + " frames wait to be written to it (it"
                        + " does not read)");
                queue.clear();
                closing = new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not reading fast enough");
                if (!sending) {
                    closeNow();
                }
                return;
            }
            queue.add(frame);
            if (sending) {
                return;
            }
            sending = true;
        }
        sendNext();
    }

    /** Closes the WebSocket after what is queued has been sent. Idempotent. */
    public void close(int code, String reason) {
        synchronized (this) {
            if (closed || closing != null) {
                return;
            }
            closing = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason);
            if (sending) {
                return; // the completion handler closes when the queue is empty
            }
            closeNow();
        }
    }

    /** The transport is gone: nothing more is sent. */
    public synchronized void transportClosed() {
        closed = true;
        queue.clear();
    }

    private void sendNext() {
        Object next;
        synchronized (this) {
            next = queue.poll();
            if (next == null || closed) {
                sending = false;
                if (closing != null) {
                    closeNow();
                }
                return;
            }
        }
        try {
            if (next instanceof String s) {
                ws.getAsyncRemote().sendText(s, this);
            } else {
                ws.getAsyncRemote().sendBinary((ByteBuffer) next, this);
            }
        } catch (RuntimeException e) { // the connection is closing under us
            LOG.log(Level.FINE, what + " send failed", e);
            transportClosed();
        }
    }

    @Override
    public void onResult(SendResult result) {
        if (!result.isOK()) {
            LOG.log(Level.FINE, what + " send failed", result.getException());
            transportClosed();
            synchronized (this) {
                sending = false;
            }
            return;
        }
        sendNext();
    }

    /** Hold the monitor. */
    private void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        CloseReason reason = closing;
        try {
            closer.execute(() -> {
                try {
                    ws.close(reason);
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.FINE, "close failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, "close dropped: stopping", e);
        }
    }
}
