package io.postmaster.endpoint;

import io.postmaster.logging.RateLimitedLog;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Application code on the server's managed executor ({@code java:comp/DefaultManagedExecutorService}), within
 * Postmaster's own bounds: at most {@code threads} tasks run at once (each a worker borrowing one of the server's
 * threads while there is work) and at most {@code queue} wait; past that a task is refused with
 * {@link RejectedExecutionException}, never queued without bound. A managed executor gives each task the context
 * of the thread that submitted it; tasks are queued here from threads without one (timers, the container's I/O
 * thread), so workers are submitted through a contextual proxy of the server's {@code ContextService} made when the
 * application started: each runs in the deployment's EE context (JNDI {@code java:comp}, its class loader). Where the server refuses a worker (it is stopping, or its own queue is full), the worker runs on
 * {@code fallback} instead, so a queued task is never stranded.
 */
public final class ManagedLane implements Executor {
    private static final Logger LOG = Logger.getLogger(ManagedLane.class.getName());
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog SERVER_REFUSED = new RateLimitedLog(LOG, Level.WARNING);

    /** The server's executor, through the deployment's context once captured (see {@link #submitThrough}). */
    private volatile Executor managed;
    private final Executor fallback;
    private final int threads;
    private final ArrayBlockingQueue<Runnable> waiting;
    private final AtomicInteger workers = new AtomicInteger();
    private final LongAdder rejections;

    /**
     * @param managed    the server's managed executor, called inside the deployment's context where the server's
     *                   ContextService captured it, so that each worker it starts carries that context
     * @param fallback   where a worker runs when the server refuses it
     * @param threads    tasks that may run at once ({@code postmaster.executor-threads})
     * @param queue      tasks that may wait ({@code postmaster.executor-queue})
     * @param rejections counts refused tasks
     */
    ManagedLane(Executor managed, Executor fallback, int threads, int queue, LongAdder rejections) {
        this.managed = managed;
        this.fallback = fallback;
        this.threads = threads;
        this.waiting = new ArrayBlockingQueue<>(queue);
        this.rejections = rejections;
    }

    /**
     * From now on, workers are submitted through {@code contextual}: the server's executor called inside a context
     * captured where the server sets up the application's full context (see {@code ContextCapture}).
     */
    void submitThrough(Executor contextual) {
        managed = contextual;
    }

    @Override
    public void execute(Runnable task) {
        if (!waiting.offer(task)) {
            rejections.increment();
            throw new RejectedExecutionException("the executor's queue is full (postmaster.executor-queue)");
        }
        startWorker();
    }

    /** Starts a worker if tasks wait and fewer than {@code threads} run. */
    private void startWorker() {
        while (!waiting.isEmpty()) {
            int n = workers.get();
            if (n >= threads) {
                return; // a running worker takes the task when it is done with the one in hand
            }
            if (workers.compareAndSet(n, n + 1)) {
                try {
                    managed.execute(this::work);
                } catch (RuntimeException e) { // refused, stopping, or the context proxy failed: never a lost worker
                    SERVER_REFUSED.log(() -> "the server's managed executor refused a worker (" + e
                            + "); running it on Postmaster's own thread");
                    fallback.execute(this::work);
                }
                return;
            }
        }
    }

    /** Runs waiting tasks until none is left, then lets go of the thread. */
    private void work() {
        try {
            Runnable task;
            while ((task = waiting.poll()) != null) {
                Runnable t = task;
                try {
                    t.run();
                } catch (RuntimeException | Error e) { // a task's own failure: the worker goes on with the next
                    FAILED.log(() -> "a task of application code failed", e);
                }
            }
        } finally {
            workers.decrementAndGet();
            startWorker(); // a task queued while this worker was letting go
        }
    }

    /** Tasks waiting. */
    public int queued() {
        return waiting.size();
    }

    /** Tasks that may wait. */
    public int capacity() {
        return waiting.size() + waiting.remainingCapacity();
    }

    /** Workers running. */
    public int active() {
        return workers.get();
    }

    /** Tasks that may run at once. */
    public int threads() {
        return threads;
    }
}
