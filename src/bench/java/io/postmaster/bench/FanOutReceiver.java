package io.postmaster.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The fan-out scenario's receiving side, lean enough that one core of it is never what the figure measures: plain
 * non-blocking {@link SocketChannel}s on one {@link Selector} thread, each a WebSocket ({@code wamp.2.json}) that joins
 * the realm and subscribes to one topic, then only counts the EVENT frames that arrive and notes when the last one
 * did. No HTTP client, no executor hand-off, no string per message: a server frame (never masked) is parsed only as
 * far as its opcode, length and the message type at the start of its payload.
 *
 * <p>The JDK's WebSocket client costs tens of microseconds per message received on one core (its selector thread
 * hands each message to an executor): thousands of EVENTs through it take as long as the router takes to send them.
 *
 * <p>One further connection, joined but not subscribed, publishes ({@link #publish}).
 */
final class FanOutReceiver implements AutoCloseable {
    /** Handshakes under way at a time: more fill the router's listen backlog. */
    private static final int OPENING_AT_ONCE = 200;
    private static final int CONNECTING = 0;
    private static final int UPGRADING = 1;
    private static final int JOINING = 2;
    private static final int SUBSCRIBING = 3;
    private static final int READY = 4;

    /** One WebSocket of the receiver. Touched by the selector thread only (but {@link #publish}'s write). */
    private static final class Conn {
        final SocketChannel ch;
        final boolean subscriber;
        int state = CONNECTING;
        /** Octets read but not yet parsed: a frame or an HTTP response split across reads. Null when none. */
        byte[] rest;

        Conn(SocketChannel ch, boolean subscriber) {
            this.ch = ch;
            this.subscriber = subscriber;
        }
    }

    private final InetSocketAddress address;
    private final String host;
    private final String path;
    private final String realm;
    private final String topic;
    private final int n;
    private final Selector selector = Selector.open();
    private final Thread loop;
    private final List<Conn> conns = new ArrayList<>();
    private final ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile boolean running = true;
    private Conn publisher;
    // selector thread only
    private int started;
    private int opening;
    private int subscribed;
    // written by the selector thread, read after the events completed
    private volatile long lastEvent;
    private volatile int events;
    private volatile int expected = Integer.MAX_VALUE;
    private volatile CompletableFuture<Void> allEvents = new CompletableFuture<>();

    private FanOutReceiver(URI uri, String realm, String topic, int n) throws IOException {
        this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
        this.host = uri.getHost() + ":" + uri.getPort();
        this.path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        this.realm = realm;
        this.topic = topic;
        this.n = n;
        this.loop = new Thread(this::run, "fanout-receiver");
        loop.setDaemon(true);
    }

    /**
     * Opens {@code n} subscribed sessions on {@code topic} and the publisher's session; returns once all of them are
     * ready, or fails (a refused handshake, an ABORT, an ERROR to SUBSCRIBE, a connection lost).
     */
    static FanOutReceiver open(URI uri, String realm, String topic, int n, int timeoutS) throws Exception {
        FanOutReceiver r = new FanOutReceiver(uri, realm, topic, n);
        r.loop.start();
        try {
            r.ready.get(timeoutS, TimeUnit.SECONDS);
        } catch (Exception e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** How many EVENTs arrived since {@link #expect}. */
    int events() {
        return events;
    }

    /** When the last EVENT arrived ({@link System#nanoTime}), as the selector thread read it. */
    long lastEvent() {
        return lastEvent;
    }

    /** Counts from zero again; the future completes once {@code count} EVENTs have arrived. */
    CompletableFuture<Void> expect(int count) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        allEvents = f;
        events = 0;
        lastEvent = 0;
        expected = count;
        return f;
    }

    /** Sends {@code json} as a (masked) text frame on the publisher's session, from the calling thread. */
    void publish(String json) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(frame(json));
        while (frame.hasRemaining()) {
            publisher.ch.write(frame); // a few dozen octets into an empty socket buffer: taken at once
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------ the selector thread

    private void run() {
        try {
            openMore();
            while (running) {
                selector.select(1000);
                for (SelectionKey k : selector.selectedKeys()) {
                    Conn c = (Conn) k.attachment();
                    try {
                        if (k.isConnectable()) {
                            connected(c, k);
                        } else if (k.isReadable()) {
                            readable(c);
                        }
                    } catch (IOException | RuntimeException e) {
                        fail(new IOException("fan-out session " + conns.indexOf(c) + ": " + e.getMessage(), e));
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        } finally {
            for (Conn c : conns) {
                try {
                    c.ch.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void fail(Exception e) {
        ready.completeExceptionally(e);
        allEvents.completeExceptionally(e);
        running = false;
    }

    /** Starts handshakes until {@link #OPENING_AT_ONCE} are under way or all n + 1 sessions are started. */
    private void openMore() throws IOException {
        while (opening < OPENING_AT_ONCE && started < n + 1) {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn c = new Conn(ch, started < n);
            conns.add(c);
            if (!c.subscriber) {
                publisher = c;
            }
            started++;
            opening++;
            if (ch.connect(address)) {
                upgrade(c);
                ch.register(selector, SelectionKey.OP_READ, c);
            } else {
                ch.register(selector, SelectionKey.OP_CONNECT, c);
            }
        }
    }

    private void connected(Conn c, SelectionKey k) throws IOException {
        c.ch.finishConnect();
        k.interestOps(SelectionKey.OP_READ);
        upgrade(c);
    }

    private void upgrade(Conn c) throws IOException {
        c.state = UPGRADING;
        write(c, ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: wamp.2.json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void readable(Conn c) throws IOException {
        in.clear();
        if (c.rest != null) {
            in.put(c.rest);
            c.rest = null;
        }
        int read = c.ch.read(in);
        if (read < 0) {
            throw new IOException("closed by the router");
        }
        in.flip();
        if (c.state == UPGRADING && !upgraded(c)) {
            return;
        }
        int counted = 0;
        while (in.remaining() >= 2) {
            int at = in.position();
            int b0 = in.get(at) & 0xFF;
            int b1 = in.get(at + 1) & 0xFF;
            int head = 2;
            long length = b1 & 0x7F;
            if (length == 126) {
                head = 4;
                if (in.remaining() < head) {
                    break;
                }
                length = in.getShort(at + 2) & 0xFFFF;
            } else if (length == 127) {
                head = 10;
                if (in.remaining() < head) {
                    break;
                }
                length = in.getLong(at + 2);
            }
            if ((b1 & 0x80) != 0 || length > in.capacity() - head) {
                throw new IOException("a server frame the receiver does not take (masked, or " + length + " octets)");
            }
            if (in.remaining() < head + length) {
                break;
            }
            int payload = at + head;
            in.position(payload + (int) length);
            int opcode = b0 & 0x0F;
            if (opcode == 8) {
                throw new IOException("the router closed the WebSocket");
            }
            if (opcode == 9) { // ping: answered
                byte[] body = new byte[(int) length];
                in.get(payload, body);
                write(c, frame(0x8A, body));
                continue;
            }
            if (opcode != 1) {
                continue; // pong, or a fragment: none come from a WAMP router at these sizes
            }
            int type = messageType(payload, (int) length);
            if (c.state == READY) {
                if (type == 36) {
                    counted++;
                }
            } else {
                message(c, type, payload, (int) length);
            }
        }
        if (in.hasRemaining()) {
            c.rest = new byte[in.remaining()];
            in.get(c.rest);
        }
        if (counted > 0) {
            lastEvent = System.nanoTime(); // once per read: the arrival of the last EVENT it held
            int e = events + counted;
            events = e;
            if (e >= expected) {
                allEvents.complete(null);
            }
        }
    }

    /** The HTTP response to the upgrade: consumed if whole (then true, the rest are frames); else kept for later. */
    private boolean upgraded(Conn c) throws IOException {
        int end = -1;
        for (int i = in.position(); i + 3 < in.limit(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                end = i + 4;
                break;
            }
        }
        if (end < 0) {
            c.rest = new byte[in.remaining()];
            in.get(c.rest);
            return false;
        }
        byte[] head = new byte[end - in.position()];
        in.get(head);
        String response = new String(head, StandardCharsets.ISO_8859_1);
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + response.lines().findFirst().orElse(""));
        }
        c.state = JOINING;
        write(c, frame("[1,\"" + realm + "\"," + LoadClient.ROLES + "]"));
        return true;
    }

    /** A message before the session is ready: WELCOME, SUBSCRIBED, or what refuses them. */
    private void message(Conn c, int type, int payload, int length) throws IOException {
        if (c.state == JOINING && type == 2) { // WELCOME
            if (c.subscriber) {
                c.state = SUBSCRIBING;
                write(c, frame("[32,1,{},\"" + topic + "\"]"));
            } else {
                sessionReady(c);
            }
        } else if (c.state == SUBSCRIBING && type == 33) { // SUBSCRIBED
            sessionReady(c);
        } else if (type == 3 || type == 8) { // ABORT, ERROR
            byte[] body = new byte[length];
            in.get(payload, body);
            throw new IOException("refused: " + new String(body, StandardCharsets.UTF_8));
        }
    }

    private void sessionReady(Conn c) throws IOException {
        c.state = READY;
        opening--;
        if (++subscribed == n + 1) {
            ready.complete(null);
        } else {
            openMore();
        }
    }

    /** The number after the payload's opening bracket (the WAMP message type), -1 if there is none. */
    private int messageType(int payload, int length) {
        int i = payload;
        int end = payload + length;
        while (i < end && in.get(i) != '[') {
            i++;
        }
        i++;
        while (i < end && in.get(i) == ' ') {
            i++;
        }
        int type = -1;
        for (; i < end; i++) {
            int d = in.get(i) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            type = (type < 0 ? 0 : type * 10) + d;
        }
        return type;
    }

    /** Writes all of {@code bytes}: handshake-sized writes that an empty socket buffer takes at once. */
    private static void write(Conn c, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        for (int spins = 0; b.hasRemaining(); spins++) {
            if (c.ch.write(b) == 0 && spins > 1000) {
                throw new IOException("the router does not take a handshake-sized write");
            }
        }
    }

    private static byte[] frame(String text) {
        return frame(0x81, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A client frame: FIN, {@code first}'s opcode, masked (RFC 6455 section 5.3) with a fixed key. */
    private static byte[] frame(int first, byte[] payload) {
        int len = payload.length;
        int head = len < 126 ? 2 : len < 65536 ? 4 : 10;
        byte[] f = new byte[head + 4 + len];
        f[0] = (byte) first;
        if (len < 126) {
            f[1] = (byte) (0x80 | len);
        } else if (len < 65536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (len >>> 8);
            f[3] = (byte) len;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) len >>> (56 - 8 * i));
            }
        }
        byte[] mask = {0x37, (byte) 0xFA, 0x21, 0x3D};
        System.arraycopy(mask, 0, f, head, 4);
        for (int i = 0; i < len; i++) {
            f[head + 4 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return f;
    }
}
