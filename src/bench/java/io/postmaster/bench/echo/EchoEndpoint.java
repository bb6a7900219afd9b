package io.postmaster.bench.echo;

import jakarta.websocket.OnMessage;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * The floor: what the server's WebSocket layer itself costs per message. One text message in, the same text out,
 * sent the way Postmaster sends (asynchronously, with a completion handler); no CDI, no JSON, no routing.
 */
@ServerEndpoint(value = "/echo", subprotocols = "wamp.2.json")
public class EchoEndpoint {
    private static final SendHandler IGNORE = result -> { };

    @OnMessage
    public void onMessage(Session session, String text) {
        session.getAsyncRemote().sendText(text, IGNORE);
    }
}
