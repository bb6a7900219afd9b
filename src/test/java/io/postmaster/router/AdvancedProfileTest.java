package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.Ids;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.postmaster.router.RouterTest.assertError;
import static org.junit.jupiter.api.Assertions.*;

/** The Advanced Profile features through in-memory peers; every scenario ends with empty tables. */
class AdvancedProfileTest extends RouterFixture {
    static final Map<String, Object> CANCELING_CALLEE = Map.of("roles", Map.of(
            "callee", Map.of("features", Map.of("call_canceling", true, "progressive_call_results", true,
                    "call_timeout", true)),
            "caller", Map.of(), "publisher", Map.of(), "subscriber", Map.of()));

    @BeforeEach
    void start() {
        start(Map.of("postmaster.call-max-pending-ms", "400"));
    }

    @AfterEach
    void stop() {
        router.close();
        Realm r = router.realm("realm1");
        assertTrue(noSubscriptions(r) && noRegistrations(r) && r.sessions().isEmpty(), "tables empty");
    }

    TestPeer join(String name, Map<String, Object> roles, String authid) {
        return join("realm1", name, roles, authid);
    }

    long sessionId(TestPeer p) {
        return p.connection.session().id();
    }

    /** The authid the router gave the session (anonymous sessions cannot choose theirs). */
    static String authid(TestPeer p) {
        return p.connection.session().authid();
    }

    // ------------------------------------------------------------------------------------------ pub/sub

    @Test
    void patternSubscriptionsGetOneEventEachWithTheTopic() {
        TestPeer sub = join("sub");
        TestPeer pub = join("pub");
        sub.in(new Subscribe(1, Map.of(), "com.app.sensor.temp"));
        sub.in(new Subscribe(2, Map.of("match", "prefix"), "com.app."));
        sub.in(new Subscribe(3, Map.of("match", "wildcard"), "com..sensor."));
        long exact = sub.next(Subscribed.class).subscription();
        long prefix = sub.next(Subscribed.class).subscription();
        long wildcard = sub.next(Subscribed.class).subscription();
        pub.in(new Publish(1, Map.of(), "com.app.sensor.temp", List.of(21L), null));
        Map<Long, Event> got = new java.util.HashMap<>();
        for (int i = 0; i < 3; i++) {
            Event e = sub.next(Event.class);
            got.put(e.subscription(), e);
        }
        assertEquals(Set.of(exact, prefix, wildcard), got.keySet());
        assertNull(got.get(exact).details().get("topic"));
        assertEquals("com.app.sensor.temp", got.get(prefix).details().get("topic"));
        assertEquals("com.app.sensor.temp", got.get(wildcard).details().get("topic"));
        pub.in(new Publish(2, Map.of(), "com.other.sensor.x", List.of(1L), null));
        assertEquals(wildcard, sub.next(Event.class).subscription());
        sub.nothingMore(50);
        sub.in(new Subscribe(4, Map.of("match", "wildcard"), "com..sensor.")); // same pattern: same subscription
        assertEquals(wildcard, sub.next(Subscribed.class).subscription());
        sub.in(new Subscribe(5, Map.of("match", "prefix"), "com..x"));
        assertError(sub.next(), MessageType.SUBSCRIBE, 5, ErrorUris.INVALID_URI);
    }

    @Test
    void blackAndWhiteListing() {
        TestPeer a = join("a", ROLES, "alice");
        TestPeer b = join("b", ROLES, "bob");
        TestPeer c = join("c", ROLES, "carol");
        TestPeer pub = join("pub");
        for (TestPeer p : List.of(a, b, c)) {
            p.in(new Subscribe(1, Map.of(), "com.t"));
            p.next(Subscribed.class);
        }
        record Case(Map<String, Object> options, Set<TestPeer> receivers) {
        }
        List<Case> cases = List.of(
                new Case(Map.of("exclude", List.of(sessionId(a))), Set.of(b, c)),
                new Case(Map.of("eligible", List.of(sessionId(a), sessionId(b))), Set.of(a, b)),
                new Case(Map.of("eligible", List.of(sessionId(a), sessionId(b)), "exclude", List.of(sessionId(b))),
                        Set.of(a)),
                new Case(Map.of("exclude_authid", List.of(authid(b))), Set.of(a, c)),
                new Case(Map.of("eligible_authid", List.of(authid(c))), Set.of(c)),
                new Case(Map.of("exclude_authrole", List.of("anonymous")), Set.of()),
                new Case(Map.of("eligible_authrole", List.of("anonymous"), "exclude_authid", List.of(authid(a))),
                        Set.of(b, c)));
        long req = 0;
        for (Case k : cases) {
            Map<String, Object> options = new java.util.HashMap<>(k.options());
            options.put("acknowledge", true);
            pub.in(new Publish(++req, options, "com.t", List.of(req), null));
            pub.next(Published.class);
            for (TestPeer p : List.of(a, b, c)) {
                if (k.receivers().contains(p)) {
                    assertEquals(List.of(req), p.next(Event.class).args(), k.toString());
                } else {
                    p.nothingMore(20);
                }
            }
        }
        pub.in(new Publish(99, Map.of("acknowledge", true, "exclude", "all"), "com.t", null, null));
        assertError(pub.next(), MessageType.PUBLISH, 99, ErrorUris.INVALID_ARGUMENT);
    }

    @Test
    void publisherIdentification() {
        TestPeer sub = join("sub");
        TestPeer pub = join("pub", ROLES, "pat");
        sub.in(new Subscribe(1, Map.of(), "com.t"));
        sub.next(Subscribed.class);
        pub.in(new Publish(1, Map.of("disclose_me", true), "com.t", null, null));
        Event e = sub.next(Event.class);
        assertEquals(sessionId(pub), e.details().get("publisher"));
        assertEquals(authid(pub), e.details().get("publisher_authid"));
        assertEquals("anonymous", e.details().get("publisher_authrole"));
        pub.in(new Publish(2, Map.of(), "com.t", null, null));
        assertFalse(sub.next(Event.class).details().containsKey("publisher"));
    }

