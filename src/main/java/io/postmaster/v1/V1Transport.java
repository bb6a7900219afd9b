package io.postmaster.v1;

import io.postmaster.router.Peer;

/**
 * The WebSocket under a v1 connection, as the endpoint provides it: the same bounded, ordered outbound queue as a v2
 * connection's. Every method is thread-safe and never blocks.
 */
public interface V1Transport {

    /** Queues one text frame, after everything queued before; a connection that cannot keep up is closed instead. */
    void send(String frame);

    /** Closes the WebSocket once everything queued before has been sent; {@code reason} at most 123 bytes. */
    void close(int code, String reason);

    /** Where the client connects from (subprotocol {@code wamp}). */
    Peer.TransportInfo info();
}
