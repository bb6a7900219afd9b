package io.postmaster.endpoint;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's executor, within Postmaster's bounds: threads at once, tasks waiting, refusals counted. */
class ManagedLaneTest {

    @Test
    void atMostThreadsRunAndAtMostQueueWait() throws Exception {
        ExecutorService server = Executors.newCachedThreadPool(); // a server's pool: as many threads as asked
        LongAdder refused = new LongAdder();
        ManagedLane lane = new ManagedLane(server, Runnable::run, 2, 3, refused);
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
}