    @Test
    void retainedEventsGoToNewSubscribersThatAsk() {
        TestPeer pub = join("pub");
        pub.in(new Publish(1, Map.of("retain", true), "com.state.x", List.of("first"), null));
        pub.in(new Publish(2, Map.of("retain", true), "com.state.x", List.of("second"), null));
        pub.in(new Publish(3, Map.of("retain", true, "acknowledge", true), "com.state.y", List.of("y"), null));
        pub.next(Published.class);
        TestPeer late = join("late");
        late.in(new Subscribe(1, Map.of("get_retained", true), "com.state.x"));
        long sub = late.next(Subscribed.class).subscription();
        Event e = late.next(Event.class);
        assertEquals(sub, e.subscription());
        assertEquals(List.of("second"), e.args());
        assertEquals(Boolean.TRUE, e.details().get("retained"));
        late.in(new Subscribe(2, Map.of("get_retained", true, "match", "prefix"), "com.state."));
        late.next(Subscribed.class);
        Set<Object> retained = new HashSet<>();
        retained.add(late.next(Event.class).args().get(0));
        retained.add(late.next(Event.class).args().get(0));
        assertEquals(Set.of("second", "y"), retained);
        TestPeer noAsk = join("noask");
        noAsk.in(new Subscribe(1, Map.of(), "com.state.x"));
        noAsk.next(Subscribed.class);
        noAsk.nothingMore(50);
    }

    @Test
    void retainedTopicsAreBoundedByTheSetting() {
        router.close();
        start(Map.of("postmaster.retained-max", "1"));
        TestPeer pub = join("pub");
        pub.in(new Publish(1, Map.of("retain", true), "com.r.one", List.of("one"), null));
        pub.in(new Publish(2, Map.of("retain", true), "com.r.two", List.of("two"), null));
        pub.in(new Publish(3, Map.of("retain", true, "acknowledge", true), "com.r.one", List.of("one again"), null));
        pub.next(Published.class); // the publications themselves still succeed
        TestPeer late = join("late");
        late.in(new Subscribe(1, Map.of("get_retained", true, "match", "prefix"), "com.r."));
        late.next(Subscribed.class);
        assertEquals(List.of("one again"), late.next(Event.class).args(), "the one retained topic keeps its latest");
        late.nothingMore(50);
        late.connection.onTransportClosed();
        pub.connection.onTransportClosed();
    }

    @Test
    void testamentsArePublishedWhenTheSessionGoes() {
        TestPeer watcher = join("watcher");
        watcher.in(new Subscribe(1, Map.of(), "com.app.gone"));
        watcher.next(Subscribed.class);
        TestPeer dying = join("dying");
        dying.in(new Call(1, Map.of(), "wamp.session.add_testament", List.of("com.app.gone", List.of("bye")),
                Map.of("publish_options", Map.of("disclose_me", true))));
        assertNoValue(dying.next(Result.class), "add_testament");
        dying.in(new Call(2, Map.of(), "wamp.session.add_testament", List.of("com.app.gone", List.of("flushed")), null));
        dying.next(Result.class);
        dying.in(new Call(3, Map.of(), "wamp.session.flush_testaments", null, null));
        assertNoValue(dying.next(Result.class), "flush_testaments");
        dying.in(new Call(4, Map.of(), "wamp.session.add_testament", List.of("com.app.gone", List.of("bye")),
                Map.of("publish_options", Map.of("disclose_me", true))));
        dying.next(Result.class);
        dying.in(new Call(5, Map.of(), "wamp.session.add_testament", List.of("com.app.gone", List.of("first")),
                Map.of("scope", "detached")));
        dying.next(Result.class);
        long id = sessionId(dying);
        dying.connection.onTransportClosed();
        assertEquals(List.of("first"), watcher.next(Event.class).args(), "the detached scope first");
        Event e = watcher.next(Event.class);
        assertEquals(List.of("bye"), e.args());
        assertEquals(id, e.details().get("publisher"));
        watcher.nothingMore(50);
    }

    @Test
    void aSessionThatFlushesBeforeAddingAndOneThatLeavesNoneLeaveNoTestament() {
        TestPeer watcher = join("watcher");
        watcher.in(new Subscribe(1, Map.of(), "com.app.gone"));
        watcher.next(Subscribed.class);
        TestPeer flusher = join("flusher");
        flusher.in(new Call(1, Map.of(), "wamp.session.flush_testaments", null, null));
        assertNoValue(flusher.next(Result.class), "flush_testaments with none added");
        flusher.in(new Call(2, Map.of(), "wamp.session.add_testament", List.of("com.app.gone", List.of("late")),
                null));
        flusher.next(Result.class);
        TestPeer silent = join("silent");
        silent.connection.onTransportClosed();
        flusher.connection.onTransportClosed();
        assertEquals(List.of("late"), watcher.next(Event.class).args(), "added after a flush of none: published");
        watcher.nothingMore(50);
    }

    static void assertNoValue(Result r, String procedure) {
        assertTrue(r.args() == null || r.args().isEmpty(), procedure + " returns no value (spec): " + r);
    }

