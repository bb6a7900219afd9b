package io.postmaster.endpoint;

import io.postmaster.config.ConnectionLimits;
import io.postmaster.config.OutboundLimits;
import io.postmaster.router.Peer;
import io.postmaster.serialization.JsonSerializer;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The keepalive's decisions, one interval at a time ({@link Keepalive#run} is what the timer calls). */
class KeepaliveTest {
    private final AtomicInteger pings = new AtomicInteger();
    private final AtomicInteger timeouts = new AtomicInteger();
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    private WebSocketPeer peer() {
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (p, m, a) -> {
                    if (m.getName().equals("sendPing")) {
                        pings.incrementAndGet();
                    }
                    return null;
                });
        Session ws = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getAsyncRemote" -> remote;
                    case "getId" -> "ws-1";
                    default -> null;
                });
        return new WebSocketPeer(ws, new JsonSerializer(), 100, OutboundLimits.from(k -> null),
                new OutboundBudget(Long.MAX_VALUE), Runnable::run, Runnable::run,
                new Peer.TransportInfo("127.0.0.1:1", "wamp.2.json"), false);
    }

    private Keepalive keepalive(int maxMissed) {
        Keepalive k = Keepalive.start(new ConnectionLimits(10, Duration.ofHours(1), maxMissed), peer(), timers,
                timeouts::incrementAndGet);
        assertNotNull(k);
        k.run(); // the first look: the connection's opening counts as hearing from it
        assertEquals(0, pings.get(), "a connection is not pinged at its first look");
        return k;
    }

    @Test
    void aPeerThatSendsIsNeverPinged() {
        Keepalive k = keepalive(2);
        for (int i = 0; i < 10; i++) {
            k.heard();
            k.run();
        }
        assertEquals(0, pings.get());
        assertEquals(0, timeouts.get());
    }

    @Test
    void aSilentPeerIsPingedAndClosedAfterTheMissedPings() {
        Keepalive k = keepalive(2);
        k.run();
        assertEquals(1, pings.get());
        k.run();
        assertEquals(2, pings.get());
        assertEquals(0, timeouts.get(), "two unanswered pings are allowed");
        k.run();
        assertEquals(1, timeouts.get(), "the third interval without an answer closes it");
        assertEquals(2, pings.get());
    }

    @Test
    void aPongResetsTheCount() {
        Keepalive k = keepalive(1);
        for (int i = 0; i < 5; i++) {
            k.run(); // ping
            k.heard(); // pong
            k.run(); // alive: no ping
        }
        assertEquals(5, pings.get());
        assertEquals(0, timeouts.get());
    }

    @Test
    void keepalivesOfOneIntervalShareOneSweepThatLooksAtEachUntilStopped() {
        ConnectionLimits limits = new ConnectionLimits(10, Duration.ofMinutes(7), 1);
        Keepalive a = Keepalive.start(limits, pings::incrementAndGet, timers, timeouts::incrementAndGet);
        Keepalive b = Keepalive.start(limits, pings::incrementAndGet, timers, timeouts::incrementAndGet);
        assertNotNull(a);
        assertNotNull(b);
        Keepalive.Sweep sweep = Keepalive.Sweep.of(timers, Duration.ofMinutes(7).toMillis());
        assertEquals(2, sweep.size(), "one sweep for both");
        assertEquals(1, timers.getQueue().size(), "one timer task for both");
        sweep.run(); // the first look: both heard at opening
        assertEquals(0, pings.get());
        sweep.run();
        assertEquals(2, pings.get(), "each silent connection pinged once");
        a.stop();
        assertEquals(1, sweep.size());
        sweep.run(); // b missed its one allowed ping: timed out, and out of the sweep
        assertEquals(2, pings.get());
        assertEquals(1, timeouts.get());
        assertEquals(0, sweep.size());
        sweep.run();
        assertEquals(1, timeouts.get(), "a stopped keepalive is not looked at again");
        b.stop(); // stopping twice is harmless
        assertEquals(0, sweep.size());
    }

    @Test
    void aFailingConnectionDoesNotEndTheOthersKeepalives() {
        ConnectionLimits limits = new ConnectionLimits(10, Duration.ofMinutes(9), 5);
        Keepalive.start(limits, () -> {
            throw new IllegalStateException("test");
        }, timers, () -> { });
        Keepalive.start(limits, pings::incrementAndGet, timers, () -> { });
        Keepalive.Sweep sweep = Keepalive.Sweep.of(timers, Duration.ofMinutes(9).toMillis());
        sweep.run();
        sweep.run();
        sweep.run();
        assertEquals(2, pings.get());
    }

    @Test
    void noPingsWhenTheIntervalIsZero() {
        assertNull(Keepalive.start(new ConnectionLimits(10, Duration.ZERO, 1), peer(), timers, () -> { }));
    }
}
