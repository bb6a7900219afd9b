package io.postmaster.router;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Meta events come out in queue order, and nobody publishes more than a handful of someone else's. */
class MetaEventsTest {

    @Test
    void aThreadThatMeetsABacklogPublishesABudgetAndHandsTheRestOn() throws Exception {
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        Map<Thread, AtomicInteger> byThread = new ConcurrentHashMap<>();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService background = Executors.newSingleThreadExecutor();
        MetaEvents events = new MetaEvents((topic, args) -> {
            long n = (Long) args.get(0);
            if (n == 0) { // the first publisher stalls on its own event, so a backlog builds behind it
                firstStarted.countDown();
                await(release);
            }
            byThread.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).incrementAndGet();
            published.add(n);
        }, background);
        try {
            Thread first = new Thread(() -> {
                events.add("t", List.of(0L));
                events.flush();
            });
            first.start();
            assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
            int backlog = 10 * MetaEvents.INLINE;
            for (long n = 1; n <= backlog; n++) {
                events.add("t", List.of(n));
            }
            events.flush(); // someone is publishing: returns at once, publishes nothing
            assertNull(byThread.get(Thread.currentThread()));
            release.countDown();
            first.join(5_000);
            assertFalse(first.isAlive());
            assertEquals(MetaEvents.INLINE, byThread.get(first).get(), "the first thread: its budget, then hand-off");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (published.size() < backlog + 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            List<Long> expected = new ArrayList<>();
            for (long n = 0; n <= backlog; n++) {
                expected.add(n);
            }
            assertEquals(expected, published, "every event, in queue order");
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void withoutABacklogTheCallerPublishesItsOwnEventsAtOnce() {
        List<String> published = new ArrayList<>();
        MetaEvents events = new MetaEvents((topic, args) -> published.add(topic), r -> fail("no hand-off expected"));
        for (int i = 0; i < 3 * MetaEvents.INLINE; i++) {
            events.add("a" + i, List.of());
            events.add("b" + i, List.of());
            events.flush();
            assertEquals("b" + i, published.get(published.size() - 1));
        }
    }

    @Test
    void aPublisherThatThrowsDoesNotStopTheOthers() {
        List<String> published = new ArrayList<>();
        MetaEvents events = new MetaEvents((topic, args) -> {
            if (topic.equals("bad")) {
                throw new IllegalStateException("boom");
            }
            published.add(topic);
        }, Runnable::run);
        events.add("bad", List.of());
        events.add("good", List.of());
        events.flush();
        assertEquals(List.of("good"), published);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
