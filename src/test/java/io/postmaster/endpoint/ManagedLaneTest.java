package io.postmaster.endpoint;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's executor, within Postmaster's bounds: threads at once, tasks waiting, refusals counted. */
class ManagedLaneTest {

    @Test
    void atMostThreadsRunAndAtMostQueueWait() throws Exception {
        ExecutorService server = Executors.newCachedThreadPool(); // a server's pool: as many threads as asked
        LongAdder refused = new LongAdder();
        ManagedLane lane = new ManagedLane(server, Runnable::run, 2, 3, refused);
        awaitOnServer(lane);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(5);
        Runnable task = () -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            done.countDown();
        };
        lane.execute(task);
        lane.execute(task);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running.get() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // both workers hold a task
        }
        lane.execute(task);
        lane.execute(task);
        lane.execute(task); // three waiting: the queue is full
        assertThrows(RejectedExecutionException.class, () -> lane.execute(task));
        assertEquals(1, refused.sum());
        assertEquals(3, lane.queued());
        release.countDown();
        assertTrue(done.await(5, TimeUnit.SECONDS), "every accepted task ran");
        assertEquals(2, most.get(), "never more than postmaster.executor-threads at once");
        server.shutdown();
    }

    @Test
    void aWorkerTheServerRefusesRunsOnTheFallback() throws Exception {
        ExecutorService stopped = Executors.newSingleThreadExecutor();
        stopped.shutdown();
        ExecutorService fallback = Executors.newSingleThreadExecutor();
        ManagedLane lane = new ManagedLane(stopped, fallback, 1, 10, new LongAdder());
        CountDownLatch ran = new CountDownLatch(1);
        lane.execute(ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS), "the task is not stranded");
        fallback.shutdown();
    }

    @Test
    void aFailingTaskDoesNotStopTheWorker() throws Exception {
        ExecutorService server = Executors.newCachedThreadPool();
        ManagedLane lane = new ManagedLane(server, Runnable::run, 1, 10, new LongAdder());
        CountDownLatch ran = new CountDownLatch(1);
        lane.execute(() -> {
            throw new IllegalStateException("application bug");
        });
        lane.execute(ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        server.shutdown();
    }

    @Test
    void whileTheServerHoldsTasksUntilTheApplicationHasStartedTasksRunOnPostmastersThreads() throws Exception {
        // Open Liberty: a managed task submitted while the application starts runs only once it has started, so
        // anything the start waits for must not be one.
        HeldUntilStarted server = new HeldUntilStarted();
        ExecutorService own = Executors.newSingleThreadExecutor(r -> new Thread(r, "own"));
        ManagedLane lane = new ManagedLane(server, own, 2, 10, new LongAdder());
        CompletableFuture<String> whileStarting = new CompletableFuture<>();
        lane.execute(() -> whileStarting.complete(Thread.currentThread().getName()));
        assertEquals("own", whileStarting.get(5, TimeUnit.SECONDS), "a task awaited while the application starts");
        assertFalse(lane.onServer());

        server.started();
        awaitOnServer(lane);
        CompletableFuture<String> afterStart = new CompletableFuture<>();
        lane.execute(() -> afterStart.complete(Thread.currentThread().getName()));
        assertEquals("server", afterStart.get(5, TimeUnit.SECONDS), "once the server runs tasks, they go there");
        server.pool.shutdown();
        own.shutdown();
    }

    @Test
    void aWorkerOnPostmastersThreadHandsOverOnceTheServerRunsTasks() throws Exception {
        HeldUntilStarted server = new HeldUntilStarted();
        ExecutorService own = Executors.newSingleThreadExecutor(r -> new Thread(r, "own"));
        ManagedLane lane = new ManagedLane(server, own, 1, 10, new LongAdder());
        CountDownLatch release = new CountDownLatch(1);
        lane.execute(() -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<String> next = new CompletableFuture<>();
        lane.execute(() -> next.complete(Thread.currentThread().getName())); // waits behind the first
        server.started();
        awaitOnServer(lane);
        release.countDown();
        assertEquals("server", next.get(5, TimeUnit.SECONDS), "the worker on the own thread let go");
        server.pool.shutdown();
        own.shutdown();
    }

    /** Waits (5 s at most) until the lane has seen the server run its probe. */
    private static void awaitOnServer(ManagedLane lane) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!lane.onServer() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(lane.onServer(), "the server ran the lane's probe");
    }

    /** A server's executor that accepts tasks at once but runs them only once the application has started. */
    private static final class HeldUntilStarted implements Executor {
        final ExecutorService pool = Executors.newCachedThreadPool(r -> new Thread(r, "server"));
        private final List<Runnable> held = new ArrayList<>();
        private boolean started;

        @Override
        public synchronized void execute(Runnable task) {
            if (started) {
                pool.execute(task);
            } else {
                held.add(task);
            }
        }

        synchronized void started() {
            started = true;
            held.forEach(pool::execute);
            held.clear();
        }
    }
}
