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
     * ({@code websocket}, {@code rawsocket}); {@code login} what the container authenticated on the handshake
     * ({@link ContainerLogin#NONE} when nothing).
     */
    record TransportInfo(String peerAddress, String subprotocol, boolean secure, String type, ContainerLogin login) {
        public TransportInfo {
            login = login == null ? ContainerLogin.NONE : login;
        }

        /** A transport of {@code type} without a container login. */
        public TransportInfo(String peerAddress, String subprotocol, boolean secure, String type) {
            this(peerAddress, subprotocol, secure, type, ContainerLogin.NONE);
        }

        /** A WebSocket transport. */
        public TransportInfo(String peerAddress, String subprotocol, boolean secure) {
            this(peerAddress, subprotocol, secure, "websocket");
        }

        /** An unencrypted WebSocket transport. */
        public TransportInfo(String peerAddress, String subprotocol) {
            this(peerAddress, subprotocol, false);
        }
    }

    /**
     * What the container vouched for when the transport opened: the principal of the web application's login (and
     * which of the container roles the settings name it holds), the TLS client certificate it verified.
     *
     * @param principal   the principal's name, or null
     * @param roles       the named container roles the principal holds
     * @param certificate the verified client certificate, or null
     */
    record ContainerLogin(String principal, java.util.Set<String> roles,
                          java.security.cert.X509Certificate certificate) {
        /** Nothing vouched for. */
        public static final ContainerLogin NONE = new ContainerLogin(null, java.util.Set.of(), null);

        public ContainerLogin {
            roles = roles == null ? java.util.Set.of() : java.util.Set.copyOf(roles);
        }
    }
}
