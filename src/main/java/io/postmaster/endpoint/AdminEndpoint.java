package io.postmaster.endpoint;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Router;
import io.postmaster.serialization.CborSerializer;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.MsgpackSerializer;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
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
 * The admin console's WebSocket at {@code /admin/ws}: the same WAMP transport as {@code /ws} (same limits, same
 * serializers, no WAMP v1), for users the container admitted (see {@link AdminConfigurator}), whose every HELLO is
 * made an admin HELLO (see {@link AdminSessions}). A connection without an admitted user — the console disabled, a
 * container that let the handshake through without the role, a foreign origin — is closed with 1008 before any
 * WAMP message.
 */
@Dependent
@ServerEndpoint(value = "/admin/ws",
        subprotocols = {JsonSerializer.SUBPROTOCOL, MsgpackSerializer.SUBPROTOCOL, CborSerializer.SUBPROTOCOL},
        configurator = AdminConfigurator.class)
public class AdminEndpoint {
    private static final Logger LOG = Logger.getLogger(AdminEndpoint.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.WARNING);

    @Inject
    Router router;

    @Inject
    PostmasterRuntime runtime;

    /** The /ws transport this connection runs on, with its HELLOs rewritten; null when refused. */
    private WampEndpoint wamp;

    @OnOpen
    public void open(Session ws, EndpointConfig config) throws IOException {
        String user = AdminConfigurator.admittedUser(ws);
        if (user == null || !router.config().admin().enabled()) {
            REFUSED.log(() -> "admin WebSocket " + ws.getId() + " from " + Transports.peerAddress(ws) + " closed: "
                    + (router.config().admin().enabled() ? "no user in role postmaster-admin, or a foreign origin"
                    : "the admin console is disabled (postmaster.admin.enabled)"));
            ws.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not an admin"));
            return;
        }
        WampEndpoint w = new WampEndpoint() {
            @Override
            WampMessage inbound(WampMessage m) {
                return AdminSessions.rewrite(m, user);
            }
        };
        w.router = router;
        w.runtime = runtime;
        wamp = w;
        LOG.info(() -> "admin WebSocket " + ws.getId() + " opened by " + user + " from " + Transports.peerAddress(ws));
        if (MessageAssembler.wanted(ws)) {
            // Tomcat: the transport's own handlers take messages in parts instead of the methods below, so that
            // Tomcat keeps no buffer of the largest message for the connection (see MessageAssembler)
            MessageAssembler.removeHandlers(ws);
            w.listen(ws);
        }
        w.open(ws, config);
    }

    @OnMessage
    public void pong(PongMessage pong) {
        WampEndpoint w = wamp;
        if (w != null) {
            w.pong(pong);
        }
    }

    @OnMessage
    public void text(String text) {
        WampEndpoint w = wamp;
        if (w != null) {
            w.text(text);
        }
    }

    @OnMessage
    public void binary(ByteBuffer data) {
        WampEndpoint w = wamp;
        if (w != null) {
            w.binary(data);
        }
    }

    @OnClose
    public void close(Session ws, CloseReason reason) {
        WampEndpoint w = wamp;
        if (w != null) {
            w.close(ws, reason);
        }
    }

    @OnError
    public void error(Session ws, Throwable t) {
        WampEndpoint w = wamp;
        if (w != null) {
            w.error(ws, t);
        } else {
            LOG.log(Level.FINE, "admin WebSocket " + ws.getId() + " error", t);
        }
    }
}
