package io.postmaster.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WAMP session of the load generator, on the JDK's asynchronous WebSocket client ({@code wamp.2.json},
 * {@code wamp.2.msgpack} or {@code wamp.2.cbor}), or for an {@code rs://HOST:PORT} URI over RawSocket (JSON,
 * serializer 1) on an {@link AsynchronousSocketChannel}.
 *
 * <p>Deliberately cheap, so the client is not what is measured: messages are built as strings and only the fields
 * a scenario needs are read, by {@link #longAt}. With a binary serializer each message is converted at the socket,
 * token by token with Jackson's streaming codecs (JSON text to msgpack or CBOR going out, back to JSON text coming
 * in), so the scenarios stay the same for every serializer; the conversion costs the client, never the router. Sends are queued and chained (the JDK client allows one pending
 * send per socket); a send that completes at once is followed by the next without recursion.
 */
final class LoadClient implements WebSocket.Listener {

    /** What a scenario does with each message after WELCOME. */
    interface Handler {
        void onMessage(LoadClient client, String message);
    }

    /** HTTP clients (one selector thread each) shared by all sessions of the load generator. */
    static final class Pool implements AutoCloseable {
        private final HttpClient[] clients;
        private final ExecutorService[] executors;
        private int next;

        Pool(int n) {
            clients = new HttpClient[n];
            executors = new ExecutorService[n];
            for (int i = 0; i < n; i++) {
                executors[i] = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "load-client");
                    t.setDaemon(true);
                    return t;
                });
                clients[i] = HttpClient.newBuilder().executor(executors[i]).build();
            }
        }

        synchronized HttpClient next() {
            return clients[next++ % clients.length];
        }

        @Override
        public void close() {
            for (ExecutorService e : executors) {
                e.shutdownNow();
            }
        }
    }

    static final String ROLES = "{\"roles\":{\"caller\":{},\"callee\":{},\"publisher\":{},\"subscriber\":{}}}";

    private final CompletableFuture<LoadClient> welcomed = new CompletableFuture<>();
    /** Text (JSON) messages, or for a binary serializer the encoded frames. */
    private final ConcurrentLinkedQueue<Object> outbound = new ConcurrentLinkedQueue<>();
    /** The serializer: json, msgpack or cbor. */
    private final String serializer;
    /** For a binary serializer: the frame being received in parts. */
    private java.io.ByteArrayOutputStream partialBinary;
    private final AtomicBoolean sending = new AtomicBoolean();
    private final String realm;
    private volatile Handler handler;
    private volatile WebSocket ws;
    private StringBuilder partial;
    /** Free for the scenario: e.g. request counters, timestamps of calls in flight. */
    long requestId;
    /** Send times of calls in flight, by request ID modulo its size; only callers need it (allocated on first use,
     *  so tens of thousands of idle sessions stay small). */
    private long[] sentAt;

    synchronized long[] sentAt() {
        if (sentAt == null) {
            sentAt = new long[1 << 16];
        }
        return sentAt;
    }
    volatile boolean closed;
    /** How the router ended the connection: the close code (-1: dropped, or closed by this side) and reason. */
    volatile int closeCode = -1;
    volatile String closeReason = "";
    /** Completes when the connection is gone, whichever side ended it. */
    final CompletableFuture<Void> gone = new CompletableFuture<>();

    private LoadClient(String realm, String serializer, Handler handler) {
        this.realm = realm;
        this.serializer = serializer;
        this.handler = handler;
    }

    /** Opens a WebSocket (or, for {@code rs://}, a RawSocket) and joins {@code realm}; completes on WELCOME. */
    static CompletableFuture<LoadClient> connect(Pool pool, URI uri, String realm, Handler handler) {
        return connect(pool, uri, realm, "json", handler);
    }

    /**
     * As {@link #connect(Pool, URI, String, Handler)}, with the WebSocket subprotocol {@code wamp.2.<serializer>}
     * (json, msgpack or cbor; RawSocket is JSON only).
     */
    static CompletableFuture<LoadClient> connect(Pool pool, URI uri, String realm, String serializer, Handler handler) {
        Codec.check(serializer);
        LoadClient c = new LoadClient(realm, serializer, handler);
        if ("rs".equals(uri.getScheme())) {
            if (!"json".equals(serializer)) {
                throw new IllegalArgumentException("the load client speaks RawSocket in JSON only");
            }
            c.openRawSocket(uri);
            return c.welcomed.orTimeout(60, TimeUnit.SECONDS);
        }
        return open(pool, uri, c);
    }

    /** Opens a WebSocket without a WAMP session (for the echo floor): completes when open, every message goes to
     *  {@code handler}. */
    static CompletableFuture<LoadClient> connectRaw(Pool pool, URI uri, Handler handler) {
        return open(pool, uri, new LoadClient(null, "json", handler));
    }

    private static CompletableFuture<LoadClient> open(Pool pool, URI uri, LoadClient c) {
        pool.next().newWebSocketBuilder()
                .subprotocols("wamp.2." + c.serializer)
                .connectTimeout(java.time.Duration.ofSeconds(30))
                .buildAsync(uri, c)
                .whenComplete((ws, e) -> {
                    if (e != null) {
                        c.welcomed.completeExceptionally(e);
                    }
                });
        return c.welcomed.orTimeout(60, TimeUnit.SECONDS);
    }

    void handler(Handler h) {
        this.handler = h;
    }

    long nextRequest() {
        return ++requestId;
    }

    /** Queues a text frame; never blocks. */
    void send(String message) {
        outbound.add(raw != null || "json".equals(serializer) ? message : Codec.encode(serializer, message));
        if (raw != null) {
            pumpRaw();
        } else {
            pump();
        }
    }

    // ------------------------------------------------------------------------------------------ RawSocket

    /** The RawSocket connection, or null on WebSocket. */
    private volatile AsynchronousSocketChannel raw;
    private final ByteBuffer rawIn = ByteBuffer.allocate(64 * 1024);
    private byte[] rawFrame;
    private int rawFrameType;
    private int rawFrameFill = -1; // -1: reading a prefix

    private void openRawSocket(URI uri) {
        try {
            AsynchronousSocketChannel ch = AsynchronousSocketChannel.open();
            ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), null,
                    new CompletionHandler<Void, Void>() {
                        @Override
                        public void completed(Void v, Void a) {
                            raw = ch;
                            // the handshake (JSON, up to 16 MiB), then HELLO; the reply is checked as it is read
                            outbound.add(HANDSHAKE);
                            send("[1,\"" + realm + "\"," + ROLES + "]");
                            readRaw();
                        }

                        @Override
                        public void failed(Throwable e, Void a) {
                            rawGone(e);
                        }
                    });
        } catch (IOException e) {
            welcomed.completeExceptionally(e);
        }
    }

    /** Marks the handshake in the outbound queue: sent as its 4 octets, not as a frame. */
    private static final String HANDSHAKE = new String("rawsocket-handshake");
    private boolean handshakeReplied;

    private void pumpRaw() {
        AsynchronousSocketChannel ch = raw;
        if (ch == null || !sending.compareAndSet(false, true)) {
            return;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object next; out.size() < 256 * 1024 && (next = outbound.poll()) != null; ) {
            if (next == HANDSHAKE) {
                out.write(new byte[] {0x7F, (byte) 0xF1, 0, 0}, 0, 4);
                continue;
            }
            byte[] b = ((String) next).getBytes(StandardCharsets.UTF_8);
            out.write(new byte[] {0, (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length}, 0, 4);
            out.write(b, 0, b.length);
        }
        if (out.size() == 0) {
            sending.set(false);
            if (!outbound.isEmpty()) {
                pumpRaw();
            }
            return;
        }
        writeRaw(ch, ByteBuffer.wrap(out.toByteArray()));
    }

    private void writeRaw(AsynchronousSocketChannel ch, ByteBuffer buf) {
        ch.write(buf, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void a) {
                if (buf.hasRemaining()) {
                    writeRaw(ch, buf);
                    return;
                }
                sending.set(false);
                if (!outbound.isEmpty()) {
                    pumpRaw();
                }
            }

            @Override
            public void failed(Throwable e, Void a) {
                outbound.clear();
                rawGone(e);
            }
        });
    }

    private void readRaw() {
        raw.read(rawIn, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void a) {
                if (n < 0) {
                    rawGone(null);
                    return;
                }
                rawIn.flip();
                try {
                    parseRaw();
                } catch (RuntimeException e) {
                    rawGone(e);
                    return;
                }
                rawIn.compact();
                readRaw();
            }

            @Override
            public void failed(Throwable e, Void a) {
                rawGone(e);
            }
        });
    }

    /** Handles the handshake reply and every whole frame in {@link #rawIn}. */
    private void parseRaw() {
        while (true) {
            if (!handshakeReplied) {
                if (rawIn.remaining() < 4) {
                    return;
                }
                byte[] reply = new byte[4];
                rawIn.get(reply);
                if (reply[0] != 0x7F || (reply[1] & 0x0F) != 1) {
                    throw new IllegalStateException("RawSocket handshake refused: " + java.util.HexFormat.of()
                            .formatHex(reply));
                }
                handshakeReplied = true;
                continue;
            }
            if (rawFrameFill < 0) {
                if (rawIn.remaining() < 4) {
                    return;
                }
                int first = rawIn.get() & 0xFF;
                int length = (rawIn.get() & 0xFF) << 16 | (rawIn.get() & 0xFF) << 8 | (rawIn.get() & 0xFF);
                rawFrameType = first & 0x07;
                rawFrame = new byte[(first & 0x08) != 0 ? 1 << 24 : length];
                rawFrameFill = 0;
            }
            int take = Math.min(rawIn.remaining(), rawFrame.length - rawFrameFill);
            rawIn.get(rawFrame, rawFrameFill, take);
            rawFrameFill += take;
            if (rawFrameFill < rawFrame.length) {
                return;
            }
            rawFrameFill = -1;
            if (rawFrameType == 0) {
                received(new String(rawFrame, StandardCharsets.UTF_8));
            } // PING/PONG: none come, the router pings only a client that has sent a PING itself

        }
    }

    private void rawGone(Throwable e) {
        closeReason = String.valueOf(e);
        closed = true;
        gone.complete(null);
        welcomed.completeExceptionally(e != null ? e : new IOException("RawSocket closed by the router"));
    }

    private void pump() {
        while (sending.compareAndSet(false, true)) {
            for (;;) {
                Object next = outbound.poll();
                if (next == null) {
                    sending.set(false);
                    break;
                }
                CompletableFuture<WebSocket> f;
                try {
                    f = next instanceof String text ? ws.sendText(text, true)
                            : ws.sendBinary(ByteBuffer.wrap((byte[]) next), true);
                } catch (RuntimeException e) {
                    closed = true;
                    outbound.clear();
                    sending.set(false);
                    return;
                }
                if (!f.isDone()) {
                    f.whenComplete((w, e) -> {
                        if (e != null) {
                            closed = true;
                            outbound.clear();
                        }
                        sending.set(false);
                        pump();
                    });
                    return;
                }
            }
            if (outbound.isEmpty()) {
                return;
            }
        }
    }

    void close() {
        closed = true;
        WebSocket w = ws;
        if (w != null) {
            w.abort();
        }
        AsynchronousSocketChannel r = raw;
        if (r != null) {
            try {
                r.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        gone.complete(null);
    }

    // ------------------------------------------------------------------------------------------ listener

    @Override
    public void onOpen(WebSocket webSocket) {
        this.ws = webSocket;
        webSocket.request(Long.MAX_VALUE);
        if (realm == null) {
            welcomed.complete(this);
        } else {
            send("[1,\"" + realm + "\"," + ROLES + "]");
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (!last) {
            if (partial == null) {
                partial = new StringBuilder();
            }
            partial.append(data);
            return null;
        }
        String m;
        if (partial != null) {
            m = partial.append(data).toString();
            partial = null;
        } else {
            m = data.toString();
        }
        received(m);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        if (!last || partialBinary != null) {
            if (partialBinary == null) {
                partialBinary = new java.io.ByteArrayOutputStream();
            }
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partialBinary.write(b, 0, b.length);
            if (!last) {
                return null;
            }
            data = ByteBuffer.wrap(partialBinary.toByteArray());
            partialBinary = null;
        }
        received(Codec.decode(serializer, data));
        return null;
    }

    /** A whole message from the router, of either transport. */
    private void received(String m) {
        if (!welcomed.isDone()) {
            if (m.startsWith("[2,")) {
                welcomed.complete(this);
            } else {
                welcomed.completeExceptionally(new IllegalStateException("not welcomed: " + m));
            }
            return;
        }
        handler.onMessage(this, m);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode = statusCode;
        closeReason = reason;
        closed = true;
        gone.complete(null);
        welcomed.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeReason = String.valueOf(error);
        closed = true;
        gone.complete(null);
        welcomed.completeExceptionally(error);
    }

    // ------------------------------------------------------------------------------------------ parsing

    /** The message type code: the first element. */
    static int type(String m) {
        int v = 0;
        for (int i = 1; i < m.length(); i++) {
            char c = m.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * The integer at {@code path} (top-level index, then optionally an index into the list found there), or -1.
     * Skips strings and nested containers, so dicts of any content in between are fine.
     */
    static long longAt(String m, int index, int subIndex) {
        int pos = elementStart(m, 1, index);
        if (pos < 0) {
            return -1;
        }
        if (subIndex >= 0) {
            if (m.charAt(pos) != '[') {
                return -1;
            }
            pos = elementStart(m, pos + 1, subIndex);
            if (pos < 0) {
                return -1;
            }
        }
        long v = 0;
        boolean any = false;
        for (int i = pos; i < m.length(); i++) {
            char c = m.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
            any = true;
        }
        return any ? v : -1;
    }

    /** The string at top-level {@code index} (no unescaping: URIs and reasons), or null if none is there. */
    static String stringAt(String m, int index) {
        int pos = elementStart(m, 1, index);
        if (pos < 0 || pos >= m.length() || m.charAt(pos) != '"') {
            return null;
        }
        int end = m.indexOf('"', pos + 1);
        return end < 0 ? null : m.substring(pos + 1, end);
    }

    /** Position of the n-th element of the container whose content starts at {@code from}, or -1. */
    private static int elementStart(String m, int from, int n) {
        int i = from;
        int depth = 0;
        int element = 0;
        boolean inString = false;
        if (n == 0) {
            return skipSpace(m, i);
        }
        for (; i < m.length(); i++) {
            char c = m.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '[', '{' -> depth++;
                case ']', '}' -> {
                    if (depth == 0) {
                        return -1;
                    }
                    depth--;
                }
                case ',' -> {
                    if (depth == 0 && ++element == n) {
                        return skipSpace(m, i + 1);
                    }
                }
                default -> { }
            }
        }
        return -1;
    }

    private static int skipSpace(String m, int i) {
        while (i < m.length() && m.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
