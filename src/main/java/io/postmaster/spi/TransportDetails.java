package io.postmaster.spi;

import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * Facts about a session's transport.
 *
 * @param peerAddress    where the peer connects from ({@code host:port}), as the container reports it
 * @param subprotocol    the negotiated WebSocket subprotocol, e.g. {@code wamp.2.json}
 * @param secure         whether the transport is encrypted (wss://)
 * @param principal      the name of the principal the container authenticated on the WebSocket handshake (a
 *                       BASIC, FORM or other login of the web application), or null
 * @param principalRoles which of the container roles Postmaster's settings name the principal holds (the servlet API
 *                       can only test a role, not list them): what authmethod {@code container} maps to a realm role
 * @param certificate    the TLS client certificate the container verified on the handshake, or null
 */
public record TransportDetails(String peerAddress, String subprotocol, boolean secure, String principal,
                               Set<String> principalRoles, X509Certificate certificate) {

    public TransportDetails {
        principalRoles = principalRoles == null ? Set.of() : Set.copyOf(principalRoles);
    }

    /** A transport without a container login or client certificate. */
    public TransportDetails(String peerAddress, String subprotocol, boolean secure) {
        this(peerAddress, subprotocol, secure, null, Set.of(), null);
    }
}
