package io.postmaster.resumption;

import io.postmaster.endpoint.PostmasterRuntime;
import io.postmaster.endpoint.WampConfigurator;
import io.postmaster.endpoint.WampEndpoint;
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

/**
 * {@code /ws-resume}: an alias of {@code /ws} (which offers session resumption itself, see the package doc), kept
 * for the clients that dial it: the same transport, limits, keepalive and handshake checks, without WAMP v1. One
 * instance per connection, forwarding to a {@link WampEndpoint}.
 */
@Dependent
@ServerEndpoint(value = "/ws-resume",
        subprotocols = {JsonSerializer.SUBPROTOCOL, MsgpackSerializer.SUBPROTOCOL, CborSerializer.SUBPROTOCOL},
        configurator = WampConfigurator.class)
public class ResumableEndpoint {
    @Inject
    Router router;
    @Inject
    PostmasterRuntime runtime;
    @Inject
    Resumables registry;

    private WampEndpoint wamp;

    @OnOpen
    public void open(Session ws, EndpointConfig config) throws IOException {
        WampEndpoint w = WampEndpoint.alias(router, runtime, registry);
        wamp = w;
        w.open(ws, config);
    }

    @OnMessage
    public void pong(PongMessage pong) {
        wamp.pong(pong);
    }

    @OnMessage
    public void text(String text) {
        wamp.text(text);
    }

    @OnMessage
    public void binary(ByteBuffer data) {
        wamp.binary(data);
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
        }
    }
}
