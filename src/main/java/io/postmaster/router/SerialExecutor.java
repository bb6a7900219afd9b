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
    // guarded by this: the task to run next, and those after it. Most lanes have at most one task waiting, and an idle
    // session's lane none: the queue is made only when a second task waits, and let go once it is empty again.
    private Runnable next;
    private ArrayDeque<Runnable> more;
    private boolean running;

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    /** Queues {@code task}; throws {@link RejectedExecutionException} if the pool refuses to start the lane. */
    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            if (next == null && more == null) {
                next = task;
            } else {
                if (more == null) {
                    more = new ArrayDeque<>();
                }
                more.add(task);
            }
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
                next = null;
                more = null;
            }
            throw e;
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            Runnable task;
            synchronized (this) {
                task = poll();
                if (task == null) {
                    running = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                // Even an Error: the lane must go on, or every later task of the session would wait forever.
                FAILURES.log(() -> "a task failed (" + e + "); the tasks after it run", e);
            }
        }
    }

    /** The next task in submission order, or null. */
    private Runnable poll() { // guarded by this
        Runnable task = next;
        if (task != null) {
            next = null;
            return task;
        }
        ArrayDeque<Runnable> q = more;
        if (q == null) {
            return null;
        }
        task = q.poll();
        if (q.isEmpty()) {
            more = null;
        }
        return task;
    }
}
