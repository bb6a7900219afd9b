package io.postmaster.router;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage.*;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.postmaster.router.RouterTest.ROLES;
import static io.postmaster.router.RouterTest.assertError;
import static org.junit.jupiter.api.Assertions.*;

/** The caps on what one client can make the router hold: per session, per realm, retained bytes, HELLO bounds. */
class SessionLimitsTest extends RouterFixture {

    @BeforeEach
    void start() {
        Map<String, String> settings = new HashMap<>(Map.of(
                "postmaster.realms", "realm1,small",
                "postmaster.realm.small.max-subscriptions", "3",
                "postmaster.realm.small.max-registrations", "2",
                "postmaster.realm.small.max-pending-calls", "2",
                "postmaster.realm.small.realm-max-subscriptions", "5",
                "postmaster.realm.small.realm-max-registrations", "3",
                "postmaster.realm.small.realm-max-pending-calls", "3",
                "postmaster.realm.small.retained-max-bytes", "2000"));
        start(settings);
    }

    @AfterEach
    void stop() {
        router.close();
    }

    TestPeer join(String realm, String name) {
        return join(realm, name, ROLES);
    }

    @Test
    void subscriptionsPerSessionAndPerRealm() {
        TestPeer a = join("small", "a");
        long first = 0;
        for (int i = 1; i <= 3; i++) {
            a.in(new Subscribe(i, Map.of(), "com.t" + i));
            long id = a.next(Subscribed.class).subscription();
            first = i == 1 ? id : first;
        }
        a.in(new Subscribe(4, Map.of(), "com.t1")); // the same subscription again: no new slot taken
        a.next(Subscribed.class);
        a.in(new Subscribe(5, Map.of("match", "prefix"), "com."));
        assertError(a.next(), MessageType.SUBSCRIBE, 5, ErrorUris.LIMIT_REACHED);

        TestPeer b = join("small", "b");
        b.in(new Subscribe(1, Map.of(), "com.t1"));
        b.next(Subscribed.class);
        b.in(new Subscribe(2, Map.of(), "com.b"));
        b.next(Subscribed.class);
        b.in(new Subscribe(3, Map.of(), "com.c")); // 6th in the realm
        assertError(b.next(), MessageType.SUBSCRIBE, 3, ErrorUris.LIMIT_REACHED);

        // unsubscribing and leaving give the slots back
        a.in(new Unsubscribe(6, first));
        a.next(Unsubscribed.class);
        b.in(new Subscribe(4, Map.of(), "com.c"));
        b.next(Subscribed.class);
        a.connection.onTransportClosed();
        assertEquals(3, subscriptionsHeld(router.realm("small")));
        b.connection.onTransportClosed();
        assertEquals(0, subscriptionsHeld(router.realm("small")));
    }

    @Test
    void registrationsPerSessionAndPerRealm() {
        TestPeer a = join("small", "a");
        a.in(new Register(1, Map.of(), "com.p1"));
        a.next(Registered.class);
        a.in(new Register(2, Map.of(), "com.p2"));
        a.next(Registered.class);
        a.in(new Register(3, Map.of(), "com.p3"));
        assertError(a.next(), MessageType.REGISTER, 3, ErrorUris.LIMIT_REACHED);
        a.in(new Register(4, Map.of(), "com.p1")); // the existing answer still wins over the cap
        assertError(a.next(), MessageType.REGISTER, 4, ErrorUris.PROCEDURE_ALREADY_EXISTS);

        TestPeer b = join("small", "b");
        b.in(new Register(1, Map.of(), "com.q1"));
        b.next(Registered.class);
        b.in(new Register(2, Map.of(), "com.q2"));
        assertError(b.next(), MessageType.REGISTER, 2, ErrorUris.LIMIT_REACHED);
        a.connection.onTransportClosed();
        b.in(new Register(3, Map.of(), "com.q2"));
        b.next(Registered.class);
        b.connection.onTransportClosed();
        assertEquals(0, registrationsHeld(router.realm("small")));
    }

