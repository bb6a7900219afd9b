package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: one per session, so that what application
 * code sees of a session (joined before left; publications in publication order) is in order, while different
 * sessions proceed in parallel. A task that throws (even an {@link Error}) is logged and the lane goes on.
 */
public final class SerialExecutor implements Executor {
    private static final Logger LOG = Logger.getLogger(SerialExecutor.class.getName());
    private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG, Level.WARNING);

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(); // guarded by this
    private boolean running;                                       // guarded by this

    public SerialExecutor(Executor pool) {
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
            } catch (RuntimeException | Error e) {
                // Even an Error: the lane must go on, or every later task of the session would wait forever.
                FAILURES.log(() -> "a task failed (" + e + "); the tasks after it run", e);
            }
        }
    }
}
