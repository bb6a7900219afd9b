package io.postmaster.inprocess;

import io.postmaster.logging.RateLimitedLog;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one session's tasks one at a time, in submission order, on the shared executor: what the router sent the
 * session is handled in the order it was sent, while sessions proceed in parallel. A task that throws is logged and
 * the lane goes on.
 */
final class Lane implements Executor {
    private static final Logger LOG = Logger.getLogger(Lane.class.getName());
    private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG, Level.WARNING);

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(); // guarded by this
    private boolean running;                                       // guarded by this

    Lane(Executor pool) {
        this.pool = pool;
    }

    /** Queues {@code task}; throws {@link RejectedExecutionException} if the pool refuses to start the lane. */
    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                running = false;
                tasks.clear();
            }
            throw e;
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) { // the lane must go on, or every later task would wait forever
                FAILURES.log(() -> "a task of an in-process session failed (" + e + "); the tasks after it run", e);
            }
        }
    }
}
