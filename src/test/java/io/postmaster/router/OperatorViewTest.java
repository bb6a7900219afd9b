package io.postmaster.router;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage.*;
import io.postmaster.metrics.Metrics;
import io.postmaster.operator.ExecutorStats;
import io.postmaster.operator.PrometheusReport;
import io.postmaster.testing.PrometheusText;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What an operator reads of a router — the counters, rendered as Prometheus text and parsed strictly — matches what
 * clients did; the drain refuses new sessions and calls but lets running calls end; a kill from the operator ends a
 * session with its reason.
 */
class OperatorViewTest extends RouterFixture {

    private PrometheusText scrape() {
        return PrometheusText.parse(PrometheusReport.render(router, new ExecutorStats(0, 10, 0, 1, 0), "test"));
    }

    @Test
    void sessionGaugeFollowsJoinsAndGoodbyes() {
        start(Map.of());
        List<TestPeer> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            peers.add(join("p" + i));
        }
        PrometheusText p = scrape();
        assertEquals(3.0, p.value("wamp_sessions", "realm", "realm1"));
        assertEquals(3.0, p.value("wamp_sessions_opened_total"));
        for (TestPeer peer : peers) {
            peer.in(new Goodbye(Map.of(), ErrorUris.CLOSE_NORMAL));
            peer.next(Goodbye.class);
        }
        p = scrape();
        assertEquals(0.0, p.value("wamp_sessions", "realm", "realm1"));
        assertEquals(3.0, p.value("wamp_sessions_closed_total", "reason", "goodbye"));
    }

    @Test
    void callsPublicationsAndRefusalsAreCounted() {
        start(Map.of());
        TestPeer callee = join("callee");
        TestPeer caller = join("caller");
        TestPeer sub = join("sub");
        callee.in(new Register(1, Map.of(), "com.x.proc"));
        callee.next(Registered.class);
        sub.in(new Subscribe(1, Map.of(), "com.x.topic"));
        sub.next(Subscribed.class);
        caller.in(new Call(1, Map.of(), "com.x.proc", List.of(), null));
        Invocation inv = callee.next(Invocation.class);
        assertEquals(1.0, scrape().value("wamp_calls_in_flight", "realm", "realm1"));
        callee.in(new Yield(inv.request(), Map.of(), List.of(1), null));
        caller.next(Result.class);
        caller.in(new Call(2, Map.of(), "com.x.nobody", List.of(), null));
        assertEquals(ErrorUris.NO_SUCH_PROCEDURE, caller.next(io.postmaster.message.WampMessage.Error.class).error());
        caller.in(new Publish(1, Map.of(), "com.x.topic", List.of(), null));
        sub.next(Event.class);
        TestPeer bad = join("bad");
        bad.in(new Welcome(1, Map.of()));
        bad.next(Abort.class);

        PrometheusText p = scrape();
        assertEquals(0.0, p.value("wamp_calls_in_flight", "realm", "realm1"));
        assertEquals(1.0, p.value("wamp_call_duration_seconds_count", "realm", "realm1"));
        assertEquals(1.0, p.value("wamp_registrations", "realm", "realm1"));
        assertEquals(1.0, p.value("wamp_subscriptions", "realm", "realm1"));
        assertTrue(p.value("wamp_publications_total", "realm", "realm1") >= 1.0);
        assertTrue(p.value("wamp_deliveries_total", "realm", "realm1") >= 1.0);
        assertEquals(1.0, p.value("wamp_protocol_violations_total"));
        assertEquals(1.0, p.value("wamp_sessions_closed_total", "reason", "protocol_violation"));
        Metrics m = router.metrics();
        assertEquals(0, m.authFailures());
    }

    @Test
    void drainRefusesNewSessionsAndCallsButLetsRunningCallsEnd() {
        start(Map.of());
        TestPeer callee = join("callee");
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of(), "com.x.proc"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of(), "com.x.proc", List.of(), null));
        Invocation inv = callee.next(Invocation.class);

        router.drain();
        assertTrue(router.draining());
        assertEquals(1.0, scrape().value("postmaster_draining"));
        TestPeer late = connect("late");
        late.in(new Hello("realm1", ROLES));
        assertEquals(ErrorUris.SYSTEM_SHUTDOWN, late.next(Abort.class).reason());
        caller.in(new Call(2, Map.of(), "com.x.proc", List.of(), null));
        var refused = caller.next(io.postmaster.message.WampMessage.Error.class);
        assertEquals(2, refused.request());
        assertEquals(ErrorUris.SYSTEM_SHUTDOWN, refused.error());
        assertEquals(1, router.callsInFlight());
        callee.in(new Yield(inv.request(), Map.of(), List.of("done"), null));
        assertEquals(List.of("done"), caller.next(Result.class).args());
        assertEquals(0, router.callsInFlight());
    }

    @Test
    void operatorKillEndsTheSessionWithItsReason() {
        start(Map.of());
        TestPeer victim = join("victim");
        long id = realm().sessions().iterator().next().id();
        assertFalse(router.kill(id + 1, "com.example.bye", "bye"));
        assertTrue(router.kill(id, "com.example.maintenance", "bye"));
        assertEquals("com.example.maintenance", victim.next(Goodbye.class).reason());
        await(() -> victim.closeCode != 0, "the transport closed");
        assertEquals(1.0, scrape().value("wamp_sessions_closed_total", "reason", "killed"));
        TestPeer other = join("other");
        String authid = realm().sessions().iterator().next().authid();
        assertEquals(1, router.killByAuthid("realm1", authid, "not a uri", null));
        assertEquals(ErrorUris.CLOSE_NORMAL, other.next(Goodbye.class).reason());
    }
}
