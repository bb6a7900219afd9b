package io.postmaster.endpoint;

import io.postmaster.config.ConnectionLimits;

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
 * <p>Threading: {@link #heard} is called by the container's thread for the connection; {@link #run} by the timer
 * thread only, which alone touches {@code missed}.
 */
public final class Keepalive implements Runnable {
    private final Runnable ping;
    private final int maxMissed;
    private final Runnable onTimeout;
    /** Something arrived since the last look. Written only when it changes, so a busy connection costs a read. */
    private volatile boolean heard;
    private int missed;
    private volatile ScheduledFuture<?> task;

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
        long ms = limits.pingInterval().toMillis();
        k.task = timers.scheduleAtFixedRate(k, ms, ms, TimeUnit.MILLISECONDS);
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
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }
}
