package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.postmaster.router.RouterTest.assertError;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Registration and subscription revocation ({@code wamp.registration.remove}, {@code wamp.registration.remove_callee},
 * {@code wamp.subscription.remove}, {@code wamp.subscription.remove_subscriber}): granted like the kill procedures,
 * the revoked session told with {@code [UNREGISTERED, 0, {registration, reason}]} / {@code [UNSUBSCRIBED, 0,
 * {subscription, reason}]} when it announced the feature, the tables cleaned and the meta events published.
 */
class RevocationTest extends RouterFixture {
    static final Map<String, Object> REVOCABLE = Map.of("roles", Map.of(
            "callee", Map.of("features", Map.of("registration_revocation", true)),
            "subscriber", Map.of("features", Map.of("subscription_revocation", true)),
            "caller", Map.of(), "publisher", Map.of()));

    static long id(TestPeer p) {
        return p.connection.session().id();
    }

    /** The first RESULT or ERROR among what {@code p} received (meta events may come first). */
    static WampMessage answer(TestPeer p) {
        for (int i = 0; i < 10; i++) {
            WampMessage m = p.next();
            if (m instanceof Result || m instanceof WampMessage.Error) {
                return m;
            }
        }
        throw new AssertionError("no answer");
    }

    @Test
    void revocationIsRefusedByDefault() {
        start(Map.of());
        TestPeer callee = join("realm1", "callee", REVOCABLE);
        callee.in(new Register(1, Map.of(), "com.proc"));
        long reg = callee.next(Registered.class).registration();
        callee.in(new Subscribe(2, Map.of(), "com.topic"));
        long sub = callee.next(Subscribed.class).subscription();
        TestPeer anon = join("anon");
        for (var c : List.of(
                new Call(1, Map.of(), "wamp.registration.remove", List.of(reg), null),
                new Call(2, Map.of(), "wamp.registration.remove_callee", List.of(reg, id(callee)), null),
                new Call(3, Map.of(), "wamp.subscription.remove", List.of(sub), null),
                new Call(4, Map.of(), "wamp.subscription.remove_subscriber", List.of(sub, id(callee)), null))) {
            anon.in(c);
            assertError(anon.next(), MessageType.CALL, c.request(), ErrorUris.NOT_AUTHORIZED);
        }
        callee.nothingMore(50);
        assertNotNull(registration(realm(), "com.proc"));
        assertNotNull(subscription(realm(), "com.topic"));
    }

    @Test
    void removingARegistrationTellsItsCallees() {
        start(Map.of("postmaster.realm.realm1.meta-kill", "true"));
        TestPeer aware = join("realm1", "aware", REVOCABLE);
        TestPeer unaware = join("unaware");
        aware.in(new Register(1, Map.of("invoke", "roundrobin"), "com.proc"));
        long reg = aware.next(Registered.class).registration();
        unaware.in(new Register(1, Map.of("invoke", "roundrobin"), "com.proc"));
        unaware.next(Registered.class);
        TestPeer admin = join("admin");
        admin.in(new Subscribe(1, Map.of(), "wamp.registration.on_delete"));
        admin.next(Subscribed.class);
        admin.in(new Call(2, Map.of(), "wamp.registration.remove", List.of(reg),
                Map.of("reason", "moving endpoint to other callee")));
        Unregistered u = aware.next(Unregistered.class);
        assertEquals(0, u.request());
        assertEquals(Map.of("registration", reg, "reason", "moving endpoint to other callee"), u.details());
        unaware.nothingMore(50); // the spec: MUST NOT send UNREGISTERED to a callee that did not announce it
        Result removed = (Result) answer(admin);
        assertEquals(java.util.Set.of(id(aware), id(unaware)), new java.util.HashSet<>((List<?>) removed.args().get(0)),
                "the sessions removed");
        await(() -> registration(realm(), "com.proc") == null, "the registration is gone");
        assertEquals(0, registrationsHeld(realm()));
        admin.in(new Call(3, Map.of(), "com.proc", null, null));
        assertError(answer(admin), MessageType.CALL, 3, ErrorUris.NO_SUCH_PROCEDURE);
        // the revoked callee may register again
        aware.in(new Register(4, Map.of(), "com.proc"));
        aware.next(Registered.class);
        admin.in(new Call(5, Map.of(), "wamp.registration.remove", List.of(12345L), null));
        assertError(answer(admin), MessageType.CALL, 5, ErrorUris.NO_SUCH_REGISTRATION);
    }

