package io.postmaster.endpoint;

import io.postmaster.config.WebSocketPaths;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.serialization.Serializers;
import io.postmaster.v1.V1Gateway;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Enumeration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sees the WebSocket handshake on the WAMP path ({@code postmaster.websocket.path}, {@code /ws} by default, and its
 * alias, {@code /ws-resume}) and the admin console's {@code /admin/ws} before the container upgrades it (mapped to
 * them by {@link WebSocketEndpoints}, which registers the endpoints at the same paths):
 * <ul>
 * <li>refuses a handshake that offers no subprotocol Postmaster speaks (the WAMP v2 ones, and v1's {@code wamp} while
 * {@code postmaster.v1.enabled}), with HTTP 400 (JSR-356 itself would accept
 * it with no subprotocol);</li>
 * <li>refuses a handshake from an address that already has {@code postmaster.max-connections-per-address}
 * WebSocket connections open, with HTTP 429 (see {@link OpenConnections}; a handshake that slips past this check at
 * the same moment as others is closed with 1008 when it opens);</li>
 * <li>hands the peer's address, which JSR-356 does not expose, to {@link WampConfigurator#modifyHandshake} (see
 * {@link Transports});</li>
 * <li>authenticates BASIC credentials the handshake brings with the server's own login, and hands what the server
 * vouches for (principal, its mapped container roles, client certificate) on the same way, for authmethods
 * {@code container} and {@code tls} (see {@link ContainerLogins}).</li>
 * <li>on Undertow, lets the upgraded request go once the WebSocket is open (see {@link UpgradeRelease}).</li>
 * <li>on WildFly, hands a {@code /ws} handshake for WAMP v2 to Undertow's own WebSocket API instead of the
 * container's JSR-356 upgrade, after all of the above (see {@link NativeWebSockets},
 * {@code postmaster.undertow-native}).</li>
 * </ul>
 * The container's own upgrade runs inside {@code chain.doFilter}, on this thread. Checked on WildFly (Undertow),
 * Payara (Tyrus), TomEE (Tomcat) and Open Liberty: each runs this filter before its upgrade. Where a container
 * upgrades before filters run, {@link WampEndpoint} closes such a connection with 1002 instead and the address is
 * {@code "unknown"}.
 */
