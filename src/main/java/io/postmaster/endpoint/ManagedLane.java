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
 *
 * <p>Workers go to the server only once it has run a task of this lane: a probe is handed to it when the lane is
 * made (on a thread of its own), and until the server has run it, workers run on {@code fallback}. A server may not
 * run an application's tasks until the application has started — Open Liberty applies a task's captured context
 * only to a started application, and a thread that submits one while the application starts waits for the start —
 * and whatever the application waits for while starting (the joins of its {@code @WampSubscription} beans, an
 * application's own join in a startup observer) would then wait for its own start. So application code that runs
 * while the application starts runs on Postmaster's own threads, with the deployment's class loader but without
 * {@code java:comp}; from the server's first task on (at once on servers that run tasks during the start), on the
 * server's.
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
    /** Whether the server has run a task of this lane: until then workers run on {@link #fallback}. */
    private volatile boolean serverRuns;
    /** How often, and how far apart, a probe the server refuses is handed again. */
    private static final int PROBE_ATTEMPTS = 120;
    private static final long PROBE_RETRY_MS = 1000;

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
        Thread prober = new Thread(this::probe, "postmaster-managed-probe");
        prober.setDaemon(true);
        prober.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        prober.start();
    }

    /**
     * Hands the server a task that marks it as running this lane's tasks (see the class doc), on a thread of its own:
     * while the application starts, the server may refuse the task (Open Liberty, from some of its threads), or
     * block the caller until the start is done (Open Liberty applies a task's captured context only to a started
     * application) — neither may hold up a worker. A refused probe is handed again a second later, for at most
     * {@value #PROBE_ATTEMPTS} attempts; then application code stays on Postmaster's own threads.
     */
    private void probe() {
        for (int attempt = 1; attempt <= PROBE_ATTEMPTS && !serverRuns; attempt++) {
            try {
                managed.execute(() -> {
                    if (!serverRuns) {
                        serverRuns = true;
                        LOG.info("the server runs this application's managed tasks: application code moves to its"
                                + " managed executor");
                    }
                });
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "the server refused the managed executor's probe; handing it again", e);
            }
            try {
                Thread.sleep(PROBE_RETRY_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (!serverRuns) {
            LOG.warning("the server did not take a task of this application in " + PROBE_ATTEMPTS + " attempts:"
                    + " application code stays on Postmaster's own threads");
        }
    }

    /** Whether workers go to the server's executor yet (it has run a task of this lane). */
    boolean onServer() {
        return serverRuns;
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
                if (!serverRuns) {
                    fallback.execute(() -> work(true)); // while the application starts: see the class doc
                    return;
                }
                try {
                    managed.execute(() -> work(false));
                } catch (RuntimeException e) { // refused, stopping, or the context proxy failed: never a lost worker
                    SERVER_REFUSED.log(() -> "the server's managed executor refused a worker (" + e
                            + "); running it on Postmaster's own thread");
                    fallback.execute(() -> work(false));
                }
                return;
            }
        }
    }

    /**
     * Runs waiting tasks until none is left, then lets go of the thread; a worker started on Postmaster's own thread
     * while the server ran none of the lane's tasks also lets go once it does, so that the tasks after it move to
     * the server's executor.
     */
    private void work(boolean untilServerRuns) {
        try {
            Runnable task;
            while (!(untilServerRuns && serverRuns) && (task = waiting.poll()) != null) {
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