    @Test
    void pendingCallsPerCallerAndPerRealm() {
        TestPeer callee = join("small", "callee");
        callee.in(new Register(1, Map.of(), "com.slow"));
        callee.next(Registered.class);
        TestPeer a = join("small", "a");
        a.in(new Call(1, Map.of(), "com.slow", null, null));
        a.in(new Call(2, Map.of(), "com.slow", null, null));
        a.in(new Call(3, Map.of(), "com.slow", null, null));
        assertError(a.next(), MessageType.CALL, 3, ErrorUris.LIMIT_REACHED);
        TestPeer b = join("small", "b");
        b.in(new Call(1, Map.of(), "com.slow", null, null));
        b.in(new Call(2, Map.of(), "com.slow", null, null)); // 4th in the realm
        assertError(b.next(), MessageType.CALL, 2, ErrorUris.LIMIT_REACHED);

        // an answer frees the slot
        Invocation first = callee.next(Invocation.class);
        callee.in(new Yield(first.request(), Map.of(), null, null));
        assertEquals(1, a.next(Result.class).request());
        a.in(new Call(4, Map.of(), "com.slow", null, null));
        callee.next(Invocation.class);
        callee.next(Invocation.class);
        callee.next(Invocation.class);
        assertEquals(3, callsWaiting(router.realm("small")));
        // the callee leaves: every call ends, every slot comes back
        callee.connection.onTransportClosed();
        assertEquals(0, callsWaiting(router.realm("small")));
        assertTrue(noCallsOf(a));
    }

    @Test
    void retainedEventsAreCappedByBytes() {
        TestPeer p = join("small", "p");
        String kb = "x".repeat(900);
        p.in(new Publish(1, Map.of("retain", true, "acknowledge", true), "com.r1", List.of(kb), null));
        p.next(Published.class);
        p.in(new Publish(2, Map.of("retain", true, "acknowledge", true), "com.r2", List.of(kb), null));
        p.next(Published.class);
        // past 2000 bytes: still PUBLISHED (the event went out), but not retained
        p.in(new Publish(3, Map.of("retain", true, "acknowledge", true), "com.r3", List.of(kb), null));
        p.next(Published.class);
        Realm small = router.realm("small");
        assertTrue(retainedBytes(small) <= 2000, "retained bytes " + retainedBytes(small));
        Map<String, Object> kept = new LinkedHashMap<>();
        retained(small).forEach(kept::put);
        assertEquals(List.of("com.r1", "com.r2"), kept.keySet().stream().sorted().toList());
        // replacing a retained event counts the difference; a too-big replacement drops the stale one
        p.in(new Publish(4, Map.of("retain", true), "com.r1", List.of("small"), null));
        p.in(new Publish(5, Map.of("retain", true, "acknowledge", true), "com.r3", List.of(kb), null));
        p.next(Published.class);
        kept.clear();
        retained(small).forEach(kept::put);
        assertEquals(List.of("com.r1", "com.r2", "com.r3"), kept.keySet().stream().sorted().toList());
        p.in(new Publish(6, Map.of("retain", true, "acknowledge", true), "com.r1", List.of("y".repeat(3000)), null));
        p.next(Published.class);
        kept.clear();
        retained(small).forEach(kept::put);
        assertEquals(List.of("com.r2", "com.r3"), kept.keySet().stream().sorted().toList());
    }

    @Test
    void eventHistoryIsCappedByBytes() {
        io.postmaster.router.EventHistory h = new io.postmaster.router.EventHistory(
                new java.util.concurrent.atomic.AtomicLong(), 100, 2000);
        for (long i = 1; i <= 3; i++) {
            h.record("com.h", i, Map.of(), List.of("x".repeat(800)), null, null);
        }
        assertEquals(List.of(2L, 3L), h.entries().stream().map(e -> e.publication()).toList());
        assertTrue(h.bytes() <= 2000);
        h.record("com.h", 4, Map.of(), List.of("x".repeat(3000)), null, null); // bigger than the budget: not kept
        assertEquals(List.of(2L, 3L), h.entries().stream().map(e -> e.publication()).toList());
        h.record("com.h", 5, Map.of(), List.of("small"), null, null);
        assertEquals(List.of(2L, 3L, 5L), h.entries().stream().map(e -> e.publication()).toList());
    }