    @Test
    void removingOneCalleeLeavesTheOthers() {
        start(Map.of("postmaster.realm.realm1.meta-kill", "true"));
        TestPeer a = join("realm1", "a", REVOCABLE);
        TestPeer b = join("realm1", "b", REVOCABLE);
        a.in(new Register(1, Map.of("invoke", "first"), "com.proc"));
        long reg = a.next(Registered.class).registration();
        b.in(new Register(1, Map.of("invoke", "first"), "com.proc"));
        b.next(Registered.class);
        TestPeer admin = join("admin");
        admin.in(new Call(1, Map.of(), "wamp.registration.remove_callee", List.of(reg, id(a)), Map.of("reason",
                "no longer wanted")));
        assertInstanceOf(Result.class, answer(admin));
        assertEquals(Map.of("registration", reg, "reason", "no longer wanted"), a.next(Unregistered.class).details());
        b.nothingMore(20);
        admin.in(new Call(2, Map.of(), "com.proc", null, null));
        b.next(Invocation.class); // b serves it now
        admin.in(new Call(3, Map.of(), "wamp.registration.remove_callee", List.of(reg, id(a)), null));
        assertError(answer(admin), MessageType.CALL, 3, ErrorUris.NO_SUCH_REGISTRATION);
    }

    @Test
    void removingASubscriptionTellsItsSubscribers() {
        start(Map.of("postmaster.realm.realm1.meta-kill", "true"));
        TestPeer aware = join("realm1", "aware", REVOCABLE);
        TestPeer unaware = join("unaware");
        aware.in(new Subscribe(1, Map.of(), "com.topic"));
        long sub = aware.next(Subscribed.class).subscription();
        unaware.in(new Subscribe(1, Map.of(), "com.topic"));
        unaware.next(Subscribed.class);
        TestPeer admin = join("admin");
        admin.in(new Call(1, Map.of(), "wamp.subscription.remove", List.of(sub),
                Map.of("reason", "no longer authorized")));
        assertInstanceOf(Result.class, answer(admin));
        Unsubscribed u = aware.next(Unsubscribed.class);
        assertEquals(0, u.request());
        assertEquals(Map.of("subscription", sub, "reason", "no longer authorized"), u.details());
        unaware.nothingMore(20);
        assertNull(subscription(realm(), "com.topic"));
        assertEquals(0, subscriptionsHeld(realm()));
        admin.in(new Publish(2, Map.of(), "com.topic", List.of("after"), null));
        aware.nothingMore(20);
        unaware.nothingMore(20);
    }

    @Test
    void removingOneSubscriber() {
        start(Map.of("postmaster.realm.realm1.meta-kill", "true"));
        TestPeer a = join("realm1", "a", REVOCABLE);
        TestPeer b = join("b");
        a.in(new Subscribe(1, Map.of(), "com.topic"));
        long sub = a.next(Subscribed.class).subscription();
        b.in(new Subscribe(1, Map.of(), "com.topic"));
        b.next(Subscribed.class);
        TestPeer admin = join("admin");
        admin.in(new Call(1, Map.of(), "wamp.subscription.remove_subscriber", List.of(sub, id(a)), null));
        assertInstanceOf(Result.class, answer(admin));
        assertEquals(Map.of("subscription", sub), a.next(Unsubscribed.class).details());
        admin.in(new Publish(2, Map.of(), "com.topic", List.of("after"), null));
        assertEquals(List.of("after"), b.next(Event.class).args());
        a.nothingMore(20);
        a.in(new Unsubscribe(3, sub));
        assertError(a.next(), MessageType.UNSUBSCRIBE, 3, ErrorUris.NO_SUCH_SUBSCRIPTION);
    }

    /** Like the kill procedures: a rule naming them grants them without {@code meta-kill}; a catch-all does not. */
    @Test
    void aRuleNamingThemGrantsThem() {
        Map<String, Boolean> cases = new java.util.LinkedHashMap<>();
        cases.put("* prefix all", false);
        cases.put("* prefix all; wamp.registration. prefix call", false);
        cases.put("* prefix all; wamp.registration.remove prefix call", true);
        cases.put("* prefix all; wamp.registration.remove exact call", true);
        for (var c : cases.entrySet()) {
            if (router != null) {
                router.close();
            }
            PostmasterConfig config = PostmasterConfig.from(Map.<String, String>of()::get);
            Extensions open = Extensions.openRealms(config);
            io.postmaster.spi.Permissions rules = io.postmaster.config.AuthConfig.parsePermissions("rules", c.getKey());
            start(config, new Extensions(open.authenticators(), open.authmethods(),
                    s -> rules, open.authorizer(), open.listener(), open.executor()));
            TestPeer callee = join("callee");
            callee.in(new Register(1, Map.of(), "com.proc"));
            long reg = callee.next(Registered.class).registration();
            TestPeer a = join("a");
            a.in(new Call(1, Map.of(), "wamp.registration.remove", List.of(reg), null));
            WampMessage answer = answer(a);
            assertEquals(c.getValue(), answer instanceof Result, c.getKey() + ": " + answer);
        }
    }
}
