package io.postmaster.webrocket;

import io.postmaster.adapter.BridgeSocket;
import io.postmaster.adapter.Bridges;
import io.postmaster.adapter.Outbound;
import io.postmaster.endpoint.MessageAssembler;
import io.postmaster.endpoint.PostmasterRuntime;
import io.postmaster.endpoint.Transports;
import io.postmaster.endpoint.WampConfigurator;
import io.postmaster.config.WebrocketConfig;
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
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The webrocket endpoint, {@code /webrocket/<realm>} for each realm in {@code postmaster.webrocket.realms}. Offers
 * the subprotocol {@code ws} that webrocket's own client asked for, and works without one. One instance per
 * connection; it only adapts JSR-356 to a {@link WebrocketConnection} (its address's count, outbound queue and
 * keepalive are a {@link BridgeSocket}'s).
 */
@Dependent
@ServerEndpoint(value = "/webrocket/{realm}", subprotocols = "ws", configurator = WampConfigurator.class)
public class WebrocketEndpoint {
    private static final Logger LOG = Logger.getLogger(WebrocketEndpoint.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);

    @Inject
    Router router;
    @Inject
    PostmasterRuntime runtime;
    @Inject
    Bridges bridges;
    @Inject
    ChannelDirectory directory;

    private WebrocketConnection connection;
    private BridgeSocket socket;
    private Outbound outbound;
    private int maxFrame;

    @OnOpen
    public void open(Session ws, @PathParam("realm") String realm) throws IOException {
        WebrocketConfig cfg = router.config().webrocket();
        if (!cfg.serves(realm) || router.realm(realm) == null) {
            REFUSED.log(() -> "webrocket connection " + ws.getId() + " refused: no webrocket on realm '"
                    + (realm.length() > 64 ? realm.substring(0, 64) + "…" : realm) + "' ("
                    + WebrocketConfig.REALMS + ")");
            ws.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "no webrocket on this realm"));
            return;
        }
        BridgeSocket s = BridgeSocket.open(ws, "webrocket connection", runtime.openConnections(), bridges,
                router.config().connections(), cfg.maxOutbound(), router.config().outbound().queueBytes());
        if (s == null) {
            return;
        }
        socket = s;
        maxFrame = cfg.maxFrameBytes();
        // The limit is measured in characters (below): gathered in parts, a frame of that many may take three
        // times as many UTF-8 bytes
        boolean parts = MessageAssembler.takeOver(ws, MessageAssembler.Receiver.of(m -> text(ws, m), m -> binary(ws, m),
                () -> frameTooBig(ws)), (int) Math.min(Integer.MAX_VALUE, 3L * maxFrame), 1024, this::pong);
        if (!parts) { // whole frames: the container takes them as large as they may be
            ws.setMaxTextMessageBufferSize(maxFrame);
            ws.setMaxBinaryMessageBufferSize(1024);
        }
        Outbound out = s.out();
        outbound = out;
        Peer.TransportInfo info = new Peer.TransportInfo(Transports.peerAddress(ws), "webrocket",
                ws.isSecure());
        connection = new WebrocketConnection(router, realm, new WebrocketConnection.Sink() {
            public void text(String frame) { out.text(frame); }
            public void close(int code, String reason) { out.close(code, reason); }
        }, bridges.executor(), directory, cfg, info);
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
    public void text(Session ws, String text) {
        WebrocketConnection c = connection;
        if (c == null) {
            return;
        }
        socket.heard();
        // Undertow enforces the buffer size set in open(); Tyrus only for fragmented messages: measured here too.
        if (text.length() > maxFrame) {
            frameTooBig(ws);
            return;
        }
        try {
            c.onText(text);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "webrocket connection " + ws.getId() + " failed; closing it", e);
            outbound.close(1011, "internal error");
        }
    }

    private void frameTooBig(Session ws) {
        REFUSED.log(() -> "webrocket connection " + ws.getId() + " closed: frame larger than "
                + WebrocketConfig.MAX_FRAME_BYTES);
        outbound.close(1009, "frame too big");
    }

    @OnMessage
    public void binary(Session ws, ByteBuffer data) {
        if (outbound != null) {
            REFUSED.log(() -> "webrocket connection " + ws.getId() + " closed: a binary frame (webrocket is JSON text)");
            outbound.close(1003, "webrocket frames are JSON text");
        }
    }

    @OnClose
    public void close(Session ws, CloseReason reason) {
        BridgeSocket s = socket;
        if (s != null) {
            s.closed();
        }
        WebrocketConnection c = connection;
        if (c != null) {
            c.onClose();
        }
    }

    @OnError
    public void error(Session ws, Throwable t) {
        LOG.log(Level.FINE, "webrocket connection " + ws.getId() + " error", t);
    }
}
