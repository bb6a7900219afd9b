package io.postmaster.router;

import io.postmaster.config.AuthConfig;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.spi.Action;
import io.postmaster.spi.Authorizer;
import io.postmaster.spi.Decision;
import io.postmaster.spi.Permissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every action through the broker and dealer under a restricted role: allowed ones work, forbidden ones get
 * {@code wamp.error.not_authorized} and leave no trace (no subscription or registration, no EVENT, no INVOCATION).
 */
class AuthorizationTest extends RouterFixture {
    static final String RULES = "com.ok. prefix all; com.ro. prefix subscribe,call; com.wo. prefix publish,register;"
            + " com.ok.secret exact none";


    /** A router whose anonymous sessions have {@link #RULES}, except sessions with authid "admin" (everything). */
    Router start(Authorizer authorizer) {
        PostmasterConfig config = PostmasterConfig.from(k -> null);
        Permissions restricted = AuthConfig.parsePermissions("test", RULES);
        Permissions all = AuthConfig.parsePermissions("test", "* prefix all");
        Extensions open = ClaimedAuthids.of(config);
        start(config, new Extensions(open.authenticators(), open.authmethods(),
                s -> s.authid().equals("admin") ? all : restricted, authorizer, open.listener(), open.executor()));
        return router;
    }

    @AfterEach
    void stop() {
        router.close();
    }

    @Override
    TestPeer join(String authid) {
        return join("realm1", authid, ROLES, authid);
    }

    static final Authorizer BY_PERMISSIONS = (s, p, uri, a) -> p.decide(uri, a);

    /** Sends {@code action} on {@code uri}; returns the error URI, or null if it succeeded. */
    static String attempt(TestPeer p, Action action, String uri, long request) {
        switch (action) {
            case SUBSCRIBE -> p.in(new Subscribe(request, Map.of(), uri));
            case REGISTER -> p.in(new Register(request, Map.of(), uri));
            case PUBLISH -> p.in(new Publish(request, Map.of("acknowledge", true), uri, List.of(1), null));
            case CALL -> p.in(new Call(request, Map.of(), uri, List.of(1), null));
        }
        WampMessage m = p.next();
        if (m instanceof WampMessage.Error e) {
            assertEquals(request, e.request());
            return e.error();
        }
        return null;
    }

    @Test
    void tableOfActions() {
        start(BY_PERMISSIONS);
        TestPeer admin = join("admin");
        // a callee for every procedure the table calls, so an allowed CALL would reach it
        long req = 1;
        for (String proc : List.of("com.ok.p", "com.ro.p", "com.wo.p", "com.ok.secret", "net.p")) {
            admin.in(new Register(req++, Map.of(), proc));
            admin.next(Registered.class);
        }
        TestPeer p = join("user");
        Object[][] table = {
                // uri,            action,           expected error (null = allowed)
                {"com.ok.t", Action.SUBSCRIBE, null},
                {"com.ok.t", Action.PUBLISH, null},
                {"com.ok.r", Action.REGISTER, null},
                {"com.ok.p", Action.CALL, "INVOKED"},
                {"com.ro.t", Action.SUBSCRIBE, null},
                {"com.ro.t", Action.PUBLISH, ErrorUris.NOT_AUTHORIZED},
                {"com.ro.r", Action.REGISTER, ErrorUris.NOT_AUTHORIZED},
                {"com.ro.p", Action.CALL, "INVOKED"},
                {"com.wo.t", Action.SUBSCRIBE, ErrorUris.NOT_AUTHORIZED},
                {"com.wo.t", Action.PUBLISH, null},
                {"com.wo.r", Action.REGISTER, null},
                {"com.wo.p", Action.CALL, ErrorUris.NOT_AUTHORIZED},
                {"com.ok.secret", Action.SUBSCRIBE, ErrorUris.NOT_AUTHORIZED},
                {"com.ok.secret", Action.CALL, ErrorUris.NOT_AUTHORIZED},
                {"net.p", Action.CALL, ErrorUris.NOT_AUTHORIZED},
                {"net.t", Action.SUBSCRIBE, ErrorUris.NOT_AUTHORIZED},
        };
        long r = 100;
        for (Object[] row : table) {
            String uri = (String) row[0];
            Action action = (Action) row[1];
            String what = action.wireName() + " " + uri;
            if ("INVOKED".equals(row[2])) {
                p.in(new Call(r, Map.of(), uri, List.of(1), null));
                Invocation inv = admin.next(Invocation.class);
                admin.in(new Yield(inv.request(), Map.of(), List.of("ok"), null));
                assertEquals(r, p.next(Result.class).request(), what);
            } else {
                assertEquals(row[2], attempt(p, action, uri, r), what);
            }
            r++;
        }
        admin.nothingMore(100);
    }

