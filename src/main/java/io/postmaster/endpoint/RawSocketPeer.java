package io.postmaster.endpoint;

import io.postmaster.metrics.Metrics;
import io.postmaster.config.ConnectionLimits;
import io.postmaster.config.OutboundLimits;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Connection;
import io.postmaster.router.Peer;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.serialization.Outgoing;
import io.postmaster.serialization.Serializer;
import io.postmaster.serialization.Serializers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One RawSocket connection: its opening handshake, its frames in both directions, and the router's view of it
 * ({@link Peer}).
 *
 * <p><b>Inbound</b>, on its loop's thread only: the 4-octet handshake within
 * {@code postmaster.rawsocket.handshake-timeout-ms} (a bad one gets the spec's error reply, then the connection is
 * closed; a first octet other than {@code 0x7F} is no RawSocket client at all and is closed without a reply), then
 * frames. A frame longer than the router announced (the largest power of two not above
 * {@code postmaster.max-message-size}), or with a reserved bit or type, fails the connection: ABORT
 * {@code wamp.error.protocol_violation}, then close. A payload is buffered only as its octets arrive, never by the
 * length its prefix claims. PING is answered with a PONG of the same payload, in turn with the messages.
 *
 * <p><b>Outbound</b>: the same bounds as a WebSocket connection ({@link WebSocketPeer}): every frame counts from
 * {@link #send} until the kernel has taken it; past {@code postmaster.outbound-queue} frames or
 * {@code postmaster.outbound-queue-bytes} (or more than its share of {@code postmaster.outbound-total-bytes}, see
 * {@link OutboundBudget}) the client cannot keep up and is closed at once with a logged reason. The router's own
 * bursts ({@link #sendPaced}) count against the paced limits instead. Frames queued during one pass of the loop go
 * out with one gathering write. A message larger than the client accepts (its handshake's length) cannot be sent:
 * the client gets ABORT {@code wamp.error.payload_size_exceeded} after what was queued before, and is closed — a
 * message is never silently skipped.
 *
 * <p><b>Closing</b>: {@link #close} writes what is queued, then ends the output (FIN) and waits briefly for the client
 * to close its side, so that its last frames (an ABORT, a GOODBYE) are not lost to a reset. A client that reads
 * nothing is closed {@code postmaster.outbound-abort-ms} after the close was asked for.
 *
 * <p><b>Keepalive</b>: TCP keepalive on every connection, probing after {@code postmaster.ping-interval-ms} of
 * silence, {@code postmaster.ping-max-missed} probes, where the platform lets a socket set them (Linux, macOS):
 * it finds a peer that is gone without a close. PING frames are sent only to a client that has sent one itself
 * (then it is closed after {@code ping-max-missed} unanswered), because Autobahn|Python's RawSocket transports,
 * Twisted and asyncio alike, fail the connection at a PING.
 *
 * <p>Threading: {@link #send}, {@link #sendPaced} and {@link #close} may be called from any thread; they queue and
 * hand the write to the loop. Everything that touches the socket runs on the loop.
 */
final class RawSocketPeer implements Peer {
    private static final Logger LOG = Logger.getLogger(RawSocketPeer.class.getName());
    private static final RateLimitedLog REFUSED_HANDSHAKE = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog REFUSED_TOO_MANY = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog HANDSHAKE_TIMEOUTS = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog SLOW = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog TOO_BIG_FOR_CLIENT = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog UNRESPONSIVE = new RateLimitedLog(LOG, Level.INFO);

    /**
     * The smallest maximum message length a client may announce: the router's own messages (WELCOME with its
     * roles, a CHALLENGE) need up to about 1 KiB, so a client that cannot take 2 KiB could not even join; it is
     * refused in the handshake with error 2 ("maximum message length unacceptable").
     */
    static final int MIN_CLIENT_LENGTH = 2048;
    /** How long a closing connection waits, with nothing left to write, for the client to close its side. */
    static final long LINGER_MS = 2_000;
    /** Frames one gathering write takes at most. */
    private static final int WRITE_BATCH = 64;
    /** How much of a payload is buffered before more of it has arrived. */
    private static final int FIRST_CHUNK = 16 * 1024;

    private enum State { HANDSHAKE, OPEN, CLOSING, LINGER, CLOSED }

    /** A frame on its way out: its prefix (null for the handshake reply) and payload. */
    private record Out(byte[] prefix, byte[] payload, int kind) {
        static final int COUNTED = 0;   // caused by a client: counted against the outbound limits
        static final int PACED = 1;     // the router's own burst: counted against the paced limits
        static final int CONTROL = 2;   // handshake reply, PING, ABORT before a close: not counted

        int size() {
            return payload.length;
        }
    }

    private static final Object CLOSE = new Object();

    private final RawSocketServer server;
    private final RawSocketServer.Loop loop;
    private final SocketChannel channel;
    private final String host;
    /** The client's address, {@code host:port}. */
    private final String address;
    private final OutboundLimits limits;
    private final ConnectionLimits connectionLimits;
    private final int queueLimit;
    private SelectionKey key;
    private volatile State state = State.HANDSHAKE;
    /** Counted in {@link OpenConnections} (else the address was over its cap: the handshake gets error 4). */
    private boolean counted;

    // --- inbound, loop thread only ---
    private final byte[] head = new byte[4];
    private int headLength;
    private int frameType;
    private int frameLength;
    private byte[] payload;
    private int payloadLength;
    // set on the loop by the handshake, before the router knows the peer; read by the threads that send
    private volatile Serializer serializer;
    /** The serializer as {@link Metrics} indexes it; written with it. */
    private volatile int metricsSerializer;
    private volatile int clientMaxLength;
    private volatile TransportInfo transport;
    private Connection connection;
    private volatile Keepalive keepalive;

    // --- outbound ---
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Out> writing = new ArrayDeque<>(); // loop thread only: handed to the socket, not all written
    private final ByteBuffer[] buffers = new ByteBuffer[WRITE_BATCH * 2];
    private int buffersUsed;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger paced = new AtomicInteger();
    private final AtomicLong pacedBytes = new AtomicLong();
    /** All bytes this connection holds, as added to the budget. */
    private final AtomicLong held = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final AtomicBoolean budgetCounted = new AtomicBoolean(true);
    private volatile boolean dropped;
    private ScheduledFuture<?> handshakeTimer;
    private volatile ScheduledFuture<?> closeTimer;
    private int pings;

    RawSocketPeer(RawSocketServer server, RawSocketServer.Loop loop, SocketChannel channel) throws IOException {
        this.server = server;
        this.loop = loop;
        this.channel = channel;
        PostmasterConfig cfg = server.config;
        this.limits = cfg.outbound();
        this.connectionLimits = cfg.connections();
        this.queueLimit = cfg.outboundQueueLimit();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        keepalive(channel, connectionLimits);
        InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
        this.host = remote.getAddress().getHostAddress();
        this.address = Transports.format(host, remote.getPort());
        server.budget.opened();
    }

    /**
     * TCP keepalive after {@code ping-interval-ms} of silence, one probe per interval, {@code ping-max-missed}
     * probes. The idle/interval/count options are the JDK's extended ones (Linux, macOS), looked up by name so that
     * this compiles and runs where the {@code jdk.net} module is not visible to the application (a server's module
     * system); elsewhere the system's keepalive timing applies.
     */
    private static void keepalive(SocketChannel ch, ConnectionLimits limits) {
        if (!limits.pings()) {
            return;
        }
        try {
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            int seconds = (int) Math.max(1, limits.pingInterval().toSeconds());
            for (SocketOption<?> o : ch.supportedOptions()) {
                switch (o.name()) {
                    case "TCP_KEEPIDLE", "TCP_KEEPINTERVAL" -> setInt(ch, o, seconds);
                    case "TCP_KEEPCOUNT" -> setInt(ch, o, limits.pingMaxMissed());
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "TCP keepalive could not be set", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void setInt(SocketChannel ch, SocketOption<?> o, int value) throws IOException {
        if (o.type() == Integer.class) {
            ch.setOption((SocketOption<Integer>) o, value);
        }
    }

    /** On the loop: starts reading, and the handshake's timer. */
    void register() {
        if (state == State.CLOSED) {
            return;
        }
        try {
            key = channel.register(loop.selector, SelectionKey.OP_READ, this);
        } catch (IOException | RuntimeException e) {
            closeNow();
            return;
        }
        counted = server.openConnections.opened(host);
        long ms = server.settings.handshakeTimeout().toMillis();
        handshakeTimer = schedule(this::handshakeTimedOut, ms);
    }

    // ------------------------------------------------------------------------------------------ inbound

    /** On the loop: the socket has octets (or its end) for us. */
    void readable() {
        ByteBuffer buf = loop.readBuffer;
        buf.clear();
        int n;
        try {
            n = channel.read(buf);
        } catch (IOException e) {
            LOG.log(Level.FINE, () -> "RawSocket read failed from " + address + ": " + e);
            closeNow();
            return;
        }
        if (n < 0) {
            ended();
            return;
        }
        Keepalive k = keepalive;
        if (k != null && n > 0) {
            k.heard();
        }
        byte[] b = buf.array();
        int i = 0;
        while (i < n) {
            switch (state) {
                case HANDSHAKE -> i = handshake(b, i, n);
                case OPEN -> i = closing.get() ? n : frame(b, i, n); // after a close, nothing more is routed
                default -> i = n; // closing: what the client still sends is not read
            }
        }
    }

    /** The client ended its side: close ours once what is queued has gone out. */
    private void ended() {
        if (state == State.LINGER || queue.isEmpty() && writing.isEmpty()) {
            closeNow();
            return;
        }
        interest(SelectionKey.OP_READ, false);
        close(1000, "client closed");
    }

    private int handshake(byte[] b, int i, int n) {
        while (i < n && headLength < 4) {
            head[headLength++] = b[i++];
        }
        if (headLength < 4) {
            return i;
        }
        headLength = 0;
        cancel(handshakeTimer);
        RawSocketFraming.Request r = RawSocketFraming.request(head[0], head[1], head[2], head[3]);
        if (r.error() < 0) {
            REFUSED_HANDSHAKE.log(() -> "RawSocket connection from " + address + " closed: not a RawSocket"
                    + " handshake (first octet 0x" + Integer.toHexString(head[0] & 0xFF) + ", not 0x7f)");
            closeNow();
            return n;
        }
        if (!counted) {
            REFUSED_TOO_MANY.log(() -> "RawSocket connection from " + address + " refused: "
                    + server.openConnections.max() + " connections from that address are open ("
                    + "postmaster.max-connections-per-address)");
            refuse(RawSocketFraming.ERROR_CONNECTION_COUNT);
            return n;
        }
        if (r.error() > 0) {
            REFUSED_HANDSHAKE.log(() -> "RawSocket handshake from " + address + " refused: reserved octets"
                    + " not zero");
            refuse(r.error());
            return n;
        }
        Serializer s = Serializers.forRawSocket(r.serializer());
        if (s == null) {
            REFUSED_HANDSHAKE.log(() -> "RawSocket handshake from " + address + " refused: serializer "
                    + r.serializer() + " (this router speaks 1 JSON, 2 MessagePack, 3 CBOR)");
            refuse(RawSocketFraming.ERROR_SERIALIZER_UNSUPPORTED);
            return n;
        }
        if (r.maxLength() < MIN_CLIENT_LENGTH) {
            REFUSED_HANDSHAKE.log(() -> "RawSocket handshake from " + address + " refused: it accepts messages"
                    + " of " + r.maxLength() + " bytes at most, fewer than the " + MIN_CLIENT_LENGTH
                    + " the router's own messages need");
            refuse(RawSocketFraming.ERROR_LENGTH_UNACCEPTABLE);
            return n;
        }
        serializer = s;
        metricsSerializer = Metrics.serializer(s.subprotocol());
        clientMaxLength = r.maxLength();
        transport = new TransportInfo(address, s.subprotocol(), false, "rawsocket");
        state = State.OPEN;
        control(new Out(null, RawSocketFraming.accept(r.serializer(), server.maxInbound), Out.CONTROL));
        scheduleFlush();
        connection = server.router.connect(this); // the HELLO timeout runs from here
        return i; // octets after the handshake are frames
    }

    /** A bad handshake: the spec's error reply, then the connection is closed. */
    private void refuse(int error) {
        state = State.CLOSING;
        closing.set(true);
        control(new Out(null, RawSocketFraming.error(error), Out.CONTROL));
        queue.add(CLOSE);
        armCloseTimer();
        scheduleFlush();
    }

    private int frame(byte[] b, int i, int n) {
        if (headLength < 4) {
            while (i < n && headLength < 4) {
                head[headLength++] = b[i++];
            }
            if (headLength < 4) {
                return i;
            }
            long h = RawSocketFraming.header(head[0], head[1], head[2], head[3]);
            if (h < 0) {
                fail("frame prefix 0x" + Integer.toHexString(head[0] & 0xFF) + ": reserved bits or frame type");
                return n;
            }
            frameType = RawSocketFraming.type(h);
            frameLength = RawSocketFraming.length(h);
            if (frameLength > server.maxInbound) {
                fail("a frame of " + frameLength + " bytes, more than the " + server.maxInbound
                        + " this router announced (postmaster.max-message-size)");
                return n;
            }
            payload = new byte[Math.min(frameLength, FIRST_CHUNK)];
            payloadLength = 0;
        }
        int take = Math.min(n - i, frameLength - payloadLength);
        if (payloadLength + take > payload.length) {
            // grown as octets arrive: a length the prefix only claims is never allocated
            byte[] bigger = new byte[(int) Math.min(frameLength, Math.max(2L * payload.length, payloadLength + take))];
            System.arraycopy(payload, 0, bigger, 0, payloadLength);
            payload = bigger;
        }
        System.arraycopy(b, i, payload, payloadLength, take);
        payloadLength += take;
        i += take;
        if (payloadLength == frameLength) {
            headLength = 0;
            byte[] p = payload;
            payload = null;
            complete(frameType, p);
        }
        return i;
    }

    private void complete(int type, byte[] p) {
        switch (type) {
            case RawSocketFraming.MESSAGE -> {
                Connection c = connection;
                try {
                    WampMessage m = serializer.decode(p, 0, p.length);
                    server.router.metrics().received(metricsSerializer, m.type(), p.length);
                    c.onMessage(m);
                } catch (MalformedMessageException e) {
                    c.onMalformed(e.getMessage());
                } catch (RuntimeException | Error e) {
                    c.failed("a RawSocket frame", e);
                }
            }
            case RawSocketFraming.PING -> {
                enqueue(new Out(RawSocketFraming.prefix(RawSocketFraming.PONG, p.length), p, Out.COUNTED));
                if (keepalive == null) {
                    startPings(); // it speaks PING: it will answer ours
                }
            }
            default -> { } // PONG: heard, nothing else to do
        }
    }

    /** A frame that breaks the framing: ABORT protocol_violation, then close (the router logs it). */
    private void fail(String why) {
        headLength = 0;
        payload = null;
        state = State.CLOSING;
        connection.onMalformed(why);
        close(1002, why); // already asked for by the router; a no-op then
    }

    private void startPings() {
        keepalive = Keepalive.start(connectionLimits, this::ping, server.timers, () -> {
            UNRESPONSIVE.log(() -> "RawSocket connection from " + address + ": no answer to "
                    + connectionLimits.pingMaxMissed() + " PING(s)");
            Connection c = connection;
            if (c != null) {
                c.onUnresponsive("no answer to " + connectionLimits.pingMaxMissed() + " RawSocket PING(s) in a row");
            }
            loop.execute(this::reset); // its last write may never complete: do not wait for it
        });
    }

    /** Queues a PING (keepalive): not counted; at most one per interval. */
    private void ping() {
        if (!closing.get()) {
            byte[] p = ("postmaster-" + (++pings)).getBytes(StandardCharsets.US_ASCII);
            control(new Out(RawSocketFraming.prefix(RawSocketFraming.PING, p.length), p, Out.CONTROL));
            scheduleFlush();
        }
    }

    private void handshakeTimedOut() {
        loop.execute(() -> {
            if (state == State.HANDSHAKE) {
                HANDSHAKE_TIMEOUTS.log(() -> "RawSocket connection from " + address + " closed: no handshake"
                        + " within " + server.settings.handshakeTimeout().toMillis() + " ms ("
                        + io.postmaster.config.RawSocketConfig.HANDSHAKE_TIMEOUT_MS + ")");
                closeNow();
            }
        });
    }

    // ------------------------------------------------------------------------------------------ outbound (Peer)

    @Override
    public void send(Outgoing message) {
        send(message, false);
    }

    @Override
    public void sendPaced(Outgoing message) {
        send(message, true);
    }

    @Override
    public int queued() {
        return queued.get() + paced.get();
    }

    private void send(Outgoing message, boolean routerBurst) {
        if (closing.get()) {
            return;
        }
        byte[] bytes;
        try {
            Frame f = message.frame(serializer); // once per serializer, shared with every receiver of it
            bytes = ((Frame.Binary) f).bytes();
        } catch (RuntimeException | Error e) {
            broken("could not encode " + message.message().type() + " for", e);
            return;
        }
        if (bytes.length > clientMaxLength) {
            tooBigForClient(message.message().type().toString(), bytes.length);
            return;
        }
        Metrics metrics = server.router.metrics();
        WampMessage m = message.message();
        metrics.sent(metricsSerializer, m.type(), bytes.length);
        if (m instanceof WampMessage.Error e) {
            metrics.error(e.error());
        }
        enqueue(new Out(RawSocketFraming.prefix(RawSocketFraming.MESSAGE, bytes.length), bytes,
                routerBurst ? Out.PACED : Out.COUNTED));
    }

    /** Queues a counted frame (a message, or a PONG); the limits as {@link WebSocketPeer}'s. */
    private void enqueue(Out out) {
        if (closing.get()) {
            return;
        }
        int size = out.size();
        if (out.kind() == Out.PACED) {
            int n = paced.incrementAndGet();
            long bytes = pacedBytes.addAndGet(size);
            if (n > limits.pacedQueue() || bytes > limits.pacedBytes() && n > 1) {
                overflow(n > limits.pacedQueue()
                        ? "more than " + limits.pacedQueue() + " messages of the router's own wait to be sent to it"
                        + " (" + OutboundLimits.PACED_QUEUE + ")"
                        : "more than " + limits.pacedBytes() + " bytes of the router's own messages wait to be sent"
                        + " to it (" + OutboundLimits.PACED_BYTES + ")");
                return;
            }
        } else {
            int n = queued.incrementAndGet();
            long bytes = queuedBytes.addAndGet(size);
            if (n > queueLimit || bytes > limits.queueBytes() && n > 1) { // one message alone always goes
                overflow(n > queueLimit
                        ? "more than " + queueLimit + " messages wait to be sent to it (postmaster.outbound-queue)"
                        : "more than " + limits.queueBytes() + " bytes wait to be sent to it ("
                        + OutboundLimits.QUEUE_BYTES + ")");
                return;
            }
        }
        held.addAndGet(size);
        server.budget.add(size);
        if (server.budget.overShare(held.get()) && queued.get() + paced.get() > 1) {
            overflow("all connections together hold more than " + server.budget.limit() + " bytes ("
                    + OutboundLimits.TOTAL_BYTES + ") and this one " + held.get() + ", more than its share");
            return;
        }
        queue.add(out);
        scheduleFlush();
    }

    /** Queues a frame that is not counted (handshake reply, PING, the ABORT before a close). */
    private void control(Out out) {
        queue.add(out);
    }

    @Override
    public void close(int code, String reason) {
        if (closing.compareAndSet(false, true)) {
            queue.add(CLOSE);
            armCloseTimer();
            scheduleFlush();
        }
    }

    @Override
    public TransportInfo transport() {
        TransportInfo t = transport;
        return t != null ? t : new TransportInfo(address, "none", false, "rawsocket");
    }

    /**
     * A message larger than the client accepts: it cannot be sent, and skipping it would lose it silently. What was
     * queued before goes out, then ABORT {@code wamp.error.payload_size_exceeded}, then the connection is closed.
     */
    private void tooBigForClient(String what, int size) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        TOO_BIG_FOR_CLIENT.log(() -> "closing RawSocket connection from " + address + ": a message (" + what
                + ") of " + size + " bytes is larger than the " + clientMaxLength + " it accepts (its handshake)");
        byte[] abort = ((Frame.Binary) serializer.encode(new WampMessage.Abort(Map.of("message", "a message ("
                + what + ") of " + size + " bytes is larger than the " + clientMaxLength
                + " bytes this client accepts"),
                ErrorUris.PAYLOAD_SIZE_EXCEEDED))).bytes();
        control(new Out(RawSocketFraming.prefix(RawSocketFraming.MESSAGE, abort.length), abort, Out.CONTROL));
        queue.add(CLOSE);
        armCloseTimer();
        scheduleFlush();
    }

    private void overflow(String why) {
        if (closing.compareAndSet(false, true)) {
            server.router.metrics().slowConsumerClosed();
            SLOW.log(() -> "closing RawSocket connection from " + address + ": it cannot keep up, " + why);
            drop();
            loop.execute(this::reset);
        }
    }

    /**
     * Closes with a reset (SO_LINGER 0) rather than a FIN behind the unsent octets: for a client that does not read,
     * whose unsent octets the kernel would otherwise keep until its own timeouts.
     */
    private void reset() {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "SO_LINGER could not be set", e);
        }
        closeNow();
    }

    private void broken(String what, Throwable e) {
        closing.set(true);
        drop();
        if (state != State.CLOSED) {
            FAILED.log(() -> what + " RawSocket connection from " + address + "; closing it", e);
        }
        loop.execute(this::closeNow);
    }

    /** Nothing more goes out; what was held is let go. */
    private void drop() {
        dropped = true;
        queue.clear();
        server.budget.add(-held.getAndSet(0));
    }

    private void scheduleFlush() {
        if (flushQueued.compareAndSet(false, true)) {
            if (loop.inLoop()) {
                loop.flushLater(this); // after the frames this pass reads: one write for all
            } else {
                loop.execute(this::flush);
            }
        }
    }

    /** A connection closing that is still open this long after will not finish: it is dropped. */
    private void armCloseTimer() {
        if (closeTimer == null) {
            closeTimer = schedule(() -> loop.execute(this::reset), limits.abortMs());
        }
    }

    /** On the loop: writes what is queued, as far as the socket takes it. */
    void flush() {
        flushQueued.set(false);
        if (state == State.CLOSED || state == State.LINGER) {
            return;
        }
        try {
            while (true) {
                if (writing.isEmpty() && !fill()) {
                    break;
                }
                channel.write(buffers, 0, buffersUsed);
                int done = 0;
                while (!writing.isEmpty()) {
                    Out o = writing.peek();
                    int at = done * 2;
                    boolean written = (o.prefix() == null || !buffers[at].hasRemaining())
                            && !buffers[at + 1].hasRemaining();
                    if (!written) {
                        break;
                    }
                    writing.poll();
                    written(o);
                    done++;
                }
                if (!writing.isEmpty()) {
                    shift(done);
                    interest(SelectionKey.OP_WRITE, true); // the socket is full: go on when it has room
                    return;
                }
                buffersUsed = 0;
            }
            interest(SelectionKey.OP_WRITE, false);
        } catch (IOException e) {
            LOG.log(Level.FINE, () -> "RawSocket write failed to " + address + ": " + e);
            closeNow();
        }
    }

    /**
     * Takes frames from the queue into the write batch; at the close marker, ends the output instead. Returns
     * whether there is something to write.
     */
    private boolean fill() {
        buffersUsed = 0;
        while (writing.size() < WRITE_BATCH) {
            Object next = dropped ? null : queue.peek();
            if (next == null) {
                break;
            }
            if (next == CLOSE) {
                if (writing.isEmpty()) {
                    queue.poll();
                    finish();
                }
                break;
            }
            queue.poll();
            Out o = (Out) next;
            writing.add(o);
            // an empty buffer stands in for the handshake reply's missing prefix, keeping two per frame
            buffers[buffersUsed++] = o.prefix() == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(o.prefix());
            buffers[buffersUsed++] = ByteBuffer.wrap(o.payload());
        }
        return !writing.isEmpty();
    }

    /** Drops the first {@code done} frames' buffers from the batch. */
    private void shift(int done) {
        int from = done * 2;
        System.arraycopy(buffers, from, buffers, 0, buffersUsed - from);
        buffersUsed -= from;
    }

    /** The kernel has taken {@code o}: it no longer counts. */
    private void written(Out o) {
        int size = o.size();
        if (o.kind() == Out.CONTROL) {
            return;
        }
        if (o.kind() == Out.PACED) {
            paced.decrementAndGet();
            pacedBytes.addAndGet(-size);
        } else {
            queued.decrementAndGet();
            queuedBytes.addAndGet(-size);
        }
        long before = held.getAndUpdate(h -> Math.max(0, h - size)); // nothing, once dropped
        server.budget.add(-Math.min(before, size));
    }

    /** Everything before the close is written: end the output, and wait briefly for the client to close its side. */
    private void finish() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            closeNow();
            return;
        }
        state = State.LINGER;
        interest(SelectionKey.OP_WRITE, false);
        interest(SelectionKey.OP_READ, true);
        cancel(closeTimer);
        closeTimer = schedule(() -> loop.execute(this::closeNow), LINGER_MS);
    }

    private void interest(int op, boolean on) {
        SelectionKey k = key;
        if (k != null && k.isValid()) {
            int ops = k.interestOps();
            int want = on ? ops | op : ops & ~op;
            if (want != ops) {
                k.interestOps(want);
            }
        }
    }

    /** Closes the socket at once and lets go of everything. Idempotent; on the loop (or once the loops are gone). */
    void closeNow() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closing.set(true);
        SelectionKey k = key;
        if (k != null) {
            k.cancel();
        }
        RawSocketServer.closeQuietly(channel);
        drop();
        writing.clear();
        payload = null;
        cancel(handshakeTimer);
        cancel(closeTimer);
        Keepalive ka = keepalive;
        if (ka != null) {
            ka.stop();
        }
        if (budgetCounted.compareAndSet(true, false)) {
            server.budget.closed();
        }
        if (counted) {
            counted = false;
            server.openConnections.closed(host);
        }
        server.closed(this);
        Connection c = connection;
        if (c != null) {
            c.onTransportClosed();
        }
    }

    private ScheduledFuture<?> schedule(Runnable r, long ms) {
        try {
            return server.timers.schedule(r, ms, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) { // stopping: the listener closes every connection anyway
            return null;
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
