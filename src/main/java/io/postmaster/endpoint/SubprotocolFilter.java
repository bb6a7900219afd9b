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
 * Refuses a WebSocket handshake on {@code /ws} that offers no subprotocol Postmaster speaks, with HTTP 400 before
 * the upgrade. JSR-356 itself would accept it with no subprotocol. Where the container upgrades before filters run
 * (Tyrus), {@link WampEndpoint} closes such a connection with 1002 instead.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class SubprotocolFilter extends HttpFilter {
    private static final Logger LOG = Logger.getLogger(SubprotocolFilter.class.getName());

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if ("websocket".equalsIgnoreCase(req.getHeader("Upgrade")) && !offersSupported(req)) {
            LOG.fine(() -> "WebSocket handshake from " + req.getRemoteAddr() + " refused: offered "
                    + req.getHeader("Sec-WebSocket-Protocol"));
            res.sendError(HttpServletResponse.SC_BAD_REQUEST,
                    "offer one of the WAMP subprotocols " + Serializers.subprotocols());
            return;
        }
        chain.doFilter(req, res);
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
