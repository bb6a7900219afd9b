package io.postmaster.endpoint;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;

import java.io.IOException;
import java.util.function.IntSupplier;

/**
 * One WebSocket connection as {@link WebSocketPeer} writes to it, whatever serves it: the container's JSR-356 session
 * ({@link SessionLink}, every server), Undertow's own channel ({@link UndertowLink}, WildFly's fast path for
 * {@code /ws}) or Postmaster's own framing on Undertow's upgraded connection ({@link FramedLink},
 * {@code postmaster.own-framing}). The peer's queue, bounds, batching and closing rules are the same on all; only
 * these calls differ.
 *
 * <p>Threading: every method may be called from any thread; none blocks except {@link #close} (a container's close
 * may write synchronously), which the peer runs only on its close executor.
 */
interface WebSocketLink {

    /** Told when the container is done with a frame: written (null) or failed. */
    interface Sent extends SendHandler {
        void sent(Throwable failure);

        @Override
        default void onResult(SendResult result) {
            sent(result.isOK() ? null : result.getException());
        }
    }

    /** The connection's name in log lines. */
    String id();

    boolean isOpen();

    /**
     * Whether the container queues any number of frames per connection and writes all frames queued between
     * {@link #startBatch} and {@link #endBatch} at once (Undertow): the peer's batched mode relies on it.
     */
    boolean batching();

    /** Frames sent from now on wait for {@link #endBatch}. */
    void startBatch() throws IOException;

    /**
     * Batching off first, then the flush: the container's own frames for this connection (a pong, the reply to the
     * peer's close) may be queued by its I/O thread at any moment, and one queued after the flush but while batching
     * was still on would wait for a flush that may never come.
     */
    void endBatch() throws IOException;

    void sendText(String text, Sent done);

    /**
     * Whether this link writes a text frame from its UTF-8 octets as cheaply as from a string
     * ({@link #sendUtf8Text}): then JSON goes to it encoded as octets, never as a string first.
     */
    default boolean utf8Text() {
        return false;
    }

    /** A text frame given as its UTF-8 octets. */
    default void sendUtf8Text(byte[] utf8, Sent done) {
        sendText(new String(utf8, java.nio.charset.StandardCharsets.UTF_8), done);
    }

    void sendBinary(byte[] bytes, Sent done);

    /** An empty ping, in turn with the frames. */
    void sendPing() throws IOException;

    /** Starts the closing handshake, unless the connection is closed already. May block. */
    void close(int code, String reason) throws IOException;

    /**
     * How to end the connection at once, without the closing handshake, where the container has a way (JSR-356 has
     * none), found before the close is asked for; null elsewhere. Run {@code postmaster.outbound-abort-ms} after a
     * close for not keeping up; {@code unwritten} says how many frames the container still holds.
     */
    Runnable aborter(IntSupplier unwritten);

    /**
     * Whether a closing handshake may hang with nothing left to write, so that the peer drops the connection
     * ({@link #forceClose}) when it has not ended {@link WebSocketPeer#CLOSE_HANDSHAKE_MS} after its close.
     */
    boolean closeMayStick();

    /** Drops the connection without the closing handshake, where the container can (else nothing happens). */
    void forceClose();

    /** An {@link #aborter} for a link that can {@link #forceClose}: drops it if frames are still unwritten. */
    static Runnable dropIfUnwritten(WebSocketLink link, IntSupplier unwritten) {
        return () -> {
            if (unwritten.getAsInt() > 0) {
                link.forceClose();
            }
        };
    }
}
