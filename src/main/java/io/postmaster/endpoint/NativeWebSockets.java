package io.postmaster.endpoint;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.router.Peer;
import io.postmaster.serialization.Serializer;
import io.postmaster.serialization.Serializers;
import io.postmaster.v1.V1Gateway;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * A server's own WebSocket API serving {@code /ws} in place of JSR-356, where one is known and enabled: on WildFly,
 * Undertow's ({@link UndertowWebSockets}, {@code postmaster.undertow-native}); elsewhere Postmaster's own framing over
 * the Servlet API's HTTP upgrade ({@link ServletUpgradeWebSockets}, {@code postmaster.servlet-upgrade}). The
 * connection it opens is served by the same {@link WampEndpoint} logic and {@link WebSocketPeer} queue as a JSR-356
 * one, through a {@link WebSocketLink}; the handshake passes {@link HandshakeFilter} first, as every other one does
 * (subprotocols, the per-address cap, the server's login).
 */
interface NativeWebSockets {

    /**
     * Whether this handshake is one to serve here: the subprotocol it would be given (the first it offers that the
     * router speaks) is a WAMP v2 one. WAMP v1's {@code wamp} stays with the JSR-356 endpoint.
     */
    boolean takes(HttpServletRequest req);

    /**
     * Whether a handshake offering {@code offered} (a {@code Sec-WebSocket-Protocol} value) is given a WAMP v2
     * subprotocol: the first it offers that the router speaks, in the client's order of preference, as
     * {@link WampConfigurator} negotiates; WAMP v1's {@code wamp} counts only while {@code v1Enabled}.
     */
    static boolean negotiatesV2(String offered, boolean v1Enabled) {
        if (offered == null) {
            return false;
        }
        for (String p : offered.split(",")) {
            String s = p.trim();
            if (Serializers.bySubprotocol(s).isPresent()) {
                return true;
            }
            if (v1Enabled && V1Gateway.SUBPROTOCOL.equals(s)) {
                return false;
            }
        }
        return false;
    }

    /**
     * Checks the origin (403 if not allowed), then completes the handshake and, once the server has upgraded the
     * connection, serves it. Runs where the container's own upgrade would (inside {@link HandshakeFilter#admit}, with
     * the handshake's address and login recorded there).
     *
     * @return false if the handshake is not one this API can complete (another WebSocket version): the JSR-356
     *         endpoint is to take it instead
     */
    boolean upgrade(HttpServletRequest req, HttpServletResponse res) throws IOException;

    /**
     * Refuses a handshake whose {@code Origin} the router does not allow (403, logged on {@code log}); true if it was
     * refused.
     */
    static boolean refusedOrigin(PostmasterConfig cfg, HttpServletRequest req, HttpServletResponse res,
                                 RateLimitedLog log) throws IOException {
        String origin = req.getHeader("Origin");
        if (cfg.originAllowed(origin)) {
            return false;
        }
        log.log(() -> "WebSocket handshake refused: origin " + (origin.length() <= 100 ? origin
                : origin.substring(0, 100) + "…") + " is not allowed");
        res.sendError(HttpServletResponse.SC_FORBIDDEN);
        return true;
    }

    /** Opens {@code link} for {@code endpoint} with the serializer of the negotiated {@code subprotocol}. */
    static void open(WampEndpoint endpoint, WebSocketLink link, String subprotocol, String host, String address,
                     Peer.ContainerLogin login, boolean secure) throws IOException {
        Serializer serializer = Serializers.bySubprotocol(subprotocol).orElse(null);
        if (serializer == null) { // the handshake offered only what takes() refused: cannot happen
            link.close(1002, "no supported WAMP subprotocol");
        } else {
            endpoint.opened(link, serializer, null, host, new Peer.TransportInfo(
                    address != null ? address : "unknown", serializer.subprotocol(), secure, "websocket", login));
        }
    }

    /** Connections open here now. */
    int open();

    /** The application stops: every connection still open is closed (1001) without waiting. */
    void close();
}
