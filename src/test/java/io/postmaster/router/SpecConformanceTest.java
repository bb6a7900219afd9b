package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.postmaster.router.RouterTest.assertError;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The places where the spec says MUST and a router could easily do less: retained events and eligibility, progressive
 * call invocations, the kill procedures' default reason, event history as {@code wamp.subscription.get_events}
 * defines it, and WELCOME announcing exactly what is implemented.
 */
class SpecConformanceTest extends RouterFixture {
    /** A client of every role that announces progressive call invocations and call canceling (the spec needs both). */
    static final Map<String, Object> STREAMING = Map.of("roles", Map.of(
            "caller", Map.of("features", Map.of("progressive_call_invocations", true)),
            "callee", Map.of("features", Map.of("progressive_call_invocations", true, "call_canceling", true)),
            "publisher", Map.of(), "subscriber", Map.of()));

    Router start(String... settings) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            m.put(settings[i], settings[i + 1]);
        }
        return start(m);
    }

    static long id(TestPeer p) {
        return p.connection.session().id();
    }

    // ------------------------------------------------------------------------------------------ retained events

    /** The spec: the broker MUST NOT send a retained event the subscriber would not have been eligible for. */
    @Test
    void retainedEventsKeepThePublicationsEligibility() {
        start();
        TestPeer pub = join("pub");
        TestPeer other = join("other");
        pub.in(new Publish(1, Map.of("retain", true, "eligible", List.of(id(other))), "com.r.only-other",
                List.of("for other"), null));
        pub.in(new Publish(2, Map.of("retain", true, "exclude_authrole", List.of("anonymous")), "com.r.no-anon",
                List.of("not for anonymous"), null));
        pub.in(new Publish(3, Map.of("retain", true), "com.r.mine", List.of("exclude_me"), null));
        pub.in(new Publish(4, Map.of("retain", true, "acknowledge", true), "com.r.all", List.of("everyone"), null));
        pub.next(Published.class);
        TestPeer late = join("late");
        late.in(new Subscribe(1, Map.of("get_retained", true, "match", "prefix"), "com.r."));
        late.next(Subscribed.class);
        Set<Object> got = new java.util.HashSet<>();
        got.add(late.next(Event.class).args().get(0));
        got.add(late.next(Event.class).args().get(0));
        assertEquals(Set.of("everyone", "exclude_me"), got, "not eligible for the others");
        late.nothingMore(50);
        // the publisher excluded itself (exclude_me by default): it gets neither its own events again
        pub.in(new Subscribe(5, Map.of("get_retained", true), "com.r.mine"));
        pub.next(Subscribed.class);
        pub.nothingMore(50);
        // the one it was eligible for
        other.in(new Subscribe(1, Map.of("get_retained", true), "com.r.only-other"));
        other.next(Subscribed.class);
        assertEquals(List.of("for other"), other.next(Event.class).args());
    }

    // ------------------------------------------------------------------------------------------ progressive invocations

    /** The spec: a callee that did not announce progressive call invocations (and call canceling) cannot get one. */
    @Test
    void progressiveInvocationToACalleeWithoutTheFeatureIsNotSupported() {
        start();
        TestPeer callee = join("callee"); // announces no features
        TestPeer caller = join("realm1", "caller", STREAMING);
        callee.in(new Register(1, Map.of(), "com.upload"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of("progress", true), "com.upload", List.of("a"), null));
        assertError(caller.next(), MessageType.CALL, 1, ErrorUris.FEATURE_NOT_SUPPORTED);
        callee.nothingMore(50);
        // announcing progressive_call_invocations without call_canceling is not enough either
        TestPeer half = join("realm1", "half", Map.of("roles", Map.of("callee", Map.of("features",
                Map.of("progressive_call_invocations", true)))));
        half.in(new Register(1, Map.of(), "com.upload2"));
        half.next(Registered.class);
        caller.in(new Call(2, Map.of("progress", true), "com.upload2", List.of("a"), null));
        assertError(caller.next(), MessageType.CALL, 2, ErrorUris.FEATURE_NOT_SUPPORTED);
        assertEquals(0, callsWaiting(realm()));
    }

    /** The spec: a caller that did not announce the feature and sends {@code progress} breaks the protocol. */
    @Test
    void progressiveCallFromACallerWithoutTheFeatureIsAProtocolViolation() {
        start();
        TestPeer callee = join("realm1", "callee", STREAMING);
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of(), "com.upload"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of("progress", true), "com.upload", List.of("a"), null));
        assertEquals(ErrorUris.PROTOCOL_VIOLATION, caller.next(Abort.class).reason());
        callee.nothingMore(50);
    }

    /** The spec: the initiating CALL's options hold for every chunk; caller disclosure included. */
    @Test
    void everyChunkDisclosesTheCaller() {
        start();
        TestPeer callee = join("realm1", "callee", STREAMING);
        TestPeer caller = join("realm1", "caller", STREAMING);
        callee.in(new Register(1, Map.of("disclose_caller", true), "com.upload"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of("progress", true), "com.upload", List.of("a"), null));
        caller.in(new Call(1, Map.of("progress", true), "com.upload", List.of("b"), null));
        caller.in(new Call(1, Map.of(), "com.upload", List.of("c"), null));
        for (int i = 0; i < 3; i++) {
            Invocation inv = callee.next(Invocation.class);
            assertEquals(id(caller), inv.details().get("caller"), "chunk " + i + ": " + inv);
            assertEquals(authid(caller), inv.details().get("caller_authid"), "chunk " + i);
            assertEquals(i < 2 ? Boolean.TRUE : null, inv.details().get("progress"), "chunk " + i);
            if (i == 2) {
                callee.in(new Yield(inv.request(), Map.of(), List.of("abc"), null));
            }
        }
        assertEquals(List.of("abc"), caller.next(Result.class).args());
    }

    /** The spec: a chunk for a call that has ended is discarded; it must not start a new call. */
    @Test
    void aChunkAfterTheCallEndedIsDiscarded() {
        start();
        TestPeer callee = join("realm1", "callee", STREAMING);
        TestPeer caller = join("realm1", "caller", STREAMING);
        callee.in(new Register(1, Map.of(), "com.upload"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of("progress", true), "com.upload", List.of("a"), null));
        Invocation inv = callee.next(Invocation.class);
        callee.in(new WampMessage.Error(MessageType.INVOCATION.code(), inv.request(), Map.of(), "com.app.full", null,
                null));
        assertError(caller.next(), MessageType.CALL, 1, "com.app.full");
        // the caller had more in flight: a chunk and the final CALL
        caller.in(new Call(1, Map.of("progress", true), "com.upload", List.of("b"), null));
        caller.in(new Call(1, Map.of(), "com.upload", List.of("c"), null));
        callee.nothingMore(50);
        caller.nothingMore(50);
        assertEquals(0, callsWaiting(realm()));
        // a new call (a new request ID) goes through
        caller.in(new Call(2, Map.of(), "com.upload", List.of("x"), null));
        assertEquals(List.of("x"), callee.next(Invocation.class).args());
    }

    // ------------------------------------------------------------------------------------------ kill

    /** The spec: without a reason, a killed session is told {@code wamp.close.killed}. */
    @Test
    void killWithoutAReasonSaysKilled() {
        start("postmaster.realm.realm1.meta-kill", "true");
        TestPeer admin = join("admin");
        TestPeer victim = join("victim");
        admin.in(new Call(1, Map.of(), "wamp.session.kill", List.of(id(victim)), null));
        assertEquals(ErrorUris.CLOSE_KILLED, victim.next(Goodbye.class).reason());
        TestPeer second = join("second");
        admin.in(new Call(2, Map.of(), "wamp.session.kill_all", null, null));
        assertEquals(ErrorUris.CLOSE_KILLED, second.next(Goodbye.class).reason());
    }

    /**
     * A killed session's GOODBYE is the last message it gets: the meta events its own leaving causes (it may be
     * subscribed to them) come before it, as when the client says GOODBYE itself.
     */
    @Test
    void nothingFollowsTheGoodbyeOfAKilledSession() {
        start("postmaster.realm.realm1.meta-kill", "true");
        TestPeer admin = join("admin");
        TestPeer victim = join("victim");
        long request = 0;
        for (String topic : List.of("wamp.session.on_leave", "wamp.subscription.on_unsubscribe",
                "wamp.subscription.on_delete", "com.x.topic")) {
            victim.in(new Subscribe(++request, Map.of(), topic));
            victim.next(Subscribed.class);
        }
        victim.drain();
        admin.in(new Call(1, Map.of(), "wamp.session.kill", List.of(id(victim)), null));
        WampMessage m;
        do {
            m = victim.next();
        } while (!(m instanceof Goodbye));
        assertEquals(ErrorUris.CLOSE_KILLED, ((Goodbye) m).reason());
        victim.nothingMore(300);
    }

    /** The same at router shutdown: GOODBYE {@code wamp.close.system_shutdown} is the last message a session gets. */
    @Test
    void nothingFollowsTheGoodbyeOfARouterShutdown() {
        start();
        TestPeer watcher = join("watcher");
        long request = 0;
        for (String topic : List.of("wamp.session.on_leave", "wamp.subscription.on_unsubscribe",
                "wamp.subscription.on_delete", "com.x.topic")) {
            watcher.in(new Subscribe(++request, Map.of(), topic));
            watcher.next(Subscribed.class);
        }
        TestPeer other = join("other");
        watcher.drain();
        router.close();
        WampMessage m;
        do {
            m = watcher.next();
        } while (!(m instanceof Goodbye));
        assertEquals(ErrorUris.SYSTEM_SHUTDOWN, ((Goodbye) m).reason());
        watcher.nothingMore(300);
        assertEquals(ErrorUris.SYSTEM_SHUTDOWN, other.next(Goodbye.class).reason());
    }

    // ------------------------------------------------------------------------------------------ event history

    Map<?, ?> event(Object o) {
        return (Map<?, ?>) o;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> getEvents(TestPeer reader, long request, long subscription, Map<String, Object> kw) {
        reader.in(new Call(request, Map.of(), "wamp.subscription.get_events", List.of(subscription), kw));
        WampMessage m = reader.next();
        assertInstanceOf(Result.class, m, m.toString());
        return (List<Map<String, Object>>) ((Result) m).args().get(0);
    }

    /** {@code wamp.subscription.get_events}: the spec's keyword arguments and result shape. */
    @Test
    void getEventsTakesTheSpecsArgumentsAndAnswersItsShape() {
        start("postmaster.realm.realm1.history", "com.log=10");
        TestPeer pub = join("pub");
        TestPeer reader = join("reader");
        reader.in(new Subscribe(1, Map.of(), "com.log"));
        long sub = reader.next(Subscribed.class).subscription();
        long[] ids = new long[5];
        for (int i = 0; i < 5; i++) {
            pub.in(new Publish(i + 1, Map.of("acknowledge", true, "disclose_me", true), "com.log", List.of((long) i),
                    Map.of("n", (long) i)));
            ids[i] = pub.next(Published.class).publication();
            reader.next(Event.class);
        }
        List<Map<String, Object>> all = getEvents(reader, 2, sub, null);
        assertEquals(5, all.size());
        Map<String, Object> first = all.get(0);
        assertEquals(Set.of("timestamp", "subscription", "publication", "details", "args", "kwargs"), first.keySet());
        assertEquals(sub, first.get("subscription"));
        assertEquals(ids[0], first.get("publication"));
        assertEquals(List.of(0L), first.get("args"));
        assertEquals(Map.of("n", 0L), first.get("kwargs"));
        assertEquals(id(pub), event(first.get("details")).get("publisher"));
        java.time.Instant.parse((String) first.get("timestamp"));

        List<Map<String, Object>> last2Reversed = getEvents(reader, 3, sub, Map.of("limit", 2L, "reverse", true));
        assertEquals(List.of(ids[4], ids[3]), last2Reversed.stream().map(e -> e.get("publication")).toList());
        List<Map<String, Object>> after = getEvents(reader, 4, sub, Map.of("after_publication", ids[2]));
        assertEquals(List.of(ids[3], ids[4]), after.stream().map(e -> e.get("publication")).toList());
        List<Map<String, Object>> from = getEvents(reader, 5, sub, Map.of("from_publication", ids[3], "limit", 1L));
        assertEquals(List.of(ids[3]), from.stream().map(e -> e.get("publication")).toList());
        List<Map<String, Object>> before = getEvents(reader, 6, sub, Map.of("before_publication", ids[1]));
        assertEquals(List.of(ids[0]), before.stream().map(e -> e.get("publication")).toList());
        assertEquals(5, getEvents(reader, 7, sub, Map.of("from_time", "2000-01-01T00:00:00Z")).size());
        assertEquals(0, getEvents(reader, 8, sub, Map.of("after_time", "2999-01-01T00:00:00Z")).size());
        assertEquals(5, getEvents(reader, 9, sub, Map.of("until_time", "2999-01-01T00:00:00Z")).size());
        reader.in(new Call(10, Map.of(), "wamp.subscription.get_events", List.of(sub), Map.of("limit", "ten")));
        assertError(reader.next(), MessageType.CALL, 10, ErrorUris.INVALID_ARGUMENT);
    }

    /** A pattern subscription's history: the events of every topic it matches whose history is kept. */
    @Test
    void getEventsOfAPatternSubscription() {
        start("postmaster.realm.realm1.history", "com.log.auth=10, com.log.basket=10");
        TestPeer pub = join("pub");
        TestPeer reader = join("reader");
        reader.in(new Subscribe(1, Map.of("match", "prefix"), "com.log."));
        long sub = reader.next(Subscribed.class).subscription();
        for (String t : List.of("com.log.auth", "com.log.basket", "com.log.basket", "com.log.checkout")) {
            pub.in(new Publish(1, Map.of(), t, List.of(t), null));
            reader.next(Event.class);
        }
        List<Map<String, Object>> events = getEvents(reader, 2, sub, null);
        assertEquals(List.of(List.of("com.log.auth"), List.of("com.log.basket"), List.of("com.log.basket")),
                events.stream().map(e -> e.get("args")).toList(), "in the order published");
        assertEquals("com.log.basket", event(events.get(1).get("details")).get("topic"));
        assertEquals(1, getEvents(reader, 3, sub, Map.of("topic", "com.log.auth")).size());
    }

    /** The spec: history only for who may subscribe to the topic, and never an event the caller was not eligible for. */
    @Test
    void getEventsChecksTheRightToSubscribeAndEligibility() {
        PostmasterConfig config = PostmasterConfig.from(Map.of("postmaster.realm.realm1.history", "com.log=10")::get);
        Extensions open = Extensions.openRealms(config);
        io.postmaster.spi.Permissions rules = io.postmaster.config.AuthConfig.parsePermissions("rules",
                "* prefix all; com.log exact call,publish,register");
        java.util.concurrent.atomic.AtomicInteger joined = new java.util.concurrent.atomic.AtomicInteger();
        start(config, new Extensions(open.authenticators(), open.authmethods(),
                s -> joined.incrementAndGet() == 3 ? rules : open.permissions().permissions(s),
                open.authorizer(), open.listener(), open.executor()));
        TestPeer pub = join("pub");
        TestPeer reader = join("reader");
        reader.in(new Subscribe(1, Map.of(), "com.log"));
        long sub = reader.next(Subscribed.class).subscription();
        pub.in(new Publish(1, Map.of("eligible_authid", List.of("someone-else")), "com.log", List.of("secret"), null));
        pub.in(new Publish(2, Map.of("exclude", List.of(12345L)), "com.log", List.of("by session ID"), null));
        pub.in(new Publish(3, Map.of(), "com.log", List.of("public"), null));
        reader.next(Event.class); // "by session ID"
        reader.next(Event.class); // "public"
        assertEquals(List.of(List.of("public")), getEvents(reader, 2, sub, null).stream().map(e -> e.get("args"))
                .toList(), "not the one for someone else, and none filtered by session ID");
        TestPeer blind = join("blind"); // the third session: may not subscribe to com.log
        blind.in(new Call(3, Map.of(), "wamp.subscription.get_events", List.of(sub), null));
        assertError(blind.next(), MessageType.CALL, 3, ErrorUris.NOT_AUTHORIZED);
    }

    // ------------------------------------------------------------------------------------------ WELCOME

    /**
     * WELCOME announces exactly the features implemented (each has its tests): a feature is added here, and to the
     * README's features table, when it is done, never before.
     */
    @Test
    void welcomeAnnouncesExactlyTheImplementedFeatures() {
        start();
        TestPeer p = TestPeer.connect(router, "p");
        p.in(new Hello("realm1", ROLES));
        Map<?, ?> roles = (Map<?, ?>) p.next(Welcome.class).details().get("roles");
        assertEquals(Set.of("broker", "dealer"), roles.keySet());
        assertEquals(Set.of("progressive_call_results", "progressive_call_invocations", "call_timeout",
                        "call_canceling", "caller_identification", "pattern_based_registration", "shared_registration",
                        "session_meta_api", "registration_meta_api", "testament_meta_api", "registration_revocation",
                        "payload_passthru_mode"),
                ((Map<?, ?>) ((Map<?, ?>) roles.get("dealer")).get("features")).keySet());
        assertEquals(Set.of("publisher_exclusion", "publisher_identification", "subscriber_blackwhite_listing",
                        "pattern_based_subscription", "event_retention", "event_history", "session_meta_api",
                        "subscription_meta_api", "testament_meta_api", "subscription_revocation",
                        "payload_passthru_mode"),
                ((Map<?, ?>) ((Map<?, ?>) roles.get("broker")).get("features")).keySet());
    }

    static String authid(TestPeer p) {
        return p.connection.session().authid();
    }
}
