package io.postmaster.operator;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.router.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Health's checks and their JSON: what makes each endpoint DOWN, and that polling adds no pile of probe tasks. */
class HealthTest {
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    private final Router router = new Router(PostmasterConfig.defaults(), timers);

    @AfterEach
    void close() {
        router.close();
        timers.shutdownNow();
    }

    @Test
    void upWhenAllAnswerInTheMicroProfileShape() {
        Health h = new Health(router, Runnable::run, timers, Duration.ofSeconds(1));
        assertTrue(h.started().up());
        Health.Report live = h.live();
        assertTrue(live.up(), live.json());
        Health.Report ready = h.ready(new ExecutorStats(0, 10, 0, 1, 0), List.of());
        assertTrue(ready.up());
        assertTrue(ready.json().matches("\\{\"status\":\"UP\",\"checks\":\\[\\{\"name\":\"draining\",\"status\":\"UP\","
                + "\"data\":\\{\"callsInFlight\":0,\"draining\":false,\"sessions\":0}},\\{\"name\":\"executor\".*]}"),
                ready.json());
    }

    @Test
    void liveIsDownWhenTheExecutorDoesNotRunTasksAndPollingSharesOneProbe() {
        AtomicInteger queued = new AtomicInteger();
        Executor stuck = task -> queued.incrementAndGet(); // takes tasks, never runs them
        Health h = new Health(router, stuck, timers, Duration.ofMillis(50));
        for (int i = 0; i < 5; i++) {
            Health.Report live = h.live();
            assertFalse(live.up());
            assertTrue(live.json().startsWith("{\"status\":\"DOWN\""), live.json());
        }
        assertEquals(1, queued.get(), "one probe in flight, not one per request");
    }

    @Test
    void liveIsDownWhenTheExecutorRefuses() {
        ThreadPoolExecutor full = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
        CountDownLatch hold = new CountDownLatch(1);
        try {
            full.execute(() -> {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            full.execute(() -> { });
            Health h = new Health(router, full, timers, Duration.ofMillis(200));
            assertFalse(h.live().up());
            assertTrue(ExecutorStats.of(full, 0).saturated());
            assertFalse(h.ready(ExecutorStats.of(full, 0), List.of()).up());
        } finally {
            hold.countDown();
            full.shutdown();
        }
    }

    @Test
    void readyIsDownWhileDrainingOrWhenACheckFailsOrThrows() {
        Health h = new Health(router, Runnable::run, timers, Duration.ofSeconds(1));
        ReadinessCheck engineDown = new ReadinessCheck() {
            public String name() { return "cluster-engine"; }
            public Health.Check check() { return ReadinessCheck.of(name(), false, Map.of("engine", "unreachable")); }
        };
        ReadinessCheck throwing = new ReadinessCheck() {
            public String name() { return "broken"; }
            public Health.Check check() { throw new IllegalStateException("boom"); }
        };
        ExecutorStats idle = new ExecutorStats(0, 10, 0, 1, 0);
        Health.Report r = h.ready(idle, List.of(engineDown));
        assertFalse(r.up());
        assertTrue(r.json().contains(
                "{\"name\":\"cluster-engine\",\"status\":\"DOWN\",\"data\":{\"engine\":\"unreachable\"}}"),
                r.json());
        assertFalse(h.ready(idle, List.of(throwing)).up());
        assertTrue(h.ready(idle, List.of()).up());
        router.drain();
        Health.Report draining = h.ready(idle, List.of());
        assertFalse(draining.up());
        assertTrue(draining.json().contains("\"name\":\"draining\",\"status\":\"DOWN\""));
        assertTrue(h.live().up(), "draining is not a liveness failure");
    }
}
