package io.postmaster.webwire;

import io.postmaster.adapter.BridgeSocket;
import io.postmaster.adapter.Bridges;
import io.postmaster.adapter.Outbound;
import io.postmaster.endpoint.MessageAssembler;
import io.postmaster.endpoint.PostmasterRuntime;
import io.postmaster.endpoint.Transports;
import io.postmaster.endpoint.WampConfigurator;
import io.postmaster.config.WebwireConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The webwire endpoint at the context root (webwire clients dial {@code ws://host:port/}): binary frames, no
 * subprotocol. One instance per connection; it only adapts JSR-356 to a {@link WebwireConnection} (its address's
 * count, outbound queue and keepalive are a {@link BridgeSocket}'s).
 */
@Dependent
@ServerEndpoint(value = "/", configurator = WampConfigurator.class)
public class WebwireEndpoint {
    private static final Logger LOG = Logger.getLogger(WebwireEndpoint.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);

    @Inject
    Router router;
    @Inject
    PostmasterRuntime runtime;
    @Inject
    WebwireService service;
    @Inject
    Bridges bridges;

    private WebwireConnection connection;
    private BridgeSocket socket;
    private Outbound outbound;
    private int maxFrame;

    @OnOpen
    public void open(Session ws) throws IOException {
        WebwireConfig cfg = router.config().webwire();
        if (!cfg.enabled() || service.shuttingDown()) {
            REFUSED.log(() -> "webwire connection " + ws.getId() + " refused: " + (cfg.enabled() ? "shutting down"
                    : "webwire is not served (" + WebwireConfig.REALM + ")"));
            ws.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "webwire is not served here"));
            return;
        }
        BridgeSocket s = BridgeSocket.open(ws, "webwire connection", runtime.openConnections(), bridges,
                router.config().connections(), cfg.maxOutbound(), router.config().outbound().queueBytes());
        if (s == null) {
            return;
        }
        socket = s;
        maxFrame = cfg.maxFrameBytes();
        boolean parts = MessageAssembler.takeOver(ws, MessageAssembler.Receiver.of(m -> text(ws, m), m -> binary(ws, m),
                () -> frameTooBig(ws)), 1024, maxFrame, this::pong);
        if (!parts) { // whole frames: the container takes them as large as they may be
            ws.setMaxBinaryMessageBufferSize(maxFrame);
            ws.setMaxTextMessageBufferSize(1024);
        }
        Outbound out = s.out();
        outbound = out;
        Peer.TransportInfo info = new Peer.TransportInfo(Transports.peerAddress(ws), "webwire",
                ws.isSecure());
        WebwireConnection c = new WebwireConnection(service, router, cfg.realm(), new WebwireConnection.Sink() {
            public void binary(byte[] frame) { out.binary(frame); }
            public void close(int code, String reason) { out.close(code, reason); }
        }, cfg, info);
        connection = c;
        c.start();
    }

    /** A pong (the answer to the keepalive's ping, or unsolicited): the peer is alive. */
    @OnMessage
    public void pong(PongMessage pong) {
        BridgeSocket s = socket;
        if (s != null) {
            s.heard();
        }
    }

    @OnMessage
    public void binary(Session ws, ByteBuffer data) {
        WebwireConnection c = connection;
        if (c == null) {
            return;
        }
        socket.heard();
        // Undertow enforces the buffer size set in open(); Tyrus only for fragmented messages: measured here too.
        if (data.remaining() > maxFrame) {
            frameTooBig(ws);
            return;
        }
        byte[] b = new byte[data.remaining()];
        data.get(b);
        try {
            c.onFrame(b);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "webwire connection " + ws.getId() + " failed; closing it", e);
            outbound.close(1011, "internal error");
        }
    }

    private void frameTooBig(Session ws) {
        REFUSED.log(() -> "webwire connection " + ws.getId() + " closed: frame larger than "
                + WebwireConfig.MAX_FRAME_BYTES);
        outbound.close(1009, "frame too big");
    }

    @OnMessage
    public void text(Session ws, String text) {
        if (outbound != null) {
            REFUSED.log(() -> "webwire connection " + ws.getId() + " closed: a text frame (webwire is binary)");
            outbound.close(1003, "webwire frames are binary");
        }
    }

    @OnClose
    public void close(Session ws, CloseReason reason) {
        BridgeSocket s = socket;
        if (s != null) {
            s.closed();
        }
        WebwireConnection c = connection;
        if (c != null) {
            c.onClose();
        }
    }

    @OnError
    public void error(Session ws, Throwable t) {
        LOG.log(Level.FINE, "webwire connection " + ws.getId() + " error", t);
    }
}
