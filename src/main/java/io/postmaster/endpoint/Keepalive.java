package io.postmaster.endpoint;

import io.postmaster.config.ConnectionLimits;
import io.postmaster.logging.RateLimitedLog;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket keepalive of one connection: finds half-open connections, whose peer is gone without a close (a device
 * that lost its network, a NAT that forgot the mapping), long before TCP would.
 *
 * <p>Every {@code postmaster.ping-interval-ms}: if anything arrived from the peer since the last look (a message or a
 * pong), it is alive and nothing is sent — a connection with inbound traffic is never pinged. Otherwise a ping is
 * queued (see {@link WebSocketPeer#ping}); once {@code postmaster.ping-max-missed} pings in a row went unanswered,
 * {@code onTimeout} runs (the connection's session ends and the connection is closed). A silent peer is thus closed
 * between {@code max-missed + 1} and {@code max-missed + 2} intervals after it last sent anything.
 *
 * <p>The same keepalive serves every WebSocket endpoint ({@code /ws} and its alias, the webrocket and webwire
 * endpoints) and RawSocket.
 *
 * <p>The connections' keepalives with the same interval share one timer task ({@link Sweep}), which looks at each of
 * them once per interval: an idle connection holds no timer task of its own. A connection counts as heard from when
 * it opens, so its first look (anywhere in the first interval) never pings it, and the bounds above hold from its
 * start as from its last message.
 *
 * <p>Threading: {@link #heard} is called by the container's thread for the connection; {@link #run} by the timer
 * thread only, which alone touches {@code missed}.
 */
public final class Keepalive implements Runnable {
    private final Runnable ping;
    private final int maxMissed;
    private final Runnable onTimeout;
    /** Something arrived since the last look. Written only when it changes, so a busy connection costs a read. */
    private volatile boolean heard = true;
    private int missed;
    /** The sweep that looks at this keepalive; null once stopped. */
    private volatile Sweep sweep;
    // guarded by the sweep: this keepalive's neighbours in its sweep's list
    private Keepalive prev;
    private Keepalive next;

    private Keepalive(Runnable ping, int maxMissed, Runnable onTimeout) {
        this.ping = ping;
        this.maxMissed = maxMissed;
        this.onTimeout = onTimeout;
    }

    /** Starts the keepalive of a connection, or returns null when pings are off. */
    static Keepalive start(ConnectionLimits limits, WebSocketPeer peer, ScheduledExecutorService timers,
                           Runnable onTimeout) {
        return start(limits, (Runnable) peer::ping, timers, onTimeout);
    }

    /** The same for any transport: {@code ping} queues the transport's ping (RawSocket: a PING frame). */
    public static Keepalive start(ConnectionLimits limits, Runnable ping, ScheduledExecutorService timers,
                           Runnable onTimeout) {
        if (!limits.pings()) {
            return null;
        }
        Keepalive k = new Keepalive(ping, limits.pingMaxMissed(), onTimeout);
        Sweep s = Sweep.of(timers, limits.pingInterval().toMillis());
        k.sweep = s;
        s.add(k);
        return k;
    }

    /** Something arrived from the peer (a message or a pong): it is alive. */
    public void heard() {
        if (!heard) {
            heard = true;
        }
    }

    @Override
    public void run() {
        if (sweep == null) { // stopped after the sweep took its list
            return;
        }
        if (heard) {
            heard = false;
            missed = 0;
            return;
        }
        if (missed >= maxMissed) {
            stop();
            onTimeout.run();
            return;
        }
        missed++;
        ping.run();
    }

    /** The connection closed: no more pings. */
    public void stop() {
        Sweep s = sweep;
        if (s != null) {
            sweep = null;
            s.remove(this);
        }
    }

    /**
     * The keepalives of one timer executor and interval, in a list of their own links, and the one periodic task that
     * looks at each of them once per interval. Made with the first such keepalive and kept while its executor lives
     * (one per executor and interval: a handful per server, none of them of a client's making).
     */
    static final class Sweep implements Runnable {
        private static final RateLimitedLog FAILED = new RateLimitedLog(
                java.util.logging.Logger.getLogger(Keepalive.class.getName()), java.util.logging.Level.WARNING);
        /** Per timer executor (weakly: the application's executors go with it), the sweeps by interval. */
        private static final Map<ScheduledExecutorService, Map<Long, Sweep>> SWEEPS = new WeakHashMap<>();

        private Keepalive first; // guarded by this
        private int size;        // guarded by this
        private ScheduledFuture<?> task;

        static Sweep of(ScheduledExecutorService timers, long ms) {
            synchronized (SWEEPS) {
                Map<Long, Sweep> byInterval = SWEEPS.computeIfAbsent(timers, t -> new HashMap<>());
                Sweep s = byInterval.get(ms);
                if (s == null || s.task.isDone()) { // a new one where the executor dropped the task (shut down)
                    s = new Sweep();
                    s.task = timers.scheduleAtFixedRate(s, ms, ms, TimeUnit.MILLISECONDS);
                    byInterval.put(ms, s);
                }
                return s;
            }
        }

        synchronized void add(Keepalive k) {
            k.next = first;
            if (first != null) {
                first.prev = k;
            }
            first = k;
            size++;
        }

        synchronized void remove(Keepalive k) {
            if (k.prev != null) {
                k.prev.next = k.next;
            } else if (first == k) {
                first = k.next;
            } else {
                return; // not in the list
            }
            if (k.next != null) {
                k.next.prev = k.prev;
            }
            k.prev = null;
            k.next = null;
            size--;
        }

        synchronized int size() {
            return size;
        }

        /** Once per interval: each keepalive's look, outside the lock (a look may ping, or stop its keepalive). */
        @Override
        public void run() {
            Keepalive[] all;
            synchronized (this) {
                all = new Keepalive[size];
                int i = 0;
                for (Keepalive k = first; k != null; k = k.next) {
                    all[i++] = k;
                }
            }
            for (Keepalive k : all) {
                try {
                    k.run();
                } catch (RuntimeException | Error e) { // one connection's failure must not end the others' keepalives
                    FAILED.log(() -> "a connection's keepalive failed (" + e + "); the others go on", e);
                }
            }
        }
    }
}
