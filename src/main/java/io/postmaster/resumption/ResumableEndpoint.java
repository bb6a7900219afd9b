package io.postmaster.resumption;

import io.postmaster.adapter.BridgeConfigurator;
import io.postmaster.adapter.Bridges;
import io.postmaster.adapter.Outbound;
import io.postmaster.endpoint.OpenConnections;
import io.postmaster.endpoint.PostmasterRuntime;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import io.postmaster.serialization.CborSerializer;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.serialization.MsgpackSerializer;
import io.postmaster.serialization.Serializer;
import io.postmaster.serialization.Serializers;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /ws-resume}: WAMP with session resumption (see the package doc). One instance per transport; the session it
 * carries ({@link Resumable}) may move on to a later transport.
 */
@Dependent
@ServerEndpoint(value = "/ws-resume",
        subprotocols = {JsonSerializer.SUBPROTOCOL, MsgpackSerializer.SUBPROTOCOL, CborSerializer.SUBPROTOCOL},
        configurator = BridgeConfigurator.class)
public class ResumableEndpoint implements Resumable.Transport {
    private static final Logger LOG = Logger.getLogger(ResumableEndpoint.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);

    @Inject
    Router router;
    @Inject
    Resumables registry;
    @Inject
    Bridges bridges;
    @Inject
    PostmasterRuntime runtime;

    private Serializer serializer;
    private Outbound outbound;
    private Peer.TransportInfo info;
    private volatile Resumable session;
    private String countedAs;
    private int maxMessageSize;

    @OnOpen
    public void open(Session ws) throws IOException {
        serializer = Serializers.bySubprotocol(ws.getNegotiatedSubprotocol()).orElse(null);
        if (serializer == null) {
            REFUSED.log(() -> "WebSocket " + ws.getId() + " on /ws-resume refused: no WAMP subprotocol");
            ws.close(new CloseReason(CloseReason.CloseCodes.PROTOCOL_ERROR, "no supported WAMP subprotocol"));
            return;
        }
        String host = BridgeConfigurator.peerHost(ws);
        OpenConnections open = runtime.openConnections();
        if (!open.opened(host)) {
            REFUSED.log(() -> "WebSocket " + ws.getId() + " on /ws-resume from " + host + " closed: " + open.max()
                    + " connections from that address are open (postmaster.max-connections-per-address)");
            ws.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "too many connections from your address"));
            return;
        }
        countedAs = host;
        maxMessageSize = router.config().maxMessageSize();
        ws.setMaxTextMessageBufferSize(maxMessageSize);
        ws.setMaxBinaryMessageBufferSize(maxMessageSize);
        outbound = new Outbound(ws, router.config().outboundQueueLimit(),
                router.config().outbound().queueBytes(), bridges.closer(), "WAMP (resumable)");
        info = new Peer.TransportInfo(BridgeConfigurator.peerAddress(ws), serializer.subprotocol(), ws.isSecure());
    }

    @OnMessage
    public void text(String text) {
        if (outbound == null) {
            return;
        }
        if (serializer.binary() || text.length() > maxMessageSize) {
            onMessage(null, serializer.binary() ? "text frame on a binary subprotocol" : null);
            return;
        }
        try {
            onMessage(serializer.decode(text), null);
        } catch (MalformedMessageException e) {
            onMessage(null, e.getMessage());
        }
    }

    @OnMessage
    public void binary(ByteBuffer data) {
        if (outbound == null) {
            return;
        }
        if (!serializer.binary() || data.remaining() > maxMessageSize) {
            onMessage(null, !serializer.binary() ? "binary frame on " + serializer.subprotocol() : null);
            return;
        }
        byte[] b = new byte[data.remaining()];
        data.get(b);
        try {
            onMessage(serializer.decode(b, 0, b.length), null);
        } catch (MalformedMessageException e) {
            onMessage(null, e.getMessage());
        }
    }

    /** A message, or (null) a malformed frame with why, or (both null) one too big. */
    private void onMessage(WampMessage m, String malformed) {
        Resumable s = session;
        if (m == null && malformed == null) {
            REFUSED.log(() -> "closing a /ws-resume connection: message larger than postmaster.max-message-size");
            outbound.close(1009, "message too big");
            return;
        }
        if (s == null) {
            if (m instanceof WampMessage.Hello h) {
                session = registry.open(h, this, info);
            } else {
                REFUSED.log(() -> "closing a /ws-resume connection: " + (m == null ? malformed
                        : "expected HELLO, got " + m.type()));
                outbound.close(1002, "protocol violation");
            }
            return;
        }
        if (m == null) {
            s.malformed(this, malformed);
        } else {
            s.forward(this, m);
        }
    }

    @Override
    public Frame encode(WampMessage m) {
        return serializer.encode(m);
    }

    @Override
    public void send(Frame f) {
        if (f instanceof Frame.Text t) {
            outbound.text(t.text());
        } else {
            outbound.binary(((Frame.Binary) f).bytes());
        }
    }

    @Override
    public void close(int code, String reason) {
        outbound.close(code, reason);
    }

    @OnClose
    public void close(Session ws, CloseReason reason) {
        String counted = countedAs;
        if (counted != null) {
            countedAs = null;
            runtime.openConnections().closed(counted);
        }
        Outbound out = outbound;
        if (out != null) {
            out.transportClosed();
        }
        Resumable s = session;
        if (s != null) {
            s.transportClosed(this);
        }
    }

    @OnError
    public void error(Session ws, Throwable t) {
        LOG.log(Level.FINE, "/ws-resume connection " + ws.getId() + " error", t);
    }
}
