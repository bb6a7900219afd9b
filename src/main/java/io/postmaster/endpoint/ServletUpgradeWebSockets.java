package io.postmaster.endpoint;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import io.postmaster.serialization.Serializer;
import io.postmaster.serialization.Serializers;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Enumeration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /ws} over the Servlet API's HTTP upgrade ({@code postmaster.servlet-upgrade}): Postmaster answers the
 * WebSocket handshake itself, takes the connection over with {@link HttpServletRequest#upgrade} and reads and writes
 * the RFC 6455 frames itself ({@link FramedLink}, {@link WebSocketFrames}) through the container's non-blocking
 * streams ({@link ServletUpgradeConnection}), without the container's JSR-356 layer. Portable: it needs only the
 * Servlet API. It pays where the JSR-356 layer costs more than the upgraded connection beneath it: on Open Liberty, a
 * bare upgrade echo moves about 1.4 times the messages per CPU-second of a bare JSR-356 echo (on Tomcat the two are
 * alike), see docs/tuning.md.
 *
 * <p>Everything else is shared with the other paths: {@link HandshakeFilter} admits the handshake (subprotocol, the
 * per-address cap, the server's login), {@link WampEndpoint} serves the connection, {@link WebSocketPeer} queues what
 * goes out, within the same bounds. The handshake it completes is what JSR-356 would complete: a GET asking for the
 * upgrade in its {@code Connection} header, version 13, a valid key (anything else goes on to the JSR-356 endpoint,
 * which answers it as it does), the origin checked (403),
 * the client's first WAMP v2 subprotocol chosen, no extension.
 */
final class ServletUpgradeWebSockets implements NativeWebSockets {
    private static final Logger LOG = Logger.getLogger(ServletUpgradeWebSockets.class.getName());
    private static final RateLimitedLog REFUSED_ORIGIN = new RateLimitedLog(LOG, Level.INFO);
    /** RFC 6455 section 1.3. */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Router router;
    private final PostmasterRuntime runtime;
    private final Supplier<SessionResumption> resumption;
    private final ScheduledExecutorService timers;
    /** Every connection open here, for the application's stop; each removes itself as it ends. */
    private final Set<FramedLink> framed = ConcurrentHashMap.newKeySet();

    ServletUpgradeWebSockets(Router router, PostmasterRuntime runtime, Supplier<SessionResumption> resumption,
                             ScheduledExecutorService timers) {
        this.router = router;
        this.runtime = runtime;
        this.resumption = resumption;
        this.timers = timers;
    }

    @Override
    public boolean takes(HttpServletRequest req) {
        return NativeWebSockets.negotiatesV2(offered(req), router.config().v1().enabled());
    }

    /** Every {@code Sec-WebSocket-Protocol} value, in order, as one list. */
    private static String offered(HttpServletRequest req) {
        Enumeration<String> values = req.getHeaders("Sec-WebSocket-Protocol");
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        StringBuilder all = new StringBuilder(values.nextElement());
        while (values.hasMoreElements()) {
            all.append(',').append(values.nextElement());
        }
        return all.toString();
    }

    @Override
    public boolean upgrade(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String key = req.getHeader("Sec-WebSocket-Key");
        if (!"GET".equals(req.getMethod()) || !"13".equals(trim(req.getHeader("Sec-WebSocket-Version")))
                || !validKey(key) || !asksForUpgrade(req.getHeaders("Connection"))) {
            return false;
        }
        if (NativeWebSockets.refusedOrigin(router.config(), req, res, REFUSED_ORIGIN)) {
            return true;
        }
        Serializer serializer = negotiate(offered(req));
        if (serializer == null) { // takes() said a WAMP v2 subprotocol would be chosen
            return false;
        }
        res.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        res.setHeader("Upgrade", "websocket");
        res.setHeader("Connection", "Upgrade");
        res.setHeader("Sec-WebSocket-Accept", accept(key));
        res.setHeader("Sec-WebSocket-Protocol", serializer.subprotocol());
        ServletUpgradeConnection connection;
        try {
            connection = req.upgrade(ServletUpgradeConnection.class);
        } catch (ServletException e) {
            throw new IOException("the container refused the upgrade", e);
        }
        // What HandshakeFilter recorded on this thread; the container opens the connection once this request ends.
        String address = HandshakeFilter.handshakePeer();
        connection.prepare(this, serializer, address, HandshakeFilter.handshakeHost(),
                HandshakeFilter.handshakeLogin(), req.isSecure());
        res.flushBuffer(); // Payara sends the 101 only when the response is flushed; the others once the request ends
        return true;
    }

    /**
     * The container has upgraded the connection ({@link ServletUpgradeConnection#init}): it is framed here and served
     * like every other WebSocket.
     */
    void open(ServletUpgradeConnection connection, Serializer serializer, String address, String host,
              Peer.ContainerLogin login, boolean secure) {
        PostmasterConfig cfg = router.config();
        FramedLink link = new FramedLink(connection, address, cfg.maxMessageSize(), cfg.outbound().abortMs(), framed);
        connection.listenTo(link);
        link.serve(WampEndpoint.of(router, runtime, null, resumption.get()), // WAMP v2 only: no v1
                serializer.subprotocol(), host, login, secure);
    }

    /** Where a connection's timers run: the router's scheduler. */
    ScheduledExecutorService timers() {
        return timers;
    }

    /** The client's first offer that is a WAMP v2 subprotocol, as {@link WampConfigurator} chooses; else null. */
    static Serializer negotiate(String offered) {
        if (offered == null) {
            return null;
        }
        for (String p : offered.split(",")) {
            Serializer s = Serializers.bySubprotocol(p.trim()).orElse(null);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    /** RFC 6455 section 4.2.1: a {@code Connection} header whose tokens include {@code Upgrade}. */
    static boolean asksForUpgrade(Enumeration<String> connection) {
        while (connection != null && connection.hasMoreElements()) {
            for (String token : connection.nextElement().split(",")) {
                if (token.trim().equalsIgnoreCase("upgrade")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** RFC 6455 section 4.2.1: a base64 value that decodes to 16 octets. */
    static boolean validKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code Sec-WebSocket-Accept} for {@code key} (RFC 6455 section 4.2.2). */
    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(
                    sha1.digest((key.trim() + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    @Override
    public int open() {
        return framed.size();
    }

    @Override
    public void close() {
        for (FramedLink f : framed) {
            f.close(1001, "server stopping");
        }
    }
}
