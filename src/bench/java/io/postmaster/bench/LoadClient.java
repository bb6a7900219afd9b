package io.postmaster.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WAMP session of the load generator, on the JDK's asynchronous WebSocket client ({@code wamp.2.json}).
 *
 * <p>Deliberately cheap, so the client is not what is measured: messages are built as strings and only the fields
 * a scenario needs are read, by {@link #longAt}. Sends are queued and chained (the JDK client allows one pending
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
    private final ConcurrentLinkedQueue<String> outbound = new ConcurrentLinkedQueue<>();
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

    private LoadClient(String realm, Handler handler) {
        this.realm = realm;
        this.handler = handler;
    }

    /** Opens a WebSocket and joins {@code realm}; completes on WELCOME. */
    static CompletableFuture<LoadClient> connect(Pool pool, URI uri, String realm, Handler handler) {
        return open(pool, uri, new LoadClient(realm, handler));
    }

    /** Opens a WebSocket without a WAMP session (for the echo floor): completes when open, every message goes to
     *  {@code handler}. */
    static CompletableFuture<LoadClient> connectRaw(Pool pool, URI uri, Handler handler) {
        return open(pool, uri, new LoadClient(null, handler));
    }

    private static CompletableFuture<LoadClient> open(Pool pool, URI uri, LoadClient c) {
        pool.next().newWebSocketBuilder()
                .subprotocols("wamp.2.json")
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
        outbound.add(message);
        pump();
    }

    private void pump() {
        while (sending.compareAndSet(false, true)) {
            for (;;) {
                String next = outbound.poll();
                if (next == null) {
                    sending.set(false);
                    break;
                }
                CompletableFuture<WebSocket> f;
                try {
                    f = ws.sendText(next, true);
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
        if (!welcomed.isDone()) {
            if (m.startsWith("[2,")) {
                welcomed.complete(this);
            } else {
                welcomed.completeExceptionally(new IllegalStateException("not welcomed: " + m));
            }
            return null;
        }
        handler.onMessage(this, m);
        return null;
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
