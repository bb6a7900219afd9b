package io.postmaster.endpoint;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.config.RawSocketConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.router.Router;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The RawSocket listener ({@code postmaster.rawsocket.*}): a TCP port of the application's own, opened when it starts
 * and closed, with every connection on it, when it stops. Plain JDK NIO, no container involved.
 *
 * <p>Threads: {@code postmaster.rawsocket.io-threads} daemon threads named {@code postmaster-rawsocket-N}, each a
 * selector loop that owns its share of the connections (handed out in turn as they are accepted; the first loop
 * also accepts). A loop reads, decodes and routes what arrives — as Undertow's I/O threads do for WebSocket — and
 * writes what is queued: every socket is non-blocking, so no client can hold a loop up; the router's own
 * contract ({@link io.postmaster.router.Peer}) keeps routing from blocking too. Work for a loop from other threads
 * (a send, a close, a timer) is queued to it and the selector woken; a loop catches what any one connection's
 * handling throws, so that it stays alive for the others.
 *
 * <p>Limits: at most {@code postmaster.rawsocket.max-connections} connections at once (counting those in their
 * opening handshake; past it a new connection is closed at once), and each client address at most
 * {@code postmaster.max-connections-per-address} connections of both transports together (past it, the handshake
 * is answered with the spec's error 4, "maximum connection count reached"). Each connection is bounded as
 * {@link RawSocketPeer} says.
 */
final class RawSocketServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RawSocketServer.class.getName());
    private static final RateLimitedLog REFUSED_TOO_MANY = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog LOOP_FAILURES = new RateLimitedLog(LOG, Level.WARNING);
    /** How long {@link #close} lets connections flush their GOODBYE before it closes what is left. */
    private static final long CLOSE_GRACE_MS = 1_000;

    final RawSocketConfig settings;
    final PostmasterConfig config;
    final Router router;
    final OutboundBudget budget;
    final OpenConnections openConnections;
    final ScheduledExecutorService timers;
    /** The largest message the router accepts, as announced in the handshake: a power of two. */
    final int maxInbound;
    private final ServerSocketChannel server;
    private final Loop[] loops;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final Set<RawSocketPeer> peers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /**
     * Closes the listening channel on its loop. Made at start, like everything {@link #close} uses: a server may
     * stop the application's class loader before it stops the application (Open Liberty does), so closing must not
     * load a class the start did not.
     */
    private final Runnable closeListener;
    private final java.util.concurrent.CountDownLatch listenerClosed = new java.util.concurrent.CountDownLatch(1);

    private RawSocketServer(PostmasterConfig config, Router router, OutboundBudget budget,
                            OpenConnections openConnections, ScheduledExecutorService timers) throws IOException {
        this.settings = config.rawSocket();
        this.config = config;
        this.router = router;
        this.budget = budget;
        this.openConnections = openConnections;
        this.timers = timers;
        this.maxInbound = RawSocketFraming.announceable(config.maxMessageSize());
        this.loops = new Loop[settings.ioThreads()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new Loop(i + 1);
        }
        ServerSocketChannel s = ServerSocketChannel.open();
        try {
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true); // a redeploy binds while old sockets linger
            s.bind(new InetSocketAddress(settings.bindAddress(), settings.port()), 1024);
            s.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            s.close();
            for (Loop l : loops) {
                l.selector.close();
            }
            throw e;
        }
        this.server = s;
        this.closeListener = () -> {
            try {
                server.close(); // its key is cancelled here, on its loop: the port is released at the next select
            } catch (IOException e) {
                LOG.log(Level.FINE, "RawSocket listener close failed", e);
            } finally {
                listenerClosed.countDown();
            }
        };
    }

    /**
     * Binds the port and starts the loops.
     *
     * @throws IOException when the port cannot be bound (in use, no such address): the deployment fails with it
     */
    static RawSocketServer start(PostmasterConfig config, Router router, OutboundBudget budget,
                                 OpenConnections openConnections, ScheduledExecutorService timers) throws IOException {
        RawSocketServer rs = new RawSocketServer(config, router, budget, openConnections, timers);
        rs.loops[0].execute(() -> {
            try {
                rs.server.register(rs.loops[0].selector, SelectionKey.OP_ACCEPT);
            } catch (IOException e) {
                LOG.log(Level.SEVERE, "RawSocket listener could not be registered", e);
            }
        });
        for (Loop l : rs.loops) {
            l.thread.start();
        }
        LOG.info(() -> "RawSocket listening on " + rs.address() + " (" + RawSocketConfig.ENABLED + "); messages up to "
                + rs.maxInbound + " bytes, " + rs.loops.length + " I/O thread(s)");
        return rs;
    }

    /** Where it listens, as bound. */
    InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            return new InetSocketAddress(settings.bindAddress(), settings.port());
        }
    }

    /** Connections open now (handshaking included). */
    int connections() {
        return open.get();
    }

    void closed(RawSocketPeer p) {
        if (peers.remove(p)) {
            open.decrementAndGet();
        }
    }

    private void accept() {
        for (int i = 0; i < 64; i++) { // a bounded batch, then the loop serves its connections again
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                LOOP_FAILURES.log(() -> "RawSocket accept failed (" + e + ")");
                return;
            }
            if (ch == null) {
                return;
            }
            if (closed || open.incrementAndGet() > settings.maxConnections()) {
                if (!closed) {
                    open.decrementAndGet();
                    REFUSED_TOO_MANY.log(() -> "RawSocket connection from " + remote(ch) + " closed: "
                            + settings.maxConnections() + " RawSocket connections are open ("
                            + RawSocketConfig.MAX_CONNECTIONS + ")");
                }
                closeQuietly(ch);
                continue;
            }
            Loop loop = loops[Math.floorMod(next.getAndIncrement(), loops.length)];
            RawSocketPeer p;
            try {
                p = new RawSocketPeer(this, loop, ch);
            } catch (IOException | RuntimeException e) {
                open.decrementAndGet();
                LOG.log(Level.FINE, "RawSocket connection could not be set up", e);
                closeQuietly(ch);
                continue;
            }
            peers.add(p);
            loop.execute(p::register);
        }
    }

    static String remote(SocketChannel ch) {
        try {
            InetSocketAddress a = (InetSocketAddress) ch.getRemoteAddress();
            return a == null ? "unknown" : Transports.format(a.getAddress().getHostAddress(), a.getPort());
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    /**
     * Stops listening at once (the port is free when this returns), gives the open connections a moment to write
     * what is queued for them (the router's GOODBYE), then closes every connection and stops the loops.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loops[0].execute(closeListener);
        try {
            listenerClosed.await(2_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MS);
        while (!peers.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // connections finish their closes on their loops; nothing to wait on but them
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Loop l : loops) {
            l.stop();
        }
        for (Loop l : loops) {
            try {
                l.thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (RawSocketPeer p : peers) {
            p.closeNow(); // accepted but never registered with a loop: the loops are gone, so this thread may
        }
        LOG.log(Level.INFO, "RawSocket listener on {0}:{1} closed",
                new Object[] {settings.bindAddress(), String.valueOf(settings.port())});
    }

    /**
     * One selector loop: the thread that owns a share of the connections. Everything that touches a connection's
     * socket runs here; other threads {@link #execute} tasks on it.
     */
    final class Loop implements Runnable {
        final Selector selector;
        final Thread thread;
        /** What one read takes from a socket at most; shared by the loop's connections, which copy out of it. */
        final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        /** Connections that queued frames during this pass, from this thread: flushed together at its end. */
        private final ArrayDeque<RawSocketPeer> dirty = new ArrayDeque<>();
        private final AtomicBoolean awake = new AtomicBoolean();
        private volatile boolean running = true;

        Loop(int n) throws IOException {
            this.selector = Selector.open();
            this.thread = new Thread(this, "postmaster-rawsocket-" + n);
            thread.setDaemon(true);
            thread.setContextClassLoader(RawSocketServer.class.getClassLoader());
        }

        boolean inLoop() {
            return Thread.currentThread() == thread;
        }

        /** Runs {@code task} on this loop, after what it is doing. Safe from any thread; never blocks. */
        void execute(Runnable task) {
            tasks.add(task);
            if (!inLoop() && awake.compareAndSet(false, true)) {
                selector.wakeup();
            }
        }

        /** A connection of this loop queued frames from this thread: flush it at the end of the pass. */
        void flushLater(RawSocketPeer p) {
            dirty.add(p);
        }

        void stop() {
            running = false;
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (running) {
                    if (tasks.isEmpty() && dirty.isEmpty()) {
                        selector.select(1_000);
                    } else {
                        selector.selectNow(); // work queued by this thread after its last look: do not sleep on it
                    }
                    awake.set(false);
                    Set<SelectionKey> keys = selector.selectedKeys();
                    for (SelectionKey k : keys) {
                        handle(k);
                    }
                    keys.clear();
                    for (Runnable t; (t = tasks.poll()) != null; ) {
                        runSafely(t);
                    }
                    for (RawSocketPeer p; (p = dirty.poll()) != null; ) {
                        RawSocketPeer peer = p;
                        runSafely(peer::flush);
                    }
                }
            } catch (IOException | ClosedSelectorException e) {
                LOG.log(Level.WARNING, "RawSocket loop " + thread.getName() + " stopped", e);
            } finally {
                for (SelectionKey k : selector.keys()) {
                    if (k.attachment() instanceof RawSocketPeer p) {
                        runSafely(p::closeNow);
                    } else {
                        try {
                            k.channel().close();
                        } catch (IOException e) {
                            // stopping anyway
                        }
                    }
                }
                try {
                    selector.close();
                } catch (IOException e) {
                    // stopping anyway
                }
            }
        }

        private void handle(SelectionKey k) {
            try {
                if (!k.isValid()) {
                    return;
                }
                if (k.isAcceptable()) {
                    accept();
                    return;
                }
                RawSocketPeer p = (RawSocketPeer) k.attachment();
                if (k.isWritable()) {
                    p.flush();
                }
                if (k.isValid() && k.isReadable()) {
                    p.readable();
                }
            } catch (RuntimeException | Error e) {
                // keep the shared loop alive whatever one connection's handling threw
                LOOP_FAILURES.log(() -> "RawSocket connection handling failed (" + e + "); closing it", e);
                if (k.attachment() instanceof RawSocketPeer p) {
                    runSafely(p::closeNow);
                }
            }
        }

        private void runSafely(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                LOOP_FAILURES.log(() -> "a RawSocket task failed (" + e + ")", e);
            }
        }
    }
}