public class HandshakeFilter extends HttpFilter {
    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());
    private static final RateLimitedLog REFUSED_SUBPROTOCOL = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog REFUSED_TOO_MANY = new RateLimitedLog(LOG, Level.WARNING);
    /** The address of the peer whose handshake this thread is processing. */
    private static final ThreadLocal<String> PEER = new ThreadLocal<>();
    /** The same peer's host address alone. */
    private static final ThreadLocal<String> HOST = new ThreadLocal<>();
    /** What the server vouched for on the same handshake (see {@link ContainerLogins}). */
    private static final ThreadLocal<io.postmaster.router.Peer.ContainerLogin> LOGIN = new ThreadLocal<>();

    /** Null where the filter is built without it (unit tests): then no connection limit applies. */
    private final PostmasterRuntime runtime;

    /** A filter without the runtime: no connection limit, WAMP v1 served. */
    public HandshakeFilter() {
        this(null);
    }

    HandshakeFilter(PostmasterRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            chain.doFilter(req, res);
            return;
        }
        if (!offersSupported(req) && !offersV1(req, runtime == null || runtime.produceConfig().v1().enabled())) {
            REFUSED_SUBPROTOCOL.log(() -> "WebSocket handshake from " + req.getRemoteAddr() + " refused: offered "
                    + truncate(req.getHeader("Sec-WebSocket-Protocol")));
            res.sendError(HttpServletResponse.SC_BAD_REQUEST,
                    "offer one of the WAMP subprotocols " + Serializers.subprotocols());
            return;
        }
        admit(req, res, upgrade(req, chain), runtime == null ? null : runtime.openConnections(),
                runtime == null ? java.util.Set.of() : runtime.produceConfig().server().logins().containerRoles());
    }

    /** The router's own path ({@code postmaster.websocket.path}); its alias and the admin console's stay with JSR-356. */
    String wampPath() {
        return runtime == null ? WebSocketPaths.DEFAULT : runtime.produceConfig().websocket().path();
    }

    /** The server's own WebSocket API where it serves the WAMP path, or null. */
    NativeWebSockets nativeWebSockets() {
        return runtime == null ? null : runtime.nativeWebSockets();
    }

    /**
     * Where the handshake is upgraded once admitted: by the server's own WebSocket API where one serves the WAMP path
     * and takes this handshake, else by the container's JSR-356 upgrade further down the chain.
     */
    private FilterChain upgrade(HttpServletRequest req, FilterChain chain) {
        NativeWebSockets fast = nativeWebSockets();
        if (fast == null) {
            return chain;
        }
        String path = req.getPathInfo() == null ? req.getServletPath() : req.getServletPath() + req.getPathInfo();
        if (!wampPath().equals(path) || !fast.takes(req)) {
            return chain;
        }
        return (rq, rs) -> {
            if (!fast.upgrade((HttpServletRequest) rq, (HttpServletResponse) rs)) {
                chain.doFilter(rq, rs); // a WebSocket version Undertow core does not do: the JSR-356 layer may
            }
        };
    }

    /**
     * Passes a WebSocket handshake on to the container's upgrade with the peer's address recorded for
     * {@link WampConfigurator#modifyHandshake}, unless its address already has as many connections open as it may
     * (HTTP 429). Every WebSocket endpoint's filter ends here (the seed protocols' too, which check no WAMP
     * subprotocol).
     *
     * @param open the open connections, or null for no limit
     */
    public static void admit(HttpServletRequest req, HttpServletResponse res, FilterChain chain, OpenConnections open)
            throws IOException, ServletException {
        admit(req, res, chain, open, java.util.Set.of());
    }

    /**
     * {@link #admit(HttpServletRequest, HttpServletResponse, FilterChain, OpenConnections)}, recording which of
     * {@code containerRoles} the server's login of the handshake holds (for authmethod {@code container}).
     */
    static void admit(HttpServletRequest req, HttpServletResponse res, FilterChain chain, OpenConnections open,
                      java.util.Set<String> containerRoles) throws IOException, ServletException {
        if (open != null && open.full(req.getRemoteAddr())) {
            REFUSED_TOO_MANY.log(() -> "WebSocket handshake from " + req.getRemoteAddr() + " to "
                    + truncate(req.getRequestURI()) + " refused: " + open.max()
                    + " connections from that address are open (postmaster.max-connections-per-address)");
            res.sendError(TOO_MANY_REQUESTS, "too many connections from your address");
            return;
        }
        if (!ContainerLogins.authenticate(req, res)) {
            return; // the server refused the BASIC credentials the handshake brought: its 401 is sent
        }
        PEER.set(Transports.format(req.getRemoteAddr(), req.getRemotePort()));
        HOST.set(req.getRemoteAddr());
        LOGIN.set(ContainerLogins.of(req, containerRoles));
        try {
            chain.doFilter(req, res);
        } finally {
            PEER.remove();
            HOST.remove();
            LOGIN.remove();
        }
        UpgradeRelease.afterHandshake(req);
    }

    /** HTTP 429, which {@link HttpServletResponse} has no constant for. */
    static final int TOO_MANY_REQUESTS = 429;

    private static String truncate(String s) {
        return s == null || s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }

    /** Whether the handshake offers WAMP v1's {@code wamp} and v1 clients are served. */
    private static boolean offersV1(HttpServletRequest req, boolean enabled) {
        Enumeration<String> values = req.getHeaders("Sec-WebSocket-Protocol");
        while (enabled && values != null && values.hasMoreElements()) {
            for (String p : values.nextElement().split(",")) {
                if (V1Gateway.SUBPROTOCOL.equals(p.trim())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The peer of the handshake in progress on this thread, or null outside one. */
    static String handshakePeer() {
        return PEER.get();
    }

    /** What the server vouched for on the handshake in progress on this thread, or null outside one. */
    static io.postmaster.router.Peer.ContainerLogin handshakeLogin() {
        return LOGIN.get();
    }

    /** The peer's host address alone (no port), or null outside a handshake. */
    static String handshakeHost() {
        return HOST.get();
    }

    private static boolean offersSupported(HttpServletRequest req) {
        Enumeration<String> values = req.getHeaders("Sec-WebSocket-Protocol");
        while (values != null && values.hasMoreElements()) {
            for (String p : values.nextElement().split(",")) {
                if (Serializers.bySubprotocol(p.trim()).isPresent()) {
                    return true;
                }
            }
        }
        return false;
    }
}