    @Test
    void aTestamentNoLongerAllowedWhenItFiresIsDropped() {
        java.util.concurrent.atomic.AtomicBoolean mayPublish = new java.util.concurrent.atomic.AtomicBoolean(true);
        PostmasterConfig config = PostmasterConfig.from(Map.of("postmaster.call-max-pending-ms", "400")::get);
        Extensions open = Extensions.openRealms(config);
        router.close();
        start(config, new Extensions(open.authenticators(), open.authmethods(),
                open.permissions(), (session, permissions, uri, action) ->
                new io.postmaster.spi.Decision(!uri.startsWith("com.app.") || mayPublish.get(), false, false),
                open.listener(), open.executor()));
        TestPeer watcher = join("watcher");
        watcher.in(new Subscribe(1, Map.of(), "com.app.gone"));
        watcher.next(Subscribed.class);
        watcher.in(new Subscribe(2, Map.of(), "org.app.gone"));
        watcher.next(Subscribed.class);
        TestPeer dying = join("dying");
        dying.in(new Call(1, Map.of(), "wamp.session.add_testament", List.of("com.app.gone", List.of("revoked")), null));
        dying.next(Result.class);
        dying.in(new Call(2, Map.of(), "wamp.session.add_testament", List.of("org.app.gone", List.of("fence")), null));
        dying.next(Result.class);
        mayPublish.set(false); // the role lost the right meanwhile
        dying.connection.onTransportClosed();
        assertEquals(List.of("fence"), watcher.next(Event.class).args(), "the revoked testament was published");
        watcher.nothingMore(50);
        watcher.connection.onTransportClosed();
    }

    @Test
    void testamentsAreCheckedAndCappedWhenAdded() {
        restart(Map.of("postmaster.testament-max", "2", "postmaster.testament-max-bytes", "200"));
        TestPeer a = join("a");
        a.in(new Call(1, Map.of(), "wamp.session.add_testament", List.of("wamp.session.on_leave", List.of(1L)), null));
        assertError(a.next(), MessageType.CALL, 1, ErrorUris.INVALID_URI);
        a.in(new Call(2, Map.of(), "wamp.session.add_testament", List.of("com.app.t", List.of("x".repeat(100))), null));
        assertError(a.next(), MessageType.CALL, 2, ErrorUris.PAYLOAD_SIZE_EXCEEDED);
        a.in(new Call(3, Map.of(), "wamp.session.add_testament", List.of("com.app.t"), null));
        a.next(Result.class);
        a.in(new Call(4, Map.of(), "wamp.session.add_testament", List.of("com.app.t"), Map.of("scope", "detached")));
        a.next(Result.class);
        a.in(new Call(5, Map.of(), "wamp.session.add_testament", List.of("com.app.t"), null));
        assertError(a.next(), MessageType.CALL, 5, ErrorUris.LIMIT_REACHED);
        a.in(new Call(6, Map.of(), "wamp.session.add_testament", List.of("com.app.t"), Map.of("scope", "later")));
        assertError(a.next(), MessageType.CALL, 6, ErrorUris.INVALID_ARGUMENT);
        // flushing one bucket makes room again
        a.in(new Call(7, Map.of(), "wamp.session.flush_testaments", null, Map.of("scope", "detached")));
        a.next(Result.class);
        a.in(new Call(8, Map.of(), "wamp.session.add_testament", List.of("com.app.t"), null));
        a.next(Result.class);
        assertEquals(2, testamentsHeld(a));
        a.connection.onTransportClosed();
    }

    // ------------------------------------------------------------------------------------------ RPC

    @Test
    void sharedRegistrationPolicies() {
        for (String policy : List.of("roundrobin", "first", "last", "random")) {
            TestPeer c1 = join("c1");
            TestPeer c2 = join("c2");
            TestPeer caller = join("caller");
            c1.in(new Register(1, Map.of("invoke", policy), "com.shared"));
            c2.in(new Register(1, Map.of("invoke", policy), "com.shared"));
            long reg = c1.next(Registered.class).registration();
            assertEquals(reg, c2.next(Registered.class).registration(), "one registration, shared");
            TestPeer c3 = join("c3");
            c3.in(new Register(1, Map.of("invoke", policy.equals("first") ? "last" : "first"), "com.shared"));
            assertError(c3.next(), MessageType.REGISTER, 1, ErrorUris.PROCEDURE_ALREADY_EXISTS);
            c3.in(new Register(2, Map.of(), "com.shared"));
            assertError(c3.next(), MessageType.REGISTER, 2, ErrorUris.PROCEDURE_ALREADY_EXISTS);
            List<String> served = new ArrayList<>();
            for (long i = 1; i <= 6; i++) {
                caller.in(new Call(i, Map.of(), "com.shared", null, null));
                TestPeer who = c1.received.isEmpty() && c2.received.isEmpty() ? null : null;
                WampMessage m1 = c1.received.poll();
                WampMessage m2 = c2.received.poll();
                assertTrue(m1 == null ^ m2 == null, "exactly one callee is invoked");
                TestPeer callee = m1 != null ? c1 : c2;
                Invocation inv = (Invocation) (m1 != null ? m1 : m2);
                callee.in(new Yield(inv.request(), Map.of(), List.of(callee == c1 ? "c1" : "c2"), null));
                served.add((String) caller.next(Result.class).args().get(0));
                assertNull(who);
            }
            switch (policy) {
                case "roundrobin" -> assertEquals(List.of("c1", "c2", "c1", "c2", "c1", "c2"), served);
                case "first" -> assertEquals(List.of("c1", "c1", "c1", "c1", "c1", "c1"), served);
                case "last" -> assertEquals(List.of("c2", "c2", "c2", "c2", "c2", "c2"), served);
                default -> assertEquals(6, served.size());
            }
            c1.connection.onTransportClosed(); // the registration lives on with c2
            caller.in(new Call(7, Map.of(), "com.shared", null, null));
            Invocation inv = c2.next(Invocation.class);
            c2.in(new Yield(inv.request(), Map.of(), null, null));
            caller.next(Result.class);
            for (TestPeer p : List.of(c2, c3, caller)) {
                p.connection.onTransportClosed();
            }
        }
    }