    @Test
    void oversizeHelloIsAborted() {
        TestPeer big = TestPeer.connect(router, "big");
        Map<String, Object> details = new HashMap<>(ROLES);
        details.put("authextra", Map.of("junk", "x".repeat(70_000)));
        big.in(new Hello("realm1", details));
        assertEquals(ErrorUris.INVALID_ARGUMENT, big.next(Abort.class).reason());

        TestPeer deep = TestPeer.connect(router, "deep");
        Object nested = Map.of();
        for (int i = 0; i < 20; i++) {
            nested = Map.of("n", nested);
        }
        details = new HashMap<>(ROLES);
        details.put("authextra", nested);
        deep.in(new Hello("realm1", details));
        assertEquals(ErrorUris.INVALID_ARGUMENT, deep.next(Abort.class).reason());

        TestPeer longId = TestPeer.connect(router, "long");
        details = new HashMap<>(ROLES);
        details.put("authid", "j".repeat(257));
        longId.in(new Hello("realm1", details));
        assertEquals(ErrorUris.INVALID_ARGUMENT, longId.next(Abort.class).reason());

        TestPeer ok = TestPeer.connect(router, "ok");
        details = new HashMap<>(ROLES);
        details.put("authid", "j".repeat(256));
        ok.in(new Hello("realm1", details));
        ok.next(Welcome.class);
    }

    @Test
    void announcedFeaturesNeverGrowAStaticCache() {
        for (int i = 0; i < 300; i++) {
            TestPeer p = TestPeer.connect(router, "f" + i);
            Map<String, Object> features = new HashMap<>();
            features.put("call_canceling", true);
            features.put("made_up_" + i + "_" + "z".repeat(1000), true);
            p.in(new Hello("realm1", Map.of("roles", Map.of("callee", Map.of("features", features),
                    "x" + i, Map.of("features", features)))));
            p.next(Welcome.class);
            Session s = p.connection.session();
            assertTrue(s.supports("callee", "call_canceling"));
            assertFalse(s.supports("callee", "made_up_" + i + "_" + "z".repeat(1000)));
            // the made-up names were dropped: a session keeps one bit per known feature it announced, nothing else
            assertEquals(1, Long.bitCount((Long) field(s, "features")), "one known feature announced");
            p.connection.onTransportClosed();
        }
    }

    @Test
    void overlongUrisAreRefusedEverywhere() {
        TestPeer p = join("realm1", "p");
        String dots = ".".repeat(Uris.MAX_COMPONENTS);
        p.in(new Subscribe(1, Map.of("match", "wildcard"), dots));
        assertError(p.next(), MessageType.SUBSCRIBE, 1, ErrorUris.INVALID_URI);
        p.in(new Register(2, Map.of("match", "prefix"), "a." + "b".repeat(Uris.MAX_LENGTH)));
        assertError(p.next(), MessageType.REGISTER, 2, ErrorUris.INVALID_URI);
        p.in(new Call(3, Map.of(), "a" + ".b".repeat(Uris.MAX_COMPONENTS), null, null));
        assertError(p.next(), MessageType.CALL, 3, ErrorUris.INVALID_URI);
        p.in(new Publish(4, Map.of("acknowledge", true), "a" + ".b".repeat(Uris.MAX_COMPONENTS), null, null));
        assertError(p.next(), MessageType.PUBLISH, 4, ErrorUris.INVALID_URI);
        p.in(new Call(5, Map.of(), "wamp.subscription.match", List.of(".".repeat(1 << 16)), null));
        assertEquals(java.util.Collections.singletonList(null), p.next(Result.class).args());
        assertTrue(noSubscriptions(router.realm("realm1")));
    }
}
