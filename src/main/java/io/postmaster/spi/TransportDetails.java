package io.postmaster.spi;

/**
 * Facts about a session's transport.
 *
 * @param peerAddress where the peer connects from ({@code host:port}), as the container reports it
 * @param subprotocol the negotiated WebSocket subprotocol, e.g. {@code wamp.2.json}
 * @param secure      whether the transport is encrypted (wss://)
 */
public record TransportDetails(String peerAddress, String subprotocol, boolean secure) {
}
