package io.postmaster.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WAMP v1 peer that speaks raw frames (subprotocol {@code wamp}), for input no real v1 client sends. Frames are
 * compared as the router writes them: compact JSON.
 */
final class V1RawClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    /** "code reason" of the server's close. */
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private WebSocket ws;

    /** Connects to {@code uri} offering subprotocol {@code wamp}; the handshake must succeed. */
    static V1RawClient connect(URI uri) throws Exception {
        V1RawClient c = new V1RawClient();
        c.ws = HTTP.newWebSocketBuilder().subprotocols("wamp").buildAsync(uri, c).get(10, TimeUnit.SECONDS);
        return c;
    }

    String subprotocol() {
        return ws.getSubprotocol();
    }

    void send(String frame) throws Exception {
        ws.sendText(frame, true).get(10, TimeUnit.SECONDS);
    }

    /** The next frame, within 5 s. */
    String next() throws Exception {
        String f = frames.poll(5, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no frame within 5 s" + (closed.isDone() ? "; closed: " + closed.get() : ""));
        }
        return f;
    }

    /** The next frame if one comes within {@code ms}, else null. */
    String poll(long ms) throws InterruptedException {
        return frames.poll(ms, TimeUnit.MILLISECONDS);
    }

    /** The WELCOME's v1 session ID. */
    String welcome() throws Exception {
        String w = next();
        if (!w.startsWith("[0,\"") || !w.endsWith("\",1,\"Postmaster\"]")) {
            throw new AssertionError("not a v1 WELCOME: " + w);
        }
        return w.substring(4, w.indexOf('"', 4));
    }

    /** "code reason" of the server's close, within 5 s. */
    String awaitClose() throws Exception {
        return closed.get(5, TimeUnit.SECONDS);
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete("error " + error);
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }
        ws.abort();
    }
}
