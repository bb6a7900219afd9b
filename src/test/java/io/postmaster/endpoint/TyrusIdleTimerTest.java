package io.postmaster.endpoint;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TyrusIdleTimer} against a stand-in shaped like Tyrus' session: with no idle timeout the timer it restarts on
 * every message costs nothing, and a real timeout is still scheduled on the server's executor.
 */
class TyrusIdleTimerTest {
    private final AtomicInteger scheduled = new AtomicInteger();
    private final ScheduledExecutorService real = Executors.newSingleThreadScheduledExecutor();

    /** Tyrus' TyrusSession, in shape: the server's scheduler in a private field, the timer restarted per message. */
    final class Session {
        private ScheduledExecutorService service = counting(real);
        private long maxIdleTimeout;
        private ScheduledFuture<?> idleTimeoutFuture;

        void restartIdleTimeoutExecutor() { // as Tyrus 2.1 does on every message received or sent
            if (idleTimeoutFuture != null) {
                idleTimeoutFuture.cancel(false);
            }
            idleTimeoutFuture = service.schedule(() -> { }, maxIdleTimeout, TimeUnit.MILLISECONDS);
        }
    }

    private ScheduledExecutorService counting(ScheduledExecutorService s) {
        return (ScheduledExecutorService) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ScheduledExecutorService.class}, (p, m, a) -> {
                    if (m.getName().equals("schedule")) {
                        scheduled.incrementAndGet();
                    }
                    return m.invoke(s, a);
                });
    }

    @AfterEach
    void stop() {
        real.shutdownNow();
    }

    @Test
    void withoutAnIdleTimeoutTheTimerIsNeverScheduled() {
        Session s = new Session();
        assertTrue(TyrusIdleTimer.install(s));
        for (int i = 0; i < 1000; i++) {
            s.restartIdleTimeoutExecutor();
        }
        assertEquals(0, scheduled.get(), "nothing should reach the server's executor");
        assertTrue(s.idleTimeoutFuture.isDone());
    }

    @Test
    void aRealIdleTimeoutIsStillScheduled() {
        Session s = new Session();
        TyrusIdleTimer.install(s);
        s.maxIdleTimeout = 60_000;
        s.restartIdleTimeoutExecutor();
        assertEquals(1, scheduled.get());
        assertFalse(s.idleTimeoutFuture.isDone());
    }

    @Test
    void installedOnceAndSharedPerExecutor() {
        Session a = new Session();
        Session b = new Session();
        b.service = a.service;
        assertTrue(TyrusIdleTimer.install(a));
        assertTrue(TyrusIdleTimer.install(b));
        assertSame(a.service, b.service);
        assertFalse(TyrusIdleTimer.install(a), "already installed");
    }

    @Test
    void otherSessionsAreLeftAlone() {
        assertFalse(TyrusIdleTimer.install(new Object()));
        assertFalse(TyrusIdleTimer.install(null));
    }
}
