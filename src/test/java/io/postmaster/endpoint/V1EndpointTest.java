package io.postmaster.endpoint;

import io.postmaster.message.WampMessage.Publish;
import io.postmaster.message.WampMessage.Published;
import io.postmaster.testing.WampTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Subprotocol {@code wamp} on the real endpoint (embedded Tyrus, Weld): negotiated, routed to the v1 adapter. */
class V1EndpointTest {

    @RegisterExtension
    static final EmbeddedServer SERVER = new EmbeddedServer(Map.of("postmaster.realms", "realm1,other"));

    /** A WebSocket client offering {@code wamp}, keeping text frames and the close. */
    static final class V1 implements WebSocket.Listener {
        final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        static V1 connect(URI uri) throws Exception {
            V1 c = new V1();
            c.ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("wamp").buildAsync(uri, c)
                    .get(10, TimeUnit.SECONDS);
            return c;
        }

        String next() throws InterruptedException {
            String f = frames.poll(5, TimeUnit.SECONDS);
            assertNotNull(f, "a frame within 5 s");
            return f;
        }

        public void onOpen(WebSocket w) {
            w.request(1);
        }

        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            w.request(1);
            return null;
        }

        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
        }

        public void onError(WebSocket w, Throwable error) {
            closed.complete("error " + error);
        }
    }

    @Test
    void wampIsNegotiatedAndBridgedToV2() throws Exception {
        V1 v1 = V1.connect(SERVER.uri());
        assertEquals("wamp", v1.ws.getSubprotocol());
        assertTrue(v1.next().matches("\\[0,\"[A-Za-z0-9]{16}\",1,\"Postmaster\"]"));
        v1.ws.sendText("[5,\"http://example.com/t#x\"]", true).get(5, TimeUnit.SECONDS);
        v1.ws.sendText("[2,\"b\",\"http://example.com/t#nothing\"]", true).get(5, TimeUnit.SECONDS);
        assertTrue(v1.next().startsWith("[4,\"b\","), "answered after the SUBSCRIBE was taken");
        try (WampTestClient v2 = WampTestClient.join(SERVER.uri(), "realm1")) {
            v2.send(new Publish(1, Map.of("acknowledge", true), "v1.http_3a._.example_2ecom.t_23x", List.of("hi"),
                    null));
            v2.next(Published.class);
        }
        assertEquals("[8,\"http://example.com/t#x\",\"hi\"]", v1.next());
        v1.ws.abort();
    }

    @Test
    void aBinaryFrameClosesWith1002() throws Exception {
        V1 v1 = V1.connect(SERVER.uri());
        v1.next();
        v1.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), true).get(5, TimeUnit.SECONDS);
        assertEquals("1002 binary frame on wamp", v1.closed.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aRealmNotOpenToV1ClientsIsRefused() throws Exception {
        V1 v1 = V1.connect(URI.create(SERVER.uri() + "?realm=other"));
        assertEquals("1008 realm not open to WAMP v1 clients", v1.closed.get(5, TimeUnit.SECONDS));
    }
}
