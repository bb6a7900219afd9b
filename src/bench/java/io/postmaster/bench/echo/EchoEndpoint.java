package io.postmaster.bench.echo;

import jakarta.websocket.OnMessage;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * The floor: what the server's WebSocket layer itself costs per message. One text message in, the same text out,
 * sent the way Postmaster sends (asynchronously, with a completion handler); no CDI, no JSON, no routing. A message
 * that arrives while the last echo is still being written waits for it (Tomcat allows one asynchronous send at a
 * time, as JSR-356 permits; the reply can overtake the send's completion).
 */
@ServerEndpoint(value = "/echo", subprotocols = "wamp.2.json")
public class EchoEndpoint {
    private final java.util.ArrayDeque<String> waiting = new java.util.ArrayDeque<>();
    private boolean sending;
    private Session session;

    @OnMessage
    public void onMessage(Session session, String text) {
        synchronized (this) {
            this.session = session;
            if (sending) {
                waiting.add(text);
                return;
            }
            sending = true;
        }
        session.getAsyncRemote().sendText(text, this::sent);
    }

    private void sent(SendResult result) {
        String next;
        synchronized (this) {
            next = waiting.poll();
            sending = next != null;
        }
        if (next != null) {
            session.getAsyncRemote().sendText(next, this::sent);
        }
    }
}
