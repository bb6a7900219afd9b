package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs credential checks on the shared executor, at most {@code concurrency} at a time, with at most {@code queue}
 * more waiting here — not in the executor's queue. However many wrong passwords arrive, they occupy only their share
 * of the executor's threads and none of its queue: anonymous logins, event observers and server-side procedures keep
 * the rest. A task whose login is gone by the time it is due is expected to return at once (see {@link Handshake}).
 */
final class CheckLane {
    private static final Logger LOG = Logger.getLogger(CheckLane.class.getName());
    /** A failing check can be triggered by every login: rate-limited. */
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);

    private final Executor pool;
    private final int concurrency;
    private final int queueLimit;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // guarded by this
    private int running;                                           // guarded by this

    CheckLane(Executor pool, int concurrency, int queueLimit) {
        this.pool = pool;
        this.concurrency = concurrency;
        this.queueLimit = queueLimit;
    }

    /**
     * Runs {@code task} when a place is free.
     *
     * @throws RejectedExecutionException if {@code queue} tasks already wait, or the executor refuses
     */
    void execute(Runnable task) {
        synchronized (this) {
            if (running >= concurrency) {
                if (queue.size() >= queueLimit) {
                    throw new RejectedExecutionException("credential checks waiting at the limit");
                }
                queue.add(task);
                return;
            }
            running++;
        }
        try {
            pool.execute(() -> drain(task));
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                running--;
            }
            throw e;
        }
    }

    /** Checks waiting, for tests. */
    synchronized int waiting() {
        return queue.size();
    }

    private void drain(Runnable first) {
        Runnable next = first;
        while (next != null) {
            try {
                next.run();
            } catch (RuntimeException e) {
                FAILED.log(() -> "a credential check failed", e);
            }
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    running--;
                }
            }
        }
    }
}
