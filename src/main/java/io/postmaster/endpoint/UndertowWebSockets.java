package io.postmaster.endpoint;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import io.postmaster.serialization.Serializers;
import io.undertow.server.ServerConnection;
import io.undertow.servlet.handlers.ServletRequestContext;
import io.undertow.servlet.websockets.ServletWebSocketHttpExchange;
import io.undertow.util.Headers;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.core.protocol.Handshake;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.xnio.IoUtils;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /ws} on Undertow's own WebSocket API (WildFly): the handshake with Undertow core's {@link Hybi13Handshake},
 * the connection served by a receive listener on its {@link WebSocketChannel} and written through
 * {@link UndertowLink}, without Undertow's JSR-356 layer (its session, endpoint wrapper, frame handler and per-send
 * handler objects, which a message passes through twice in each direction). Everything else is shared with the
 * JSR-356 path: {@link HandshakeFilter} admits the handshake (subprotocol, per-address cap, the server's login),
 * {@link WampEndpoint} serves the connection (counting, keepalive, resumption, metrics, closing) and
 * {@link WebSocketPeer} queues and batches what goes out, within the same bounds.
 *
 * <p>Messages arrive on the channel's XNIO I/O thread, whatever {@code dispatch-to-worker} says (that setting is the
 * JSR-356 layer's), one at a time per connection, as the endpoint requires; a message larger than
 * {@code postmaster.max-message-size} is refused by Undertow with 1009, as under JSR-356.
 *
 * <p>With {@code postmaster.own-framing} on (the default) the WebSocket channel is left out too: once Undertow has written
 * the handshake's response, the upgraded TCP connection is handed to {@link FramedLink}, which reads and writes the
 * RFC 6455 frames itself on XNIO's I/O thread ({@link XnioTransport}, {@link WebSocketFrames}).
 *
 * <p>Loaded only on Undertow (see {@link PostmasterRuntime}): the WAR compiles against Undertow and XNIO but carries
 * neither; WildFly gives the deployment their modules (WEB-INF/jboss-deployment-structure.xml).
 */
final class UndertowWebSockets implements NativeWebSockets {
    private static final Logger LOG = Logger.getLogger(UndertowWebSockets.class.getName());
    private static final RateLimitedLog REFUSED_ORIGIN = new RateLimitedLog(LOG, Level.INFO);

    private final Router router;
    private final PostmasterRuntime runtime;
    private final Supplier<SessionResumption> resumption;
    private final Handshake handshake;
    /** Every channel open here, for the application's stop; Undertow removes a channel as it closes. */
    private final Set<WebSocketChannel> channels = ConcurrentHashMap.newKeySet();
    /** The same for the connections framed here ({@code postmaster.own-framing}); each removes itself as it ends. */
    private final Set<FramedLink> framed = ConcurrentHashMap.newKeySet();

    private UndertowWebSockets(Router router, PostmasterRuntime runtime, Supplier<SessionResumption> resumption) {
        this.router = router;
        this.runtime = runtime;
        this.resumption = resumption;
        this.handshake = new Hybi13Handshake(new LinkedHashSet<>(Serializers.subprotocols()), false);
    }

    /** Called only where Undertow's classes are visible to the application. */
    static NativeWebSockets create(Router router, PostmasterRuntime runtime, Supplier<SessionResumption> resumption) {
        return new UndertowWebSockets(router, runtime, resumption);
    }

    @Override
    public boolean takes(HttpServletRequest req) {
        // As Undertow's handshake reads it: the first header
        return NativeWebSockets.negotiatesV2(req.getHeader("Sec-WebSocket-Protocol"), router.config().v1().enabled());
    }

    @Override
    public boolean upgrade(HttpServletRequest req, HttpServletResponse res) throws IOException {
        ServletWebSocketHttpExchange facade = new ServletWebSocketHttpExchange(req, res, channels);
        if (!handshake.matches(facade)) {
            return false;
        }
        PostmasterConfig cfg = router.config();
        if (NativeWebSockets.refusedOrigin(cfg, req, res, REFUSED_ORIGIN)) {
            return true;
        }
        // What HandshakeFilter recorded on this thread; the upgrade itself completes on the I/O thread.
        String address = HandshakeFilter.handshakePeer();
        String host = HandshakeFilter.handshakeHost();
        Peer.ContainerLogin login = HandshakeFilter.handshakeLogin();
        boolean secure = req.isSecure();
        if (cfg.ownFraming().enabled()) {
            // Undertow writes the response the handshake sets up (101, Sec-WebSocket-Accept, the subprotocol it chose;
            // no extension: none is offered), then hands over the TCP connection: the frames on it are ours, and the
            // HTTP connection's parser and writers are let go.
            ServletRequestContext current = ServletRequestContext.current();
            ServerConnection http = current == null ? null : current.getExchange().getConnection();
            facade.upgradeChannel((connection, exchange) -> {
                HttpConnectionRelease.release(http);
                XnioTransport transport = new XnioTransport(connection);
                FramedLink link = new FramedLink(transport, address, cfg.maxMessageSize(),
                        cfg.outbound().abortMs(), framed);
                transport.listenTo(link);
                link.serve(WampEndpoint.of(router, runtime, null, resumption.get()), // WAMP v2 only: no v1
                        exchange.getResponseHeaders().getFirst(Headers.SEC_WEB_SOCKET_PROTOCOL), host, login, secure);
            });
        } else {
            facade.upgradeChannel((connection, exchange) -> {
                WebSocketChannel channel = handshake.createChannel(facade, connection, facade.getBufferPool());
                channels.add(channel);
                serve(channel, address, host, login, secure);
            });
        }
        handshake.handshake(facade);
        return true;
    }

    /**
     * Runs on the channel's I/O thread, once the server has written the handshake's response, with the application's
     * class loader as the thread's context loader (as Undertow's JSR-356 layer sets it around every endpoint call).
     */
    private void serve(WebSocketChannel channel, String address, String host, Peer.ContainerLogin login,
                       boolean secure) {
        UndertowLink link = new UndertowLink(channel);
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(ApplicationLoader.LOADER);
        try {
            WampEndpoint endpoint = WampEndpoint.of(router, runtime, null, resumption.get()); // WAMP v2 only: no v1
            channel.addCloseTask(c -> ApplicationLoader.run(endpoint::closed));
            link.onClosing(endpoint::closed);
            NativeWebSockets.open(endpoint, link, channel.getSubProtocol(), host, address, login, secure);
            channel.getReceiveSetter().set(new UndertowReceiver(endpoint, link, router.config().maxMessageSize()));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "WebSocket " + link.id() + " from " + address + " could not be set up; dropping it",
                    e);
            IoUtils.safeClose(channel);
            return;
        } finally {
            t.setContextClassLoader(before);
        }
        channel.resumeReceives();
    }

    @Override
    public int open() {
        return channels.size() + framed.size();
    }

    @Override
    public void close() {
        for (WebSocketChannel c : channels) {
            if (c.isOpen() && !c.isCloseFrameSent()) {
                WebSockets.sendClose(1001, "server stopping", c, null);
            }
        }
        for (FramedLink f : framed) {
            f.close(1001, "server stopping");
        }
    }
}
