package io.postmaster.endpoint;

import io.postmaster.serialization.Serializers;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Enumeration;
import java.util.logging.Logger;

/**
 * Sees the WebSocket handshake on {@code /ws} before the container upgrades it:
 * <ul>
 * <li>refuses a handshake that offers no subprotocol Postmaster speaks, with HTTP 400 (JSR-356 itself would accept
 * it with no subprotocol);</li>
 * <li>hands the peer's address, which JSR-356 does not expose, to {@link WampConfigurator#modifyHandshake} (see
 * {@link Transports}).</li>
 * </ul>
 * The container's own upgrade runs inside {@code chain.doFilter}, on this thread. Checked on WildFly (Undertow),
 * Payara (Tyrus), TomEE (Tomcat) and Open Liberty: each runs this filter before its upgrade. Where a container
 * upgrades before filters run, {@link WampEndpoint} closes such a connection with 1002 instead and the address is
 * {@code "unknown"}.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {
    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());
    /** The address of the peer whose handshake this thread is processing. */
    private static final ThreadLocal<String> PEER = new ThreadLocal<>();

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            chain.doFilter(req, res);
            return;
        }
        if (!offersSupported(req)) {
            LOG.fine(() -> "WebSocket handshake from " + req.getRemoteAddr() + " refused: offered "
                    + req.getHeader("Sec-WebSocket-Protocol"));
            res.sendError(HttpServletResponse.SC_BAD_REQUEST,
                    "offer one of the WAMP subprotocols " + Serializers.subprotocols());
            return;
        }
        PEER.set(Transports.format(req.getRemoteAddr(), req.getRemotePort()));
        try {
            chain.doFilter(req, res);
        } finally {
            PEER.remove();
        }
    }

    /** The peer of the handshake in progress on this thread, or null outside one. */
    static String handshakePeer() {
        return PEER.get();
    }

    private static boolean offersSupported(HttpServletRequest req) {
        Enumeration<String> values = req.getHeaders("Sec-WebSocket-Protocol");
        while (values != null && values.hasMoreElements()) {
            for (String p : values.nextElement().split(",")) {
                if (Serializers.forSubprotocol(p.trim()) != null) {
                    return true;
                }
            }
        }
        return false;
    }
}
