package io.postmaster.bridge;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Sees the WebSocket handshakes of the seed-protocol endpoints before the container upgrades them, to hand the
 * peer's address (which JSR-356 does not expose) to {@link #handshakePeer()} on the same thread, for the session's
 * transport details and the login guard's per-address limits. Subclasses register it on their paths.
 */
public abstract class BridgeFilter extends HttpFilter {
    private static final ThreadLocal<String> PEER = new ThreadLocal<>();

    /** The peer of the handshake in progress on this thread, or null outside one. */
    public static String handshakePeer() {
        return PEER.get();
    }

    /** Passes the request on with the peer's address recorded for the handshake. */
    protected static void withPeer(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String host = req.getRemoteAddr();
        PEER.set(host != null && host.indexOf(':') >= 0 ? "[" + host + "]:" + req.getRemotePort()
                : host + ":" + req.getRemotePort());
        try {
            chain.doFilter(req, res);
        } finally {
            PEER.remove();
        }
    }
}
