package io.postmaster.testing;

import io.postmaster.message.WampMessage;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.serialization.Serializer;
import io.postmaster.serialization.Serializers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately raw WAMP client on the JDK's WebSocket: it sends whatever text or bytes a test gives it (bad
 * input included) and collects what the router answers and how the connection closed. Messages are encoded and
 * decoded with the serializer of the negotiated subprotocol (JSON if none).
 */
public final class WampTestClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonSerializer JSON = new JsonSerializer();

    public static final Map<String, Object> ROLES = Map.of("roles",
            Map.of("publisher", Map.of(), "subscriber", Map.of(), "caller", Map.of(), "callee", Map.of()));

    /** Whole frames received: a String (text) or a byte[] (binary). */
    private final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final ByteArrayOutputStream partialBytes = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final boolean reading;
    private WebSocket ws;

    private WampTestClient(boolean reading) {
        this.reading = reading;
    }

    /** Connects offering the given subprotocols (none if empty). */
    public static WampTestClient connect(URI uri, String... subprotocols) throws Exception {
        return connect(uri, true, subprotocols);
    }

    /** Connects offering {@code subprotocol}, with extra handshake headers (e.g. {@code Authorization}). */
    public static WampTestClient connect(URI uri, Map<String, String> headers, String subprotocol) throws Exception {
        WampTestClient c = new WampTestClient(true);
        WebSocket.Builder b = HTTP.newWebSocketBuilder().subprotocols(subprotocol);
        headers.forEach(b::header);
        c.ws = b.buildAsync(uri, c).get(10, TimeUnit.SECONDS);
        return c;
    }

    /** Connects; a client with {@code reading == false} never reads, like a peer that cannot keep up. */
    public static WampTestClient connect(URI uri, boolean reading, String... subprotocols) throws Exception {
        WampTestClient c = new WampTestClient(reading);
        WebSocket.Builder b = HTTP.newWebSocketBuilder();
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        c.ws = b.buildAsync(uri, c).get(10, TimeUnit.SECONDS);
        return c;
    }

    /** Connects with {@code wamp.2.json} and joins {@code realm}. */
    public static WampTestClient join(URI uri, String realm) throws Exception {
        return join(uri, realm, JsonSerializer.SUBPROTOCOL);
    }

    /** Connects with {@code subprotocol} and joins {@code realm}. */
    public static WampTestClient join(URI uri, String realm, String subprotocol) throws Exception {
        WampTestClient c = connect(uri, subprotocol);
        c.send(new WampMessage.Hello(realm, ROLES));
        c.next(WampMessage.Welcome.class);
        return c;
    }

    /** The serializer of the negotiated subprotocol, JSON if there is none. */
    public Serializer serializer() {
        return Serializers.bySubprotocol(subprotocol()).orElse(JSON);
    }

    public String subprotocol() {
        return ws.getSubprotocol();
    }

    public void send(WampMessage m) throws Exception {
        Frame f = serializer().encode(m);
        if (f instanceof Frame.Text t) {
            sendText(t.text());
        } else {
            sendBinary(((Frame.Binary) f).bytes());
        }
    }

    public void sendText(String text) throws Exception {
        ws.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    public void sendBinary(byte[] data) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
    }

    /**
     * Sends {@code m} as one fragmented message: its encoding cut into {@code parts} pieces of about equal length
     * (never inside a surrogate pair), each in a frame of its own.
     */
    public void sendInParts(WampMessage m, int parts) throws Exception {
        Frame f = serializer().encode(m);
        if (f instanceof Frame.Text t) {
            String text = t.text();
            int step = Math.max(1, (text.length() + parts - 1) / parts);
            for (int from = 0; from < text.length(); ) {
                int to = Math.min(text.length(), from + step);
                if (to < text.length() && Character.isHighSurrogate(text.charAt(to - 1))) {
                    to++;
                }
                ws.sendText(text.substring(from, to), to == text.length()).get(10, TimeUnit.SECONDS);
                from = to;
            }
            return;
        }
        byte[] bytes = ((Frame.Binary) f).bytes();
        int step = Math.max(1, (bytes.length + parts - 1) / parts);
        for (int from = 0; from < bytes.length; from += step) {
            int to = Math.min(bytes.length, from + step);
            ws.sendBinary(ByteBuffer.wrap(bytes, from, to - from), to == bytes.length).get(10, TimeUnit.SECONDS);
        }
    }

    /** The next message, waiting up to 5 s. */
    public WampMessage next() throws Exception {
        Object frame = messages.poll(5, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no message within 5 s");
        }
        return decode(frame);
    }

    /** The next binary message as it came (for peers that are not WAMP), waiting up to 5 s. */
    public byte[] nextBinary() throws Exception {
        Object frame = messages.poll(5, TimeUnit.SECONDS);
        if (!(frame instanceof byte[] b)) {
            throw new AssertionError(frame == null ? "no message within 5 s" : "a text message: " + frame);
        }
        return b;
    }

    private WampMessage decode(Object frame) {
        Serializer s = serializer();
        try {
            if (frame instanceof String text) {
                if (s.binary()) {
                    throw new AssertionError("a text frame on " + s.subprotocol() + ": " + text);
                }
                return s.decode(text);
            }
            byte[] b = (byte[]) frame;
            if (!s.binary()) {
                throw new AssertionError("a binary frame on " + s.subprotocol());
            }
            return s.decode(b, 0, b.length);
        } catch (MalformedMessageException e) {
            throw new AssertionError("the router sent an undecodable message: " + frame, e);
        }
    }

    @SuppressWarnings("unchecked")
    public <T extends WampMessage> T next(Class<T> type) throws Exception {
        WampMessage m = next();
        if (!type.isInstance(m)) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + m);
        }
        return (T) m;
    }

    /** Null if nothing arrives within {@code ms}. */
    public WampMessage poll(long ms) throws Exception {
        Object frame = messages.poll(ms, TimeUnit.MILLISECONDS);
        return frame == null ? null : decode(frame);
    }

    /** The close code the router sent, waiting up to 5 s. */
    public int closeCode() throws Exception {
        return closeCode.get(5, TimeUnit.SECONDS);
    }

    public boolean closed() {
        return closeCode.isDone();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (reading) {
            webSocket.request(1);
        } // else: never ask for a message, so the router's frames back up in TCP

    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        partialBytes.writeBytes(chunk);
        if (last) {
            messages.add(partialBytes.toByteArray());
            partialBytes.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }
        ws.abort();
    }
}
