package io.postmaster.adapter;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of the seed-protocol endpoints, for the application's lifetime: an executor for the work the adapters
 * may not do on the router's threads (the next operation after an answer, an AUTHENTICATE after a CHALLENGE), with a
 * bounded queue ({@value #QUEUE} tasks; a connection whose task is refused is closed with 1011), and a closer for the
 * container's {@code Session.close}, which may block (its queue holds at most one close per open connection), and one
 * timer thread.
 */
@ApplicationScoped
public class Bridges {
    static final int THREADS = 2;
    static final int QUEUE = 10_000;
    private final ThreadPoolExecutor executor = pool("postmaster-bridge-", new ArrayBlockingQueue<>(QUEUE));
    private final ThreadPoolExecutor closer = pool("postmaster-bridge-close-", new LinkedBlockingQueue<>());
    private final java.util.concurrent.ScheduledThreadPoolExecutor timers = newTimers();

    private static java.util.concurrent.ScheduledThreadPoolExecutor newTimers() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        java.util.concurrent.ScheduledThreadPoolExecutor t = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                r -> {
                    Thread th = new Thread(r, "postmaster-bridge-timer");
                    th.setDaemon(true);
                    th.setContextClassLoader(loader);
                    return th;
                });
        t.setRemoveOnCancelPolicy(true);
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return t;
    }

    private static ThreadPoolExecutor pool(String name, java.util.concurrent.BlockingQueue<Runnable> queue) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, queue, r -> {
            Thread t = new Thread(r, name + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        });
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    public Executor executor() {
        return executor;
    }

    public Executor closer() {
        return closer;
    }

    /**
     * Timers: short tasks that never block — a detached session's expiry (at most one per detached session) and the
     * keepalive of each open seed-protocol connection ({@link BridgeSocket}).
     */
    public java.util.concurrent.ScheduledExecutorService timers() {
        return timers;
    }

    @PreDestroy
    void stop() {
        executor.shutdown();
        closer.shutdown();
        timers.shutdown();
    }
}
