package io.postmaster.router;

import io.postmaster.message.WampMessage;
import io.postmaster.serialization.Outgoing;

/**
 * The router's view of one transport (one WebSocket connection). Implemented by the endpoint, and by an in-memory
 * peer in tests.
 *
 * <p>Contract: every method is thread-safe, never blocks and never calls back into the router on the calling
 * thread (a close caused by a full queue is carried out asynchronously), so the router may call it while routing,
 * even under its table locks.
 */
public interface Peer {

    /**
     * Queues a message for sending, after everything queued before. If the queue is full, the peer is closed with a
     * logged reason instead: a session is never silently skipped while connected.
     */
    void send(Outgoing message);

    /**
     * Queues a message the router produced on its own, as part of a burst whose size the per-session caps of the
     * sessions that caused it bound (the errors for every pending call of a callee that left, the testaments and meta
     * events of a session that left, calls that expired): delivered to a peer that reads, paced as it reads, and not
     * counted against the limits that judge a slow consumer (only against a larger bound of its own). By default,
     * the same as {@link #send(Outgoing)}.
     */
    default void sendPaced(Outgoing message) {
        send(message);
    }

    /** Queues a single message. */
    default void send(WampMessage message) {
        send(new Outgoing(message));
    }

    /**
     * Closes the transport once everything queued before has been sent.
     *
     * @param code   a WebSocket close code (1000 normal, 1002 protocol error, 1008 policy, 1011 internal error)
     * @param reason a short reason for the close frame and the log
     */
    void close(int code, String reason);

    /** Messages waiting to be written to the transport (for the metrics; read without a lock, so approximate). */
    default int queued() {
        return 0;
    }

    /** Where the peer connects from and how, for logs, meta events and authentication. */
    TransportInfo transport();

    /**
     * Facts about the transport; {@code secure} when it is encrypted (wss://); {@code type} as the meta API names it
     * ({@code websocket}, {@code rawsocket}).
     */
    record TransportInfo(String peerAddress, String subprotocol, boolean secure, String type) {
        /** A WebSocket transport. */
        public TransportInfo(String peerAddress, String subprotocol, boolean secure) {
            this(peerAddress, subprotocol, secure, "websocket");
        }

        /** An unencrypted WebSocket transport. */
        public TransportInfo(String peerAddress, String subprotocol) {
            this(peerAddress, subprotocol, false);
        }
    }
}
