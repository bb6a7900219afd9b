package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.router.match.UriTable;
import io.postmaster.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one set-up of the router unit tests: a router on a timer thread of its own, in-memory peers joined to its
 * realms, probes of the realms' tables, and waiting on a condition instead of sleeping. A test class extends it,
 * starts the router it needs ({@link #start(Map)}, {@link #start(PostmasterConfig, Extensions)}) and gets it closed
 * after each test.
 */
abstract class RouterFixture {
    /** HELLO.Details announcing every client role. */
    static final Map<String, Object> ROLES = Map.of("roles",
            Map.of("publisher", Map.of(), "subscriber", Map.of(), "caller", Map.of(), "callee", Map.of()));

    final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    Router router;

    /** A router with the default extensions (open realms) and these settings. */
    Router start(Map<String, String> settings) {
        return start(PostmasterConfig.from(settings::get));
    }

    /** A router with the default extensions (open realms). */
    Router start(PostmasterConfig config) {
        router = new Router(config, timers);
        return router;
    }

    /** A router with these extensions. */
    Router start(PostmasterConfig config, Extensions extensions) {
        router = new Router(config, timers, extensions);
        return router;
    }

    @AfterEach
    void closeRouter() {
        if (router != null) {
            router.close();
        }
        timers.shutdownNow();
    }

    /** A new transport, JSON. */
    TestPeer connect(String name) {
        return TestPeer.connect(router, name);
    }

    /** A session of every role on {@code realm1}. */
    TestPeer join(String name) {
        return join("realm1", name, ROLES);
    }

    /** A session on {@code realm} whose HELLO carries {@code details}. */
    TestPeer join(String realm, String name, Map<String, Object> details) {
        return join(realm, name, details, null);
    }

    /** A session on {@code realm}, with {@code authid} in HELLO.Details if not null, speaking {@code serializer}. */
    TestPeer join(String realm, String name, Map<String, Object> details, String authid, Serializer serializer) {
        TestPeer p = serializer == null ? TestPeer.connect(router, name) : TestPeer.connect(router, name, serializer);
        Map<String, Object> d = new HashMap<>(details);
        if (authid != null) {
            d.put("authid", authid);
        }
        p.in(new Hello(realm, d));
        p.next(Welcome.class);
        return p;
    }

    TestPeer join(String realm, String name, Map<String, Object> details, String authid) {
        return join(realm, name, details, authid, null);
    }

    Realm realm() {
        return router.realm("realm1");
    }

    /** Nothing of any session is left in the realm's tables. */
    void assertTablesEmpty(String realm) {
        assertTablesEmpty(router.realm(realm));
    }

    /** Nothing of any session is left in {@code r}'s tables: sessions, subscriptions, registrations. */
    static void assertTablesEmpty(Realm r) {
        assertTrue(noSubscriptions(r), "subscriptions");
        assertTrue(noRegistrations(r), "registrations");
        assertTrue(r.sessions().isEmpty(), "sessions");
    }

    /** Whether {@code r} holds no subscription (neither by topic nor by ID). */
    static boolean noSubscriptions(Realm r) {
        return ((UriTable<?>) field(r.broker(), "topics")).isEmpty()
                && ((Map<?, ?>) field(r.broker(), "subscriptionsById")).isEmpty();
    }

    /** Whether {@code r} holds no registration (neither by procedure nor by ID). */
    static boolean noRegistrations(Realm r) {
        return ((UriTable<?>) field(r.dealer(), "procedures")).isEmpty()
                && ((Map<?, ?>) field(r.dealer(), "registrationsById")).isEmpty();
    }

    /** Subscriptions held by all sessions of {@code r} together (one per session and subscription). */
    static int subscriptionsHeld(Realm r) {
        return ((Quota) field(r.broker(), "subscriptionQuota")).used();
    }

    /** Registrations held by all sessions of {@code r} together. */
    static int registrationsHeld(Realm r) {
        return ((Quota) field(r.dealer(), "registrationQuota")).used();
    }

    /** Calls waiting for an answer in {@code r}, all sessions together. */
    static int callsWaiting(Realm r) {
        return ((Quota) field(r.dealer(), "pendingCallQuota")).used();
    }

    /** The retained events of {@code r}, by topic. */
    @SuppressWarnings("unchecked")
    static Map<String, Retained> retained(Realm r) {
        return (Map<String, Retained>) field(r.broker(), "retained");
    }

    /** The bytes {@code r}'s retained events are counted as. */
    static long retainedBytes(Realm r) {
        synchronized (retained(r)) {
            return (Long) field(r.broker(), "retainedBytes");
        }
    }

    /** The subscription to exactly {@code topic}, or null. */
    static Subscription subscription(Realm r, String topic) {
        return r.broker().subscription(topic, MatchPolicy.EXACT);
    }

    /** The registration of exactly {@code procedure}, or null. */
    static Registration registration(Realm r, String procedure) {
        return r.dealer().registration(procedure, MatchPolicy.EXACT);
    }

    /** How many subscriptions {@code s} holds. */
    int subscriptionsHeld(Session s) {
        return ((Map<?, ?>) field(member(s).subscriber(), "subscriptions")).size();
    }

    /** How many registrations {@code s} holds. */
    int registrationsHeld(Session s) {
        return member(s).party().registrations().size();
    }

    /** How many calls {@code s} made and waits for. */
    int callsWaiting(Session s) {
        return member(s).party().calls().size();
    }

    /** How many testaments the session of {@code p} left. */
    static int testamentsHeld(TestPeer p) {
        return ((Testaments) field(p.connection.member().subscriber(), "testaments")).size();
    }

    /** Whether the session of {@code p} waits for no call it made. */
    static boolean noCallsOf(TestPeer p) {
        return p.connection.member().party().calls().isEmpty();
    }

    /** Whether the session of {@code p} owes no answer to an INVOCATION. */
    static boolean noInvocationsOf(TestPeer p) {
        return p.connection.member().party().invocations().isEmpty();
    }

    /** Whether the current thread holds the monitor of one of {@code r}'s tables. */
    static boolean holdsATableMonitor(Realm r) {
        return Thread.holdsLock(field(r.broker(), "topics")) || Thread.holdsLock(field(r.dealer(), "procedures"));
    }

    /**
     * A private field of a table's owner: the broker and dealer keep their tables to themselves, and expose no
     * test-only accessors; the tests read them here, in one place.
     */
    static Object field(Object owner, String name) {
        try {
            java.lang.reflect.Field f = owner.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(owner);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no field " + name + " in " + owner.getClass(), e);
        }
    }

    /** A joined session with its handles. */
    Member member(Session s) {
        return router.realm(s.details().realm()).member(s.id());
    }

    /** Waits up to 5 s for {@code condition}, checking every millisecond; fails with {@code what} if it never holds. */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting: " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