    @Test
    void patternRegistrationsTellTheCalleeTheProcedure() {
        TestPeer callee = join("callee");
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of("match", "prefix"), "com.api."));
        callee.in(new Register(2, Map.of("match", "wildcard"), "com..get"));
        long prefix = callee.next(Registered.class).registration();
        long wildcard = callee.next(Registered.class).registration();
        caller.in(new Call(1, Map.of(), "com.api.users.get", null, null));
        Invocation inv = callee.next(Invocation.class);
        assertEquals(prefix, inv.registration(), "prefix before wildcard");
        assertEquals("com.api.users.get", inv.details().get("procedure"));
        callee.in(new Yield(inv.request(), Map.of(), null, null));
        caller.next(Result.class);
        caller.in(new Call(2, Map.of(), "com.things.get", null, null));
        inv = callee.next(Invocation.class);
        assertEquals(wildcard, inv.registration());
        assertEquals("com.things.get", inv.details().get("procedure"));
        callee.in(new Yield(inv.request(), Map.of(), null, null));
        caller.next(Result.class);
    }

    @Test
    void callerIdentification() {
        TestPeer callee = join("callee");
        TestPeer caller = join("caller", ROLES, "cid");
        callee.in(new Register(1, Map.of(), "com.p"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of("disclose_me", true), "com.p", null, null));
        Invocation inv = callee.next(Invocation.class);
        assertEquals(sessionId(caller), inv.details().get("caller"));
        assertEquals(authid(caller), inv.details().get("caller_authid"));
        assertEquals("anonymous", inv.details().get("caller_authrole"));
        callee.in(new Yield(inv.request(), Map.of(), null, null));
        caller.next(Result.class);
        caller.in(new Call(2, Map.of(), "com.p", null, null));
        inv = callee.next(Invocation.class);
        assertFalse(inv.details().containsKey("caller"));
        callee.in(new Yield(inv.request(), Map.of(), null, null));
        caller.next(Result.class);
        TestPeer nosy = join("nosy");
        nosy.in(new Register(1, Map.of("disclose_caller", true), "com.q"));
        nosy.next(Registered.class);
        caller.in(new Call(3, Map.of(), "com.q", null, null));
        assertEquals(sessionId(caller), nosy.next(Invocation.class).details().get("caller"));
    }

    @Test
    void callTimeoutEndsTheCallAndInterruptsACallerThatCanBeInterrupted() throws Exception {
        TestPeer callee = join("callee", CANCELING_CALLEE, null);
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of(), "com.slow"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of("timeout", 100L), "com.slow", null, null));
        Invocation inv = callee.next(Invocation.class);
        assertEquals(100L, inv.details().get("timeout"));
        WampMessage.Error e = caller.next(WampMessage.Error.class);
        assertError(e, MessageType.CALL, 1, ErrorUris.TIMEOUT);
        Interrupt i = callee.next(Interrupt.class);
        assertEquals(inv.request(), i.request());
        assertEquals("killnowait", i.options().get("mode"));
        callee.in(new Yield(inv.request(), Map.of(), null, null)); // late
        caller.nothingMore(50);
        assertEquals(0, callee.closeCode);
    }

    @Test
    void noCallWaitsLongerThanTheRouterWideMaximum() {
        TestPeer callee = join("callee");
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of(), "com.never"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of(), "com.never", null, null));
        callee.next(Invocation.class);
        long t0 = System.nanoTime();
        assertError(caller.next(), MessageType.CALL, 1, ErrorUris.TIMEOUT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1500, "ended after " + ms + " ms; the maximum is 400 ms");
        assertTrue(noInvocationsOf(callee));
    }

    @Test
    void cancelModes() {
        TestPeer interruptible = join("interruptible", CANCELING_CALLEE, null);
        TestPeer plain = join("plain");
        TestPeer caller = join("caller");
        interruptible.in(new Register(1, Map.of(), "com.i"));
        plain.in(new Register(1, Map.of(), "com.p"));
        interruptible.next(Registered.class);
        plain.next(Registered.class);

        // skip: ERROR now, no INTERRUPT; the late YIELD is dropped
        caller.in(new Call(1, Map.of(), "com.i", null, null));
        Invocation inv = interruptible.next(Invocation.class);
        caller.in(new Cancel(1, Map.of("mode", "skip")));
        assertError(caller.next(), MessageType.CALL, 1, ErrorUris.CANCELED);
        interruptible.nothingMore(30);
        interruptible.in(new Yield(inv.request(), Map.of(), null, null));
        caller.nothingMore(30);

        // killnowait: ERROR now and INTERRUPT
        caller.in(new Call(2, Map.of(), "com.i", null, null));
        inv = interruptible.next(Invocation.class);
        caller.in(new Cancel(2, Map.of("mode", "killnowait")));
        assertError(caller.next(), MessageType.CALL, 2, ErrorUris.CANCELED);
        assertEquals(inv.request(), interruptible.next(Interrupt.class).request());

        // kill: INTERRUPT, and the callee's answer decides
        caller.in(new Call(3, Map.of(), "com.i", null, null));
        inv = interruptible.next(Invocation.class);
        caller.in(new Cancel(3, Map.of("mode", "kill")));
        Interrupt interrupt = interruptible.next(Interrupt.class);
        assertEquals("kill", interrupt.options().get("mode"));
        caller.nothingMore(30);
        interruptible.in(new WampMessage.Error(68, inv.request(), Map.of(), ErrorUris.CANCELED, null, null));
        assertError(caller.next(), MessageType.CALL, 3, ErrorUris.CANCELED);

        // a callee without call_canceling: always skip
        caller.in(new Call(4, Map.of(), "com.p", null, null));
        plain.next(Invocation.class);
        caller.in(new Cancel(4, Map.of("mode", "kill")));
        assertError(caller.next(), MessageType.CALL, 4, ErrorUris.CANCELED);
        plain.nothingMore(30);

        // a CANCEL for a call that has ended is ignored; a bad mode is an error
        caller.in(new Cancel(4, Map.of()));
        caller.nothingMore(30);
        caller.in(new Cancel(5, Map.of("mode", "gently")));
        assertError(caller.next(), MessageType.CANCEL, 5, ErrorUris.INVALID_ARGUMENT);
    }

    @Test
    void aCallerThatLeavesInterruptsItsCalls() {
        TestPeer callee = join("callee", CANCELING_CALLEE, null);
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of(), "com.i"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of(), "com.i", null, null));
        Invocation inv = callee.next(Invocation.class);
        caller.connection.onTransportClosed();
        Interrupt i = callee.next(Interrupt.class);
        assertEquals(inv.request(), i.request());
        assertEquals("killnowait", i.options().get("mode"));
        assertTrue(noInvocationsOf(callee));
    }

    @Test
    void progressiveCallInvocations() {
        TestPeer callee = join("realm1", "callee", SpecConformanceTest.STREAMING);
        TestPeer caller = join("realm1", "caller", SpecConformanceTest.STREAMING);
        callee.in(new Register(1, Map.of(), "com.upload"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of("progress", true), "com.upload", List.of("a"), null));
        caller.in(new Call(1, Map.of("progress", true), "com.upload", List.of("b"), null));
        caller.in(new Call(1, Map.of(), "com.upload", List.of("c"), null));
        Invocation first = callee.next(Invocation.class);
        assertEquals(Boolean.TRUE, first.details().get("progress"));
        Invocation second = callee.next(Invocation.class);
        assertEquals(first.request(), second.request());
        assertEquals(List.of("b"), second.args());
        Invocation last = callee.next(Invocation.class);
        assertEquals(first.request(), last.request());
        assertNull(last.details().get("progress"));
        callee.in(new Yield(first.request(), Map.of(), List.of("abc"), null));
        assertEquals(List.of("abc"), caller.next(Result.class).args());
        caller.in(new Call(1, Map.of(), "com.upload", List.of("again"), null)); // a new call, same ID: fine now
        callee.next(Invocation.class);
    }

    // ------------------------------------------------------------------------------------------ meta API

    /** Restarts the router with extra settings. */
    void restart(Map<String, String> settings) {
        router.close();
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("postmaster.call-max-pending-ms", "400");
        start(all);
    }

    @Test
    void sessionListPastItsLimitIsRefusedNotShortened() {
        restart(Map.of("postmaster.session-list-max", "2"));
        TestPeer a = join("a");
        TestPeer b = join("b");
        a.in(new Call(1, Map.of(), "wamp.session.list", null, null));
        assertEquals(Set.of(sessionId(a), sessionId(b)), new HashSet<>((List<?>) a.next(Result.class).args().get(0)));
        TestPeer c = join("c");
        a.in(new Call(2, Map.of(), "wamp.session.list", null, null));
        WampMessage refusal = a.next();
        assertError(refusal, MessageType.CALL, 2, ErrorUris.LIMIT_REACHED);
        WampMessage.Error refused = (WampMessage.Error) refusal;
        assertTrue(String.valueOf(refused.args()).contains("wamp.session.count"), "what to do instead: " + refused);
        a.in(new Call(3, Map.of(), "wamp.session.list", List.of(List.of("nobody")), null));
        assertEquals(List.of(List.of()), a.next(Result.class).args(), "a filter that leaves fewer is answered");
        a.in(new Call(4, Map.of(), "wamp.session.count", null, null));
        assertEquals(List.of(3L), a.next(Result.class).args(), "counting has no such limit");

        // what this node answers another cluster node: its count, then its IDs if they are not too many
        Realm realm = router.realm("realm1");
        assertEquals(List.of(3L), realm.answerForNode("session.list", List.of(2L)));
        List<Object> all = realm.answerForNode("session.list", List.of(3L));
        assertEquals(3L, all.get(0));
        assertEquals(Set.of(sessionId(a), sessionId(b), sessionId(c)), new HashSet<>(all.subList(1, all.size())));
        assertEquals(List.of(0L), realm.answerForNode("session.list", List.of(3L, List.of("nobody"))));
    }

    /**
     * Every meta procedure that answers a list of sessions — the subscribers of a subscription, the callees of a
     * registration, the sessions {@code kill_by_authid} killed — is bounded as {@code wamp.session.list} is: past
     * {@code postmaster.session-list-max} an ERROR saying what to do instead, never a shortened list; a kill that
     * could not be answered kills no one. What a node answers another node is bounded the same way.
     */
    @Test
    void everyListOfSessionsPastTheLimitIsRefusedNotShortened() {
        router.close();
        start(PostmasterConfig.from(Map.of("postmaster.session-list-max", "2", "postmaster.realm.realm1.meta-kill",
                "true", "postmaster.call-max-pending-ms", "400")::get), io.postmaster.testing.ClaimedAuthids.extensions());
        TestPeer admin = join("admin", ROLES, "admin");
        TestPeer a = join("a", ROLES, "dee");
        TestPeer b = join("b", ROLES, "dee");
        long sub = 0;
        long reg = 0;
        for (TestPeer p : List.of(a, b)) {
            p.in(new Subscribe(1, Map.of(), "com.t"));
            sub = p.next(Subscribed.class).subscription();
            p.in(new Register(2, Map.of("invoke", "roundrobin"), "com.p"));
            reg = p.next(Registered.class).registration();
        }
        admin.in(new Call(1, Map.of(), "wamp.subscription.list_subscribers", List.of(sub), null));
        assertEquals(Set.of(sessionId(a), sessionId(b)), new HashSet<>((List<?>) admin.next(Result.class).args().get(0)));
        admin.in(new Call(2, Map.of(), "wamp.registration.list_callees", List.of(reg), null));
        assertEquals(Set.of(sessionId(a), sessionId(b)), new HashSet<>((List<?>) admin.next(Result.class).args().get(0)));

        TestPeer c = join("c", ROLES, "dee");
        c.in(new Subscribe(1, Map.of(), "com.t"));
        c.next(Subscribed.class);
        c.in(new Register(2, Map.of("invoke", "roundrobin"), "com.p"));
        c.next(Registered.class);
        Map<String, String> instead = Map.of("wamp.subscription.list_subscribers", "wamp.subscription.count_subscribers",
                "wamp.registration.list_callees", "wamp.registration.count_callees");
        long request = 3;
        for (var e : instead.entrySet()) {
            long id = e.getKey().startsWith("wamp.subscription") ? sub : reg;
            admin.in(new Call(request, Map.of(), e.getKey(), List.of(id), null));
            WampMessage refusal = admin.next();
            assertError(refusal, MessageType.CALL, request++, ErrorUris.LIMIT_REACHED);
            String message = String.valueOf(((WampMessage.Error) refusal).args());
            assertTrue(message.contains("3 ") && message.contains(e.getValue()), "the count, what to do: " + message);
            admin.in(new Call(request++, Map.of(), e.getValue(), List.of(id), null));
            assertEquals(List.of(3L), admin.next(Result.class).args(), "counting has no such limit");
        }

        admin.in(new Call(request, Map.of(), "wamp.session.kill_by_authid", List.of("dee"), null));
        WampMessage refusal = admin.next();
        assertError(refusal, MessageType.CALL, request++, ErrorUris.LIMIT_REACHED);
        assertTrue(String.valueOf(((WampMessage.Error) refusal).args()).contains("none was killed"), refusal.toString());
        for (TestPeer p : List.of(a, b, c)) {
            p.nothingMore(50); // no GOODBYE: a refused kill kills no one
        }
        admin.in(new Call(request++, Map.of(), "wamp.session.count", null, null));
        assertEquals(List.of(4L), admin.next(Result.class).args());

        // what this node answers another cluster node: how many, then the IDs only if there are not too many
        Realm realm = router.realm("realm1");
        assertEquals(List.of(3L), realm.answerForNode("sub.subscribers", List.of("exact", "com.t", 2L)));
        List<Object> all = realm.answerForNode("sub.subscribers", List.of("exact", "com.t", 3L));
        assertEquals(3L, all.get(0));
        assertEquals(Set.of(sessionId(a), sessionId(b), sessionId(c)), new HashSet<>(all.subList(1, all.size())));
        assertEquals(List.of(3L), realm.answerForNode("count_by_authid", List.of("dee")));
        assertEquals(List.of(0L), realm.answerForNode("kill_by_authrole", List.of("nobody", ErrorUris.CLOSE_KILLED, "")),
                "a count, never the IDs killed");

        Set<Long> aAndB = Set.of(sessionId(a), sessionId(b));
        admin.in(new Call(request++, Map.of(), "wamp.session.kill", List.of(sessionId(c)), null));
        admin.next(Result.class);
        c.next(Goodbye.class);
        admin.in(new Call(request++, Map.of(), "wamp.session.kill_by_authid", List.of("dee"), null));
        assertEquals(aAndB, new HashSet<>((List<?>) admin.next(Result.class).args().get(0)));
        a.next(Goodbye.class);
        b.next(Goodbye.class);
    }

    @Test
    void sessionMetaApi() {
        restart(Map.of("postmaster.realm.realm1.meta-kill", "true", "postmaster.realm.realm1.peer-address-roles",
                "anonymous"));
        TestPeer admin = join("admin");
        admin.in(new Subscribe(1, Map.of(), "wamp.session.on_join"));
        admin.in(new Subscribe(2, Map.of(), "wamp.session.on_leave"));
        admin.next(Subscribed.class);
        admin.next(Subscribed.class);
        TestPeer x = join("x", ROLES, "xavier");
        String xavier = x.connection.session().authid();
        assertNotEquals("xavier", xavier, "an anonymous session's authid is the router's, not the client's");
        Map<?, ?> joined = (Map<?, ?>) admin.next(Event.class).args().get(0);
        assertEquals(sessionId(x), joined.get("session"));
        assertEquals(xavier, joined.get("authid"));
        assertFalse(((Map<?, ?>) joined.get("transport")).containsKey("peer"), "on_join never carries the address");

        admin.in(new Call(1, Map.of(), "wamp.session.count", null, null));
        assertEquals(List.of(2L), admin.next(Result.class).args());
        admin.in(new Call(2, Map.of(), "wamp.session.count", List.of(List.of("nobody")), null));
        assertEquals(List.of(0L), admin.next(Result.class).args());
        admin.in(new Call(3, Map.of(), "wamp.session.list", null, null));
        assertEquals(Set.of(sessionId(admin), sessionId(x)),
                new HashSet<>((List<?>) admin.next(Result.class).args().get(0)));
        admin.in(new Call(4, Map.of(), "wamp.session.get", List.of(sessionId(x)), null));
        Map<?, ?> got = (Map<?, ?>) admin.next(Result.class).args().get(0);
        assertEquals(xavier, got.get("authid"));
        assertEquals("x", ((Map<?, ?>) got.get("transport")).get("peer"), "peer-address-roles: anonymous");
        admin.in(new Call(5, Map.of(), "wamp.session.get", List.of(12345L), null));
        assertError(admin.next(), MessageType.CALL, 5, ErrorUris.NO_SUCH_SESSION);
        admin.in(new Call(6, Map.of(), "wamp.session.get", List.of("not an id"), null));
        assertError(admin.next(), MessageType.CALL, 6, ErrorUris.INVALID_ARGUMENT);
        admin.in(new Call(7, Map.of(), "wamp.session.kill", List.of(sessionId(admin)), null));
        assertError(admin.next(), MessageType.CALL, 7, ErrorUris.NO_SUCH_SESSION);

        long xid = sessionId(x);
        admin.in(new Call(8, Map.of(), "wamp.session.kill", List.of(xid),
                Map.of("reason", "com.example.bye", "message", "go")));
        Goodbye g = x.next(Goodbye.class);
        assertEquals("com.example.bye", g.reason());
        assertEquals("go", g.details().get("message"));
        // the on_leave event is published while the kill runs, so it may come before the RESULT
        List<WampMessage> answers = List.of(admin.next(), admin.next());
        assertTrue(answers.stream().anyMatch(m -> m instanceof Result r && r.request() == 8), answers.toString());
        assertTrue(answers.stream().anyMatch(m -> m instanceof Event e
                && e.args().equals(List.of(xid, xavier, "anonymous"))), answers.toString());

        TestPeer y = join("y");
        long yId = sessionId(y);
        admin.drain();
        admin.in(new Call(9, Map.of(), "wamp.session.kill_by_authid", List.of(y.connection.session().authid()), null));
        List<WampMessage> killed = admin.drain();
        assertEquals(1, killed.stream().filter(m -> m instanceof Event).count(), "one on_leave event");
        // the spec: kill_by_authid returns the list of the killed session IDs
        assertTrue(killed.stream().anyMatch(m -> m instanceof Result r && r.args().equals(List.of(List.of(yId)))),
                killed.toString());
        assertEquals(ErrorUris.CLOSE_KILLED, y.next(Goodbye.class).reason());
        admin.in(new Call(10, Map.of(), "wamp.session.kill_by_authrole", List.of("anonymous"), null));
        assertTrue(admin.drain().stream().anyMatch(m -> m instanceof Result r && r.args().equals(List.of(0L))),
                "the caller itself is never killed");
    }

    @Test
    void killAndPeerAddressesAreRefusedByDefault() {
        TestPeer a = join("a");
        TestPeer victim = join("victim");
        long v = sessionId(victim);
        a.in(new Call(1, Map.of(), "wamp.session.kill", List.of(v), null));
        assertError(a.next(), MessageType.CALL, 1, ErrorUris.NOT_AUTHORIZED);
        a.in(new Call(2, Map.of(), "wamp.session.kill_by_authid", List.of(victim.connection.session().authid()), null));
        assertError(a.next(), MessageType.CALL, 2, ErrorUris.NOT_AUTHORIZED);
        a.in(new Call(3, Map.of(), "wamp.session.kill_by_authrole", List.of("anonymous"), null));
        assertError(a.next(), MessageType.CALL, 3, ErrorUris.NOT_AUTHORIZED);
        a.in(new Call(4, Map.of(), "wamp.session.kill_all", null, null));
        assertError(a.next(), MessageType.CALL, 4, ErrorUris.NOT_AUTHORIZED);
        a.in(new Call(5, Map.of(), "wamp.session.get", List.of(v), null));
        Map<?, ?> got = (Map<?, ?>) a.next(Result.class).args().get(0);
        assertEquals(Map.of("type", "websocket", "protocol", "wamp.2.json"), got.get("transport"));
        victim.nothingMore(20);
        a.connection.onTransportClosed();
        victim.connection.onTransportClosed();
    }

    /** Which rules grant the kill procedures without {@code meta-kill}: only those naming them. */
    @Test
    void onlyARuleNamingTheKillProceduresGrantsThem() {
        Map<String, Boolean> cases = new java.util.LinkedHashMap<>();
        cases.put("* prefix all", false);
        cases.put("* prefix all; wamp. prefix call", false);
        cases.put("* prefix all; wamp.session. prefix call", false);
        cases.put("* prefix all; wamp.session..  wildcard call", false);
        cases.put("* prefix all; wamp.session.kill prefix call", true);
        cases.put("* prefix all; wamp.session.kill_all exact call", true);
        cases.put("* prefix all; wamp.session.kill_all exact subscribe", false);
        cases.put("* prefix all; wamp.session.kill_all exact none", false);
        for (var c : cases.entrySet()) {
            router.close();
            PostmasterConfig config = PostmasterConfig.from(Map.of("postmaster.call-max-pending-ms", "400")::get);
            Extensions open = Extensions.openRealms(config);
            io.postmaster.spi.Permissions rules = io.postmaster.config.AuthConfig.parsePermissions("rules", c.getKey());
            start(config, new Extensions(open.authenticators(), open.authmethods(),
                    s -> rules, open.authorizer(), open.listener(), open.executor()));
            TestPeer a = join("a");
            join("victim");
            a.in(new Call(1, Map.of(), "wamp.session.kill_all", null, null));
            WampMessage answer = a.drain().stream().filter(m -> !(m instanceof Event)).findFirst().orElseThrow();
            assertEquals(c.getValue(), answer instanceof Result, c.getKey() + ": " + answer);
            if (!c.getValue()) {
                assertError(answer, MessageType.CALL, 1, ErrorUris.NOT_AUTHORIZED);
            }
            router.realm("realm1").sessions().forEach(s -> s.kill(ErrorUris.CLOSE_NORMAL, null));
        }
    }

    @Test
    void subscriptionAndRegistrationMetaApi() {
        TestPeer admin = join("admin");
        for (String topic : List.of("on_create", "on_subscribe", "on_unsubscribe", "on_delete")) {
            admin.in(new Subscribe(1, Map.of(), "wamp.subscription." + topic));
        }
        // meta events about admin's own meta subscriptions come too; skip them
        assertEquals(4, admin.drain().stream().filter(m -> m instanceof Subscribed).count());
        TestPeer s = join("s");
        s.in(new Subscribe(1, Map.of("match", "prefix"), "com.meta."));
        long sub = s.next(Subscribed.class).subscription();
        List<?> created = admin.next(Event.class).args();
        assertEquals(sessionId(s), created.get(0));
        assertEquals(Map.of("id", sub, "uri", "com.meta.", "match", "prefix"),
                Map.of("id", ((Map<?, ?>) created.get(1)).get("id"), "uri", ((Map<?, ?>) created.get(1)).get("uri"),
                        "match", ((Map<?, ?>) created.get(1)).get("match")));
        assertEquals(List.of(sessionId(s), sub), admin.next(Event.class).args());

        admin.in(new Call(1, Map.of(), "wamp.subscription.lookup", List.of("com.meta.", Map.of("match", "prefix")), null));
        assertEquals(List.of(sub), admin.next(Result.class).args());
        admin.in(new Call(2, Map.of(), "wamp.subscription.lookup", List.of("com.meta."), null));
        assertEquals(java.util.Collections.singletonList(null), admin.next(Result.class).args());
        admin.in(new Call(3, Map.of(), "wamp.subscription.match", List.of("com.meta.x"), null));
        assertTrue(((List<?>) admin.next(Result.class).args().get(0)).contains(sub));
        admin.in(new Call(4, Map.of(), "wamp.subscription.list_subscribers", List.of(sub), null));
        assertEquals(List.of(List.of(sessionId(s))), admin.next(Result.class).args());
        admin.in(new Call(5, Map.of(), "wamp.subscription.count_subscribers", List.of(sub), null));
        assertEquals(List.of(1L), admin.next(Result.class).args());
        admin.in(new Call(6, Map.of(), "wamp.subscription.get", List.of(Ids.MAX), null));
        assertError(admin.next(), MessageType.CALL, 6, ErrorUris.NO_SUCH_SUBSCRIPTION);
        admin.in(new Call(7, Map.of(), "wamp.subscription.list", null, null));
        Map<?, ?> list = (Map<?, ?>) admin.next(Result.class).args().get(0);
        assertTrue(((List<?>) list.get("prefix")).contains(sub));

        s.in(new Unsubscribe(2, sub));
        s.next(Unsubscribed.class);
        assertEquals(List.of(sessionId(s), sub), admin.next(Event.class).args()); // on_unsubscribe
        assertEquals(List.of(sessionId(s), sub), admin.next(Event.class).args()); // on_delete

        s.in(new Register(3, Map.of("invoke", "roundrobin"), "com.meta.proc"));
        long reg = s.next(Registered.class).registration();
        admin.in(new Call(8, Map.of(), "wamp.registration.match", List.of("com.meta.proc"), null));
        assertEquals(List.of(reg), admin.next(Result.class).args());
        admin.in(new Call(9, Map.of(), "wamp.registration.get", List.of(reg), null));
        assertEquals("roundrobin", ((Map<?, ?>) admin.next(Result.class).args().get(0)).get("invoke"));
        admin.in(new Call(10, Map.of(), "wamp.registration.list_callees", List.of(reg), null));
        assertEquals(List.of(List.of(sessionId(s))), admin.next(Result.class).args());
        admin.in(new Call(11, Map.of(), "wamp.registration.count_callees", List.of(reg), null));
        assertEquals(List.of(1L), admin.next(Result.class).args());
        admin.in(new Call(12, Map.of(), "wamp.registration.lookup", List.of("com.meta.proc"), null));
        assertEquals(List.of(reg), admin.next(Result.class).args());
        admin.in(new Call(13, Map.of(), "wamp.no.such.meta", null, null));
        assertError(admin.next(), MessageType.CALL, 13, ErrorUris.NO_SUCH_PROCEDURE);
    }

    @Test
    void eventHistoryKeepsTheLastEventsOfConfiguredTopics() throws Exception {
        router.close();
        router = new Router(PostmasterConfig.from(Map.of(
                "postmaster.realm.realm1.history", "com.log=3, com.other=1")::get), timers);
        TestPeer pub = join("pub");
        long[] ids = new long[5];
        for (int i = 0; i < 5; i++) {
            pub.in(new Publish(i + 1, Map.of("acknowledge", true), "com.log", List.of((long) i), Map.of("n", (long) i)));
            ids[i] = pub.next(Published.class).publication();
        }
        pub.in(new Publish(9, Map.of(), "com.unlogged", List.of(1L), null));
        TestPeer reader = join("reader");
        reader.in(new Call(1, Map.of(), "wamp.topic.history.last", List.of("com.log", 10L), null));
        List<?> events = (List<?>) reader.next(Result.class).args().get(0);
        assertEquals(3, events.size(), "only the configured 3 are kept");
        assertEquals(List.of(2L), ((Map<?, ?>) events.get(0)).get("args"));
        assertEquals(ids[4], ((Map<?, ?>) events.get(2)).get("publication"));
        reader.in(new Call(2, Map.of(), "wamp.topic.history.after", List.of("com.log", ids[3]), null));
        assertEquals(1, ((List<?>) reader.next(Result.class).args().get(0)).size());
        reader.in(new Call(3, Map.of(), "wamp.topic.history.since", List.of("com.log", "2000-01-01T00:00:00Z"), null));
        assertEquals(3, ((List<?>) reader.next(Result.class).args().get(0)).size());
        reader.in(new Call(4, Map.of(), "wamp.topic.history.last", List.of("com.unlogged", 1L), null));
        assertError(reader.next(), MessageType.CALL, 4, ErrorUris.INVALID_ARGUMENT);
        reader.in(new Subscribe(5, Map.of(), "com.log"));
        long sub = reader.next(Subscribed.class).subscription();
        reader.in(new Call(6, Map.of(), "wamp.subscription.get_events", List.of(sub, 2L), null));
        assertEquals(2, ((List<?>) reader.next(Result.class).args().get(0)).size());
        reader.connection.onTransportClosed();
        pub.connection.onTransportClosed();
    }

    @Test
    void welcomeAnnouncesTheFeatures() {
        TestPeer p = TestPeer.connect(router, "p");
        p.in(new Hello("realm1", ROLES));
        Map<?, ?> roles = (Map<?, ?>) p.next(Welcome.class).details().get("roles");
        Map<?, ?> dealer = (Map<?, ?>) ((Map<?, ?>) roles.get("dealer")).get("features");
        Map<?, ?> broker = (Map<?, ?>) ((Map<?, ?>) roles.get("broker")).get("features");
        for (String f : List.of("progressive_call_results", "call_timeout", "call_canceling", "caller_identification",
                "pattern_based_registration", "shared_registration", "registration_meta_api", "session_meta_api")) {
            assertEquals(Boolean.TRUE, dealer.get(f), f);
        }
        for (String f : List.of("publisher_exclusion", "publisher_identification", "subscriber_blackwhite_listing",
                "pattern_based_subscription", "event_retention", "subscription_meta_api", "session_meta_api")) {
            assertEquals(Boolean.TRUE, broker.get(f), f);
        }
    }
}
