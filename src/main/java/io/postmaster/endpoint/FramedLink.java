package io.postmaster.endpoint;

import io.postmaster.logging.RateLimitedLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A WebSocket connection framed by Postmaster itself on the TCP connection Undertow hands over after the upgrade
 * ({@link UndertowWebSockets} with {@code postmaster.own-framing}), or on a servlet container's upgraded connection
 * ({@link ServletUpgradeWebSockets}): frames are read by {@link WebSocketFrames.Reader} on the thread the transport
 * reads on (XNIO's I/O thread; the container's, one at a time) and written here, without the server's WebSocket
 * layer.
 *
 * <p><b>Reading</b> (I/O thread): whole messages to the endpoint; a ping is answered with a pong, in turn with what is
 * queued; the peer's close is answered with the same code and the TCP connection closed once the reply is written; a
 * protocol error (1002), invalid UTF-8 (1007) or a message over {@code postmaster.max-message-size} (1009) is
 * answered with a close of that code, logged, and the TCP connection closed the same way.
 *
 * <p><b>Writing</b> (any thread, under this link's lock): frames are queued as {@link WebSocketPeer} hands them over
 * and written with one write per batch ({@link #startBatch}/{@link #endBatch}) or at once outside a batch, copied into
 * the writing thread's buffer; what the socket does not take waits for XNIO's write readiness. A frame's
 * {@link Sent} is told once the kernel has taken all of it (or the connection is gone), never under the lock. Every
 * bound on what waits is {@link WebSocketPeer}'s: this link holds only frames it was handed.
 *
 * <p><b>Our close</b>: a close frame after what is queued, then the connection counts as closed (as under JSR-356);
 * the TCP connection is closed when the peer's close arrives, or {@link WebSocketPeer#CLOSE_HANDSHAKE_MS} later when
 * all was written (else once {@code postmaster.outbound-abort-ms} has passed). The peer's close, or a protocol error,
 * is answered and TCP closed once that is written, or {@code CLOSE_HANDSHAKE_MS} later.
 */
final class FramedLink implements WebSocketLink, WebSocketFrames.Handler {
    private static final Logger LOG = Logger.getLogger(FramedLink.class.getName());
    /** One line per connection failed for breaking the protocol: a client can make many. */
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);
    private static final AtomicLong IDS = new AtomicLong();
    /** What one read or one write moves at most; one buffer per thread that reads or writes. */
    private static final int BUFFER = 64 * 1024;
    private static final ThreadLocal<ByteBuffer> READ =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));
    private static final ThreadLocal<ByteBuffer> WRITE =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));
    /** The same on the heap, for a transport that moves octets through arrays (see {@link Transport#heapBuffers}). */
    private static final ThreadLocal<ByteBuffer> READ_HEAP = ThreadLocal.withInitial(() -> ByteBuffer.allocate(BUFFER));
    private static final ThreadLocal<ByteBuffer> WRITE_HEAP =
            ThreadLocal.withInitial(() -> ByteBuffer.allocate(BUFFER));
    private static final ThreadLocal<byte[]> HEAD = ThreadLocal.withInitial(() -> new byte[WebSocketFrames.MAX_HEADER]);
    private static final byte[] EMPTY = new byte[0];
    /**
     * What one readiness event reads of a plain TCP connection: one read of at most this many octets. What a pass of
     * the I/O thread reads is routed before anything is written (writes are batched per pass, see
     * {@link WebSocketPeer}), so a client whose socket holds a backlog (the server was held up: a loaded machine, a
     * pause) must not be read all at once: a pass that read seconds of calls from a few callers queued more
     * INVOCATIONs to their callee than {@code postmaster.outbound-queue} before any was written, and the callee was
     * closed as a slow consumer. Readiness is level-triggered: the rest is read on the next passes, after this pass's
     * writes. (Undertow's own WebSocket channel likewise reads one pooled buffer per event.)
     */
    static final int READ_PER_EVENT = 16 * 1024;
    /**
     * Reads per readiness event at most over TLS, which reads until a read finds nothing (see
     * {@link Transport#readsUntilEmpty}): a client that keeps its socket full is read again on the loop's next pass.
     */
    private static final int READS_PER_EVENT = 16;

    /** A frame on its way out: opcode, payload (the header is made as it is written), how much is written, who is told. */
    private static final class Out {
        final int opcode;
        /** Final but for a pong not yet begun, which answers the latest ping (see {@link #ping}). */
        byte[] body;
        final Sent done;
        int written;
        Out next;

        Out(int opcode, byte[] body, Sent done) {
            this.opcode = opcode;
            this.body = body;
            this.done = done;
        }

        int headLength() {
            return WebSocketFrames.headerLength(body.length);
        }

        int size() {
            return headLength() + body.length;
        }
    }

    /**
     * The TCP connection as this link uses it: non-blocking reads and writes, readiness, close. On WildFly, Undertow's
     * upgraded XNIO connection ({@link XnioTransport}); its listeners call {@link #readable}, {@link #writable} and
     * {@link #ended}.
     */
    interface Transport {
        /** Reads what is there: octets read, 0 if none, -1 at the end of the stream. */
        int read(ByteBuffer into) throws IOException;

        /**
         * Whether a read that did not fill the buffer may still leave octets that no readiness event will announce
         * (TLS: records already decrypted), so that reading goes on until a read finds nothing.
         */
        boolean readsUntilEmpty();

        /** Writes what the socket takes now: octets written. */
        int write(ByteBuffer from) throws IOException;

        /** Pushes out what a layer below (TLS) holds; false if it could not all go yet. */
        boolean flush() throws IOException;

        void resumeReads();

        void suspendReads();

        /** {@link #writable} is called once the socket takes more. */
        void resumeWrites();

        void suspendWrites();

        boolean isOpen();

        /** Closes the connection (then {@link #ended} is called), if it is not closed already. */
        void close();

        /**
         * Closes the connection at once, dropping whatever the layer below still holds to write for it (a peer that
         * does not read); by default {@link #close}, where that already does.
         */
        default void abort() {
            close();
        }

        /** Runs {@code task} on the connection's I/O thread {@code ms} from now. */
        void schedule(Runnable task, long ms);

        /**
         * Whether reads and writes are handed buffers backed by arrays (a servlet container's streams take arrays)
         * rather than direct ones (what a socket channel reads into and writes from without a copy).
         */
        default boolean heapBuffers() {
            return false;
        }
    }

    private final Transport connection;
    /** The connection's {@link Transport#heapBuffers}. */
    private final boolean heap;
    private final long abortMs;
    private final String address;
    private final long id = IDS.incrementAndGet();
    private final WebSocketFrames.Reader reader;
    /** Set once, on the I/O thread, before the endpoint opens the connection. */
    private volatile WampEndpoint endpoint;
    /** The open connections this one is counted in, until it ends. */
    private final java.util.Set<FramedLink> registry;

    // --- guarded by this ---
    private Out first;
    private Out last;
    /** The last pong queued, until it is written. */
    private Out pong;
    private boolean batch;
    /** The socket took less than it was offered: the rest waits for write readiness. */
    private boolean waiting;
    /** Written under the lock; read without it by the reading thread. */
    private volatile boolean closeSent;
    /** Close the TCP connection once everything queued is written (the close handshake is done or failed). */
    private boolean closeWhenWritten;
    private volatile boolean ended;

    /**
     * @param abortMs  how long our close may wait for frames still unwritten ({@code postmaster.outbound-abort-ms})
     * @param registry the open connections, which this one joins until it ends
     */
    FramedLink(Transport connection, String address, long maxMessage, long abortMs,
               java.util.Set<FramedLink> registry) {
        this.connection = connection;
        this.heap = connection.heapBuffers();
        this.abortMs = abortMs;
        this.address = address;
        this.registry = registry;
        this.reader = new WebSocketFrames.Reader(this, maxMessage);
        registry.add(this);
    }

    /** The endpoint the connection's messages go to: set before it opens the connection (which may close it). */
    void attach(WampEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Serves the connection with {@code endpoint} in the serializer of {@code subprotocol}, then starts reading; a
     * connection that cannot be set up is dropped and logged. Runs with the application's class loader as the
     * thread's context loader (as a JSR-356 layer sets it around every endpoint call).
     */
    void serve(WampEndpoint endpoint, String subprotocol, String host, io.postmaster.router.Peer.ContainerLogin login,
               boolean secure) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(ApplicationLoader.LOADER);
        try {
            attach(endpoint);
            NativeWebSockets.open(endpoint, this, subprotocol, host, address, login, secure);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "WebSocket " + id() + " from " + address + " could not be set up; dropping it", e);
            forceClose();
            return;
        } finally {
            t.setContextClassLoader(before);
        }
        start();
    }

    /** Starts reading, on the connection's I/O thread, once the endpoint has opened the connection. */
    void start() {
        if (!connection.isOpen()) {
            ended();
            return;
        }
        connection.resumeReads();
    }

    @Override
    public String id() {
        return "f" + id;
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    // ---------------------------------------------------------------- reading, on the I/O thread

    /** The socket has something to read (the transport's read listener, on the I/O thread). */
    void readable() {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(ApplicationLoader.LOADER);
        try {
            ByteBuffer buf = heap ? READ_HEAP.get() : READ.get();
            boolean untilEmpty = connection.readsUntilEmpty();
            for (int reads = 0; !reader.done() && reads < READS_PER_EVENT; reads++) {
                buf.clear();
                if (!untilEmpty) {
                    buf.limit(READ_PER_EVENT);
                }
                int n = connection.read(buf);
                if (n < 0) { // the peer closed TCP without a close frame
                    connection.close();
                    return;
                }
                if (n == 0) {
                    return;
                }
                buf.flip();
                reader.read(buf);
                if (!untilEmpty) {
                    break; // one read per event: the rest, if any, on the next pass (level-triggered)
                }
            }
            if (reader.done()) {
                connection.suspendReads();
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "WebSocket " + id() + " read failed", e);
            connection.close();
        } catch (RuntimeException | Error e) { // the endpoint handles its own failures: this is a bug here
            LOG.log(Level.WARNING, "WebSocket " + id() + " from " + address + " failed; dropping it", e);
            connection.close();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    @Override
    public void text(byte[] utf8, int length) {
        if (!closing()) {
            endpoint.utf8Text(utf8, length);
        }
    }

    @Override
    public void binary(ByteBuffer data) {
        if (!closing()) {
            endpoint.binary(data);
        }
    }

    /** After our close frame, messages are not taken any more: nothing would answer them. */
    private boolean closing() {
        return closeSent;
    }

    /**
     * A ping is answered in turn with what is queued; while a pong waits unwritten (a client that pings but does not
     * read), it answers the latest ping instead of another being queued (RFC 6455 section 5.5.3), so a ping flood
     * holds one pong.
     */
    @Override
    public void ping(byte[] payload) {
        synchronized (this) {
            Out p = pong;
            if (p != null && p.written == 0) {
                p.body = payload;
                return;
            }
        }
        Out p = new Out(WebSocketFrames.PONG, payload, null);
        synchronized (this) {
            pong = p;
        }
        queue(p);
    }

    @Override
    public void pong() {
        endpoint.pong(null);
    }

    /** The peer's close: answered with its code (if ours was not sent already), then TCP is closed. */
    @Override
    public void closed(int code, String reason) {
        finish(code == WebSocketFrames.NO_STATUS ? WebSocketFrames.NORMAL : code, "");
    }

    @Override
    public void failed(int code, String why) {
        REFUSED.log(() -> "closing WebSocket " + id() + " from " + address + " (" + code + "): " + why);
        finish(code, why);
    }

    /** Ends the close handshake (ours, or the peer's answered now) and closes TCP once the last frame is written. */
    private void finish(int code, String reason) {
        boolean now;
        synchronized (this) {
            if (!closeSent) {
                closeSent = true;
                append(new Out(WebSocketFrames.CLOSE, WebSocketFrames.closePayload(code, reason), null));
            }
            closeWhenWritten = true;
            batch = false;
            now = first == null;
        }
        if (now) {
            connection.close();
        } else {
            write();
            later(this::forceClose, WebSocketPeer.CLOSE_HANDSHAKE_MS); // a peer that does not read our reply
        }
        WampEndpoint e = endpoint;
        if (e != null) {
            e.closed();
        }
    }

    // ---------------------------------------------------------------- writing, any thread

    @Override
    public boolean batching() {
        return true;
    }

    @Override
    public synchronized void startBatch() {
        batch = true;
    }

    @Override
    public void endBatch() {
        synchronized (this) {
            batch = false;
        }
        write();
    }

    @Override
    public void sendText(String text, Sent done) {
        queue(new Out(WebSocketFrames.TEXT, text.getBytes(StandardCharsets.UTF_8), done));
    }

    @Override
    public boolean utf8Text() {
        return true;
    }

    @Override
    public void sendUtf8Text(byte[] utf8, Sent done) {
        queue(new Out(WebSocketFrames.TEXT, utf8, done));
    }

    @Override
    public void sendBinary(byte[] bytes, Sent done) {
        queue(new Out(WebSocketFrames.BINARY, bytes, done));
    }

    @Override
    public void sendPing() {
        queue(new Out(WebSocketFrames.PING, EMPTY, null));
    }

    /** Our close frame after what is queued; the connection counts as closed from now on (see the class comment). */
    @Override
    public void close(int code, String reason) {
        boolean sent;
        synchronized (this) {
            sent = !closeSent && !ended;
            if (sent) {
                closeSent = true;
                append(new Out(WebSocketFrames.CLOSE, WebSocketFrames.closePayload(code, reason), null));
            }
        }
        if (sent) {
            write();
            later(this::closeStuck, WebSocketPeer.CLOSE_HANDSHAKE_MS);
        }
        WampEndpoint e = endpoint;
        if (e != null) {
            ApplicationLoader.run(e::closed);
        }
    }

    /**
     * {@link WebSocketPeer#CLOSE_HANDSHAKE_MS} after our close: a peer that has all we wrote, our close frame
     * included, but has not answered it, never will; one still reading what we wrote before it gets until
     * {@code postmaster.outbound-abort-ms} after the close.
     */
    private void closeStuck() {
        boolean unwritten;
        synchronized (this) {
            unwritten = first != null;
        }
        if (unwritten) {
            later(this::forceClose, Math.max(0, abortMs - WebSocketPeer.CLOSE_HANDSHAKE_MS));
        } else {
            forceClose();
        }
    }

    private void later(Runnable task, long ms) {
        try {
            connection.schedule(task, ms);
        } catch (RuntimeException e) { // the I/O thread is stopping: the server closes the connection
            LOG.log(Level.FINE, "close timer of WebSocket " + id() + " not scheduled", e);
        }
    }

    @Override
    public Runnable aborter(IntSupplier unwritten) {
        return WebSocketLink.dropIfUnwritten(this, unwritten);
    }

    /** A peer that never answers our close frame: the close's own timer ends it (see {@link #close}). */
    @Override
    public boolean closeMayStick() {
        return false;
    }

    @Override
    public void forceClose() {
        connection.abort();
    }

    private void queue(Out o) {
        boolean now;
        synchronized (this) {
            if (closeSent || ended) {
                now = false;
            } else {
                append(o);
                now = !batch;
                o = null;
            }
        }
        if (o != null) { // after our close nothing more goes out
            if (o.done != null) {
                o.done.sent(new ClosedChannelException());
            }
            return;
        }
        if (now) {
            write();
        }
    }

    private void append(Out o) {
        if (last == null) {
            first = o;
        } else {
            last.next = o;
        }
        last = o;
    }

    /** Write readiness (the transport's write listener, on the I/O thread): what waited goes on. */
    void writable() {
        synchronized (this) { // under the lock: a writer that finds the socket full again resumes after this
            waiting = false;
            connection.suspendWrites();
        }
        write();
    }

    /**
     * Writes what is queued until the socket takes no more, then flushes; the frames written are told so after the
     * lock is let go (their peer may queue the next ones from there).
     */
    private void write() {
        Out done = null;
        Out doneLast = null;
        boolean closeNow = false;
        IOException failure = null;
        synchronized (this) {
            if (batch || waiting || ended) {
                return;
            }
            try {
                ByteBuffer buf = heap ? WRITE_HEAP.get() : WRITE.get();
                while (first != null) {
                    buf.clear();
                    byte[] head = HEAD.get();
                    for (Out o = first; o != null && buf.hasRemaining(); o = o.next) {
                        int at = o.written;
                        int headLength = o.headLength();
                        if (at < headLength) {
                            WebSocketFrames.header(head, o.opcode, o.body.length);
                            int n = Math.min(headLength - at, buf.remaining());
                            buf.put(head, at, n);
                            at += n;
                        }
                        int b = at - headLength;
                        int n = Math.min(o.body.length - b, buf.remaining());
                        if (n > 0) {
                            buf.put(o.body, b, n);
                        }
                    }
                    buf.flip();
                    int offered = buf.remaining();
                    int written = connection.write(buf);
                    while (written > 0) {
                        Out o = first;
                        int left = o.size() - o.written;
                        if (written < left) {
                            o.written += written;
                            break;
                        }
                        written -= left;
                        if (o == pong) {
                            pong = null;
                        }
                        first = o.next;
                        if (first == null) {
                            last = null;
                        }
                        o.next = null;
                        if (o.done != null) {
                            if (doneLast == null) {
                                done = o;
                            } else {
                                doneLast.next = o;
                            }
                            doneLast = o;
                        }
                    }
                    if (buf.hasRemaining() || offered == 0) {
                        break;
                    }
                }
                if (first != null || !connection.flush()) {
                    waiting = true;
                    connection.resumeWrites();
                } else {
                    // All written: suspended, as Undertow's own channel does once it has flushed. Undertow's
                    // write-timeout conduit (WildFly's listener write-timeout, 90 s by default) counts from the last
                    // write until writes are suspended, and would close a connection written nothing for that long
                    // (a client that only publishes) at its next message. Cheap when already suspended.
                    connection.suspendWrites();
                    closeNow = closeWhenWritten;
                }
            } catch (IOException e) {
                failure = e;
            }
        }
        for (Out o = done; o != null; ) {
            Out next = o.next;
            o.next = null;
            o.done.sent(null);
            o = next;
        }
        if (failure != null) {
            LOG.log(Level.FINE, "WebSocket " + id() + " write failed", failure);
            connection.close(); // ended() fails what is still queued
        } else if (closeNow) {
            connection.close();
        }
    }

    /** The TCP connection is closed: what was not written fails, and the endpoint lets go of the connection. */
    void ended() {
        Out left;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            left = first;
            first = null;
            last = null;
        }
        ClosedChannelException closed = new ClosedChannelException();
        for (Out o = left; o != null; o = o.next) {
            if (o.done != null) {
                o.done.sent(closed);
            }
        }
        try {
            WampEndpoint e = endpoint;
            if (e != null) {
                ApplicationLoader.run(e::closed);
            }
        } finally {
            registry.remove(this);
        }
    }
}