    @Test
    void randomizedForbiddenActionsGetNotAuthorizedAndLeaveNoTrace() {
        start(BY_PERMISSIONS);
        TestPeer admin = join("admin");
        TestPeer p = join("user");
        Random rnd = new Random(4);
        String[] prefixes = {"com.ok.", "com.ro.", "com.wo.", "net.", "com.okay.", "com.ok.secret"};
        Permissions restricted = AuthConfig.parsePermissions("test", RULES);
        long req = 1;
        int forbidden = 0;
        for (int i = 0; i < 400; i++) {
            String pfx = prefixes[rnd.nextInt(prefixes.length)];
            String uri = pfx.endsWith(".") ? pfx + "x" + rnd.nextInt(5) : pfx;
            Action action = Action.values()[rnd.nextInt(4)];
            if (restricted.decide(uri, action).allowed()) {
                continue;
            }
            forbidden++;
            // the admin subscribes/registers the same URI so that a leak would show as EVENT/INVOCATION
            if (action == Action.PUBLISH && subscription(router.realm("realm1"), uri) == null) {
                admin.in(new Subscribe(req++, Map.of(), uri));
                admin.next(Subscribed.class);
            }
            if (action == Action.CALL && registration(router.realm("realm1"), uri) == null) {
                admin.in(new Register(req++, Map.of(), uri));
                admin.next(Registered.class);
            }
            assertEquals(ErrorUris.NOT_AUTHORIZED, attempt(p, action, uri, req++), action + " " + uri);
        }
        assertTrue(forbidden > 100, "the random walk tried enough forbidden actions: " + forbidden);
        Session user = router.realm("realm1").sessions().stream().filter(s -> s.authid().equals("user")).findFirst().orElseThrow();
        assertEquals(0, subscriptionsHeld(user), "no subscription");
        assertEquals(0, registrationsHeld(user), "no registration");
        assertEquals(0, callsWaiting(user), "no pending call");
        admin.nothingMore(100); // no EVENT, no INVOCATION
    }

    @Test
    void aRuleWithDiscloseDisclosesPublishersAndCallers() {
        PostmasterConfig config = PostmasterConfig.from(k -> null);
        Permissions rules = AuthConfig.parsePermissions("test", "com.open. prefix all,disclose; com.quiet. prefix all");
        Extensions open = ClaimedAuthids.of(config);
        start(config, new Extensions(open.authenticators(), open.authmethods(),
                s -> rules, BY_PERMISSIONS, open.listener(), open.executor()));
        TestPeer a = join("alice");
        TestPeer b = join("bob");
        b.in(new Subscribe(1, Map.of(), "com.open.t"));
        b.next(Subscribed.class);
        b.in(new Subscribe(2, Map.of(), "com.quiet.t"));
        b.next(Subscribed.class);
        b.in(new Register(3, Map.of(), "com.open.p"));
        b.next(Registered.class);
        a.in(new Publish(1, Map.of(), "com.open.t", List.of(1), null));
        assertEquals("alice", b.next(Event.class).details().get("publisher_authid"), "disclosed by the rule");
        a.in(new Publish(2, Map.of(), "com.quiet.t", List.of(1), null));
        assertNull(b.next(Event.class).details().get("publisher_authid"), "not disclosed without the rule");
        a.in(new Call(3, Map.of(), "com.open.p", List.of(), null));
        assertEquals("alice", b.next(Invocation.class).details().get("caller_authid"));
    }

    @Test
    void unacknowledgedForbiddenPublishIsDroppedSilently() {
        start(BY_PERMISSIONS);
        TestPeer admin = join("admin");
        admin.in(new Subscribe(1, Map.of(), "com.ro.t"));
        admin.next(Subscribed.class);
        TestPeer p = join("user");
        p.in(new Publish(1, Map.of(), "com.ro.t", List.of(1), null));
        p.nothingMore(100);
        admin.nothingMore(50);
    }

    @Test
    void aFailingAuthorizerGivesAuthorizationFailed() {
        start((s, p, uri, a) -> { throw new IllegalStateException("db down"); });
        TestPeer p = join("user");
        p.in(new Subscribe(1, Map.of(), "com.ok.t"));
        WampMessage.Error e = p.next(WampMessage.Error.class);
        assertEquals(ErrorUris.AUTHORIZATION_FAILED, e.error());
        assertEquals(MessageType.SUBSCRIBE.code(), e.requestType());
        assertFalse(e.toString().contains("db down"));
        assertTrue(noSubscriptions(router.realm("realm1")));
    }

    @Test
    void cacheableDecisionsAreAskedOncePerRoleUriAndAction() {
        AtomicInteger asked = new AtomicInteger();
        start((s, p, uri, a) -> {
            asked.incrementAndGet();
            return Decision.ALLOW;
        });
        TestPeer p = join("user");
        TestPeer q = join("other"); // same role (anonymous)
        for (int i = 1; i <= 3; i++) {
            p.in(new Publish(i, Map.of("acknowledge", true), "com.x", null, null));
            p.next(Published.class);
            q.in(new Publish(i, Map.of("acknowledge", true), "com.x", null, null));
            q.next(Published.class);
        }
        assertEquals(1, asked.get());
        p.in(new Publish(9, Map.of("acknowledge", true), "com.y", null, null));
        p.next(Published.class);
        assertEquals(2, asked.get());
    }
}
