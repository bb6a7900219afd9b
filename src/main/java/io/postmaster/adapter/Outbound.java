package io.postmaster.adapter;

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
 * The frames on their way to one WebSocket, in order: at most {@code max} frames and {@code maxBytes} bytes (text
 * counted in characters) waiting or in flight, one async send in flight (the most JSR-356 promises everywhere), the
 * next chained from the completion handler. A client that does not read until a bound is reached is closed with 1008
 * and a logged reason, never silently skipped; one frame alone is always accepted, whatever its size. Closing waits for
 * what was queued before; the container's close, which may block, runs on {@code closer}.
 *
 * <p>Thread-safe; {@link #text}, {@link #binary} and {@link #close} never block.
 */
public final class Outbound implements SendHandler {
    private static final Logger LOG = Logger.getLogger(Outbound.class.getName());
    private static final RateLimitedLog SLOW = new RateLimitedLog(LOG, Level.INFO);

    private final Session ws;
    private final int max;
    private final long maxBytes;
    private long bytes;                                          // guarded by this: queued and in flight
    private int inFlight;                                        // guarded by this: the size of the frame in flight
    private final Executor closer;
    private final String what;
    private final ArrayDeque<Object> queue = new ArrayDeque<>(); // guarded by this: String or ByteBuffer
    private boolean sending;                                     // guarded by this
    private CloseReason closing;                                 // guarded by this: close once the queue is sent
    private boolean closed;                                      // guarded by this

    /**
     * @param what what the connection is, for the log (e.g. "webrocket connection")
     */
    public Outbound(Session ws, int max, long maxBytes, Executor closer, String what) {
        this.ws = ws;
        this.max = max;
        this.maxBytes = maxBytes;
        this.closer = closer;
        this.what = what;
    }

    /** A WebSocket ping, sent in turn with the frames: never while another send of this connection is in flight. */
    private static final Object PING = new Object();

    public void text(String frame) {
        enqueue(frame);
    }

    /** Queues a WebSocket ping (the keepalive's); it counts as a frame, of no bytes. */
    public void ping() {
        enqueue(PING);
    }

    public void binary(byte[] frame) {
        enqueue(ByteBuffer.wrap(frame));
    }

    private void enqueue(Object frame) {
        synchronized (this) {
            if (closed || closing != null) {
                return;
            }
            int size = size(frame);
            if (queue.size() >= max || (bytes > 0 && bytes + size > maxBytes)) {
                SLOW.log(() -> what + " " + ws.getId() + " closed: " + queue.size() + " frames, " + bytes
                        + " bytes wait to be written to it (it does not read; postmaster.outbound-queue-bytes)");
                queue.clear();
                closing = new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not reading fast enough");
                if (!sending) {
                    closeNow();
                }
                return;
            }
            queue.add(frame);
            bytes += size;
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
        bytes = 0;
    }

    /**
     * Closes without waiting for what is queued or in flight: for a peer that no longer answers (the keepalive's
     * pings went unanswered), whose unfinished send may never complete. What is queued is dropped.
     */
    public void closeAtOnce(int code, String reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            queue.clear();
            closing = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason);
            closeNow();
        }
    }

    private static int size(Object frame) {
        return frame instanceof String s ? s.length() : frame instanceof ByteBuffer b ? b.remaining() : 0;
    }

    private void sendNext() {
        while (true) {
            Object next;
            synchronized (this) {
                bytes -= inFlight;
                inFlight = 0;
                next = queue.poll();
                if (next == null || closed) {
                    sending = false;
                    if (closing != null) {
                        closeNow();
                    }
                    return;
                }
                inFlight = size(next);
            }
            try {
                if (next == PING) {
                    ws.getAsyncRemote().sendPing(ByteBuffer.allocate(0)); // nothing in flight: it does not wait
                    continue;
                }
                if (next instanceof String s) {
                    ws.getAsyncRemote().sendText(s, this);
                } else {
                    ws.getAsyncRemote().sendBinary((ByteBuffer) next, this);
                }
            } catch (IOException | RuntimeException e) { // the connection is closing under us
                LOG.log(Level.FINE, what + " send failed", e);
                transportClosed();
            }
            return; // the completion handler goes on with the next
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
