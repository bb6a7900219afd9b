package io.postmaster.adapter;

import io.postmaster.endpoint.OpenConnections;
import io.postmaster.logging.RateLimitedLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sees the WebSocket handshakes of the seed-protocol endpoints before the container upgrades them: refuses one from
 * an address that already has {@code postmaster.max-connections-per-address} connections open (counted with those of
 * {@code /ws}) with HTTP 429, and hands the peer's address (which JSR-356 does not expose) to
 * {@link BridgeConfigurator} on the same thread, for the session's transport details and the login guard's
 * per-address limits. Subclasses register it on their paths.
 */
public abstract class BridgeFilter extends HttpFilter {
    private static final Logger LOG = Logger.getLogger(BridgeFilter.class.getName());
    private static final RateLimitedLog REFUSED_TOO_MANY = new RateLimitedLog(LOG, Level.WARNING);
    private static final ThreadLocal<String> PEER = new ThreadLocal<>();
    private static final ThreadLocal<String> HOST = new ThreadLocal<>();

    /** The peer of the handshake in progress on this thread ({@code host:port}), or null outside one. */
    static String handshakePeer() {
        return PEER.get();
    }

    /** Its host address alone, or null outside a handshake. */
    static String handshakeHost() {
        return HOST.get();
    }

    /** Passes the handshake on with the peer's address recorded, unless the address has too many connections. */
    protected static void handshake(HttpServletRequest req, HttpServletResponse res, FilterChain chain,
                                    OpenConnections open) throws IOException, ServletException {
        String host = req.getRemoteAddr();
        if (open != null && open.full(host)) {
            REFUSED_TOO_MANY.log(() -> "seed-protocol handshake from " + host + " refused: " + open.max()
                    + " connections from that address are open (postmaster.max-connections-per-address)");
            res.sendError(429, "too many connections from your address");
            return;
        }
        PEER.set(host != null && host.indexOf(':') >= 0 ? "[" + host + "]:" + req.getRemotePort()
                : host + ":" + req.getRemotePort());
        HOST.set(host);
        try {
            chain.doFilter(req, res);
        } finally {
            PEER.remove();
            HOST.remove();
        }
    }
}
