package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.message.WampMessage.Error;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An anonymous client tries to act beyond its rights, over a real WebSocket to the deployed WAR: forge router events
 * or forbidden publications through testaments, hoard testaments, kill other sessions, read their addresses, and
 * pass itself off as a user by choosing its authid. Realms and users: {@code src/test/resources/postmaster-it.properties}
 * ({@code realm1} as shipped, {@code authrealm} with user {@code joe}, {@code adminrealm} with an operator role).
 */
class HostileAuthzIT extends ContainerBase {
    private static final Map<String, Object> ROLES = WampTestClient.ROLES;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    // ------------------------------------------------------------------------------------------ testaments

    @Test
    void aTestamentCannotForgeRouterEvents() throws Exception {
        try (WampTestClient a = join("realm1")) {
            Error e = callError(a, 1, "wamp.session.add_testament",
                    List.of("wamp.session.on_leave", List.of(1L, "admin", "admin")), null);
            assertEquals(ErrorUris.INVALID_URI, e.error(), "a testament in the reserved wamp. namespace");
        }
    }

    @Test
    void aTestamentNeedsThePermissionToPublish() throws Exception {
        try (WampTestClient joe = joinWithTicket("authrealm", "joe", "joe-secret-ticket")) {
            // role user: com.example. prefix publish, but com.example.admin. none
            Error e = callError(joe, 1, "wamp.session.add_testament", List.of("com.example.admin.alert"), null);
            assertEquals(ErrorUris.NOT_AUTHORIZED, e.error(), "a testament on a topic the role may not publish to");
            e = callError(joe, 2, "wamp.session.add_testament", List.of("org.other.topic"), null);
            assertEquals(ErrorUris.NOT_AUTHORIZED, e.error(), "a testament on a topic no rule allows");
            Result r = call(joe, 3, "wamp.session.add_testament", List.of("com.example.gone"), null);
            assertTrue(r.args() == null || r.args().isEmpty(), "add_testament returns no value: " + r);
        }
    }

    @Test
    void testamentScopesAreTwoBucketsAndDetachedOnesFireFirst() throws Exception {
        String topic = "com.example.testament." + System.nanoTime();
        try (WampTestClient s = join("realm1");
             WampTestClient a = join("realm1")) {
            s.send(new Subscribe(1, Map.of(), topic));
            s.next(Subscribed.class);
            addTestament(a, 1, topic, "destroyed-1", null);
            addTestament(a, 2, topic, "detached-1", "detached");
            addTestament(a, 3, topic, "destroyed-2", "destroyed");
            Result flushed = call(a, 4, "wamp.session.flush_testaments", null, Map.of("scope", "detached"));
            assertTrue(flushed.args() == null || flushed.args().isEmpty(),
                    "flush_testaments returns no value (spec): " + flushed);
            addTestament(a, 5, topic, "detached-2", "detached");
            Error e = callError(a, 6, "wamp.session.flush_testaments", null, Map.of("scope", "forever"));
            assertEquals(ErrorUris.INVALID_ARGUMENT, e.error(), "an unknown scope");
            a.send(new Goodbye(Map.of(), ErrorUris.CLOSE_NORMAL));
            a.next(Goodbye.class);
            List<Object> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(s.next(Event.class).args().get(0));
            }
            assertEquals(List.of("detached-2", "destroyed-1", "destroyed-2"), got,
                    "the detached bucket first, then the destroyed one, each in the order added; flushed ones never");
        }
    }

    @Test
    void testamentsAreCappedPerSessionByCountAndBytes() throws Exception {
        try (WampTestClient a = join("realm1")) {
            long request = 1;
            WampMessage answer;
            int accepted = 0;
            do {
                a.send(new Call(request, Map.of(), "wamp.session.add_testament",
                        List.of("com.example.hoard", List.of(request)), null));
                answer = a.next();
                request++;
                if (answer instanceof Result) {
                    accepted++;
                }
            } while (answer instanceof Result && accepted < 1_000);
            assertTrue(accepted < 1_000, "1,000 testaments accepted from one session");
            Error e = assertInstanceOf(Error.class, answer);
            assertEquals(ErrorUris.LIMIT_REACHED, e.error(), "past the count cap");
            assertTrue(String.valueOf(e.details().get("message")).contains("postmaster.testament-max"),
                    "the refusal names the setting: " + e);
            call(a, request++, "wamp.session.flush_testaments", null, Map.of());
            // one testament bigger than the per-session byte budget
            e = callError(a, request, "wamp.session.add_testament",
                    List.of("com.example.hoard", List.of("x".repeat(200_000))), null);
            assertEquals(ErrorUris.PAYLOAD_SIZE_EXCEEDED, e.error(), "past the byte cap");
        }
    }

    // ------------------------------------------------------------------------------------------ meta API

    @Test
    void anAnonymousSessionCannotKillOnTheDefaultRealm() throws Exception {
        try (WampTestClient victim = join("realm1");
             WampTestClient a = join("realm1")) {
            long victimId = sessionIdOf(victim);
            String victimAuthid = (String) ((Map<?, ?>) call(a, 1, "wamp.session.get", List.of(victimId), null)
                    .args().get(0)).get("authid");
            assertEquals(ErrorUris.NOT_AUTHORIZED,
                    callError(a, 2, "wamp.session.kill_all", null, null).error(), "kill_all");
            assertEquals(ErrorUris.NOT_AUTHORIZED,
                    callError(a, 3, "wamp.session.kill", List.of(victimId), null).error(), "kill");
            assertEquals(ErrorUris.NOT_AUTHORIZED,
                    callError(a, 4, "wamp.session.kill_by_authid", List.of(victimAuthid), null).error(),
                    "kill_by_authid");
            assertEquals(ErrorUris.NOT_AUTHORIZED,
                    callError(a, 5, "wamp.session.kill_by_authrole", List.of("anonymous"), null).error(),
                    "kill_by_authrole");
            // the victim is unharmed, and reading stays open
            Result count = call(victim, 1, "wamp.session.count", null, null);
            assertTrue((Long) count.args().get(0) >= 2, "session.count: " + count);
            Result list = call(a, 6, "wamp.session.list", null, null);
            assertTrue(((List<?>) list.args().get(0)).contains(victimId), "session.list: " + list);
            assertFalse(victim.closed(), "the victim was closed");
        }
    }

    @Test
    void anAnonymousSessionDoesNotSeeOtherSessionsAddresses() throws Exception {
        try (WampTestClient a = join("realm1")) {
            a.send(new Subscribe(1, Map.of(), "wamp.session.on_join"));
            a.next(Subscribed.class);
            try (WampTestClient victim = join("realm1")) {
                long victimId = sessionIdOf(victim);
                Map<?, ?> joined = null;
                while (joined == null) {
                    Event e = a.next(Event.class);
                    Map<?, ?> d = (Map<?, ?>) e.args().get(0);
                    if (Long.valueOf(victimId).equals(d.get("session"))) {
                        joined = d;
                    }
                }
                assertNoPeerAddress(joined, "on_join");
                Map<?, ?> got = (Map<?, ?>) call(a, 2, "wamp.session.get", List.of(victimId), null).args().get(0);
                assertEquals(victimId, got.get("session"));
                assertNoPeerAddress(got, "session.get");
            }
        }
    }

    @Test
    void aRoleWithAnExplicitRuleMayKillAndSeeAddresses() throws Exception {
        // adminrealm: anonymous has "* prefix all" (not enough to kill), operator an explicit wamp.session.kill rule
        try (WampTestClient anon = join("adminrealm");
             WampTestClient victim = join("adminrealm");
             WampTestClient op = joinWithTicket("adminrealm", "operator", "operator-ticket")) {
            long victimId = sessionIdOf(victim);
            assertEquals(ErrorUris.NOT_AUTHORIZED,
                    callError(anon, 1, "wamp.session.kill", List.of(victimId), null).error(),
                    "a catch-all rule does not grant kill");
            Map<?, ?> got = (Map<?, ?>) call(op, 1, "wamp.session.get", List.of(victimId), null).args().get(0);
            assertTrue(got.get("transport") instanceof Map<?, ?> t && t.get("peer") instanceof String p
                    && p.contains("127.0.0.1"), "the operator sees the peer address: " + got);
            call(op, 2, "wamp.session.kill", List.of(victimId), null);
            assertEquals(ErrorUris.CLOSE_KILLED, victim.next(Goodbye.class).reason());
        }
    }

    // ------------------------------------------------------------------------------------------ anonymous authid

    @Test
    void anAnonymousSessionCannotChooseItsAuthid() throws Exception {
        String ns = "com.example.who." + System.nanoTime();
        try (WampTestClient callee = join("realm1");
             WampTestClient publisher = join("realm1");
             WampTestClient fake = connect("wamp.2.json")) {
            Map<String, Object> hello = new LinkedHashMap<>(ROLES);
            hello.put("authid", "joe");
            fake.send(new Hello("realm1", hello));
            Welcome w = fake.next(Welcome.class);
            Object authid = w.details().get("authid");
            assertNotEquals("joe", authid, "WELCOME.Details.authid echoes the client's choice");
            assertTrue(authid instanceof String s && s.length() >= 20, "a router-assigned authid: " + authid);

            // eligible_authid ["joe"] does not reach the anonymous "joe"; a fence shows nothing came before it
            fake.send(new Subscribe(1, Map.of(), ns + ".private"));
            fake.next(Subscribed.class);
            publisher.send(new Publish(1, Map.of("acknowledge", true, "eligible_authid", List.of("joe")),
                    ns + ".private", List.of("for joe only"), null));
            publisher.next(Published.class);
            publisher.send(new Publish(2, Map.of("acknowledge", true), ns + ".private", List.of("fence"), null));
            publisher.next(Published.class);
            assertEquals(List.of("fence"), fake.next(Event.class).args(), "an event for authid joe reached it");

            // it is disclosed under the router's authid, not as joe
            callee.send(new Register(1, Map.of("disclose_caller", true), ns + ".whoami"));
            callee.next(Registered.class);
            fake.send(new Call(2, Map.of(), ns + ".whoami", List.of(), null));
            Invocation inv = callee.next(Invocation.class);
            assertEquals(authid, inv.details().get("caller_authid"), "INVOCATION.Details.caller_authid");
            callee.send(new Yield(inv.request(), Map.of(), List.of(), null));
            fake.next(Result.class);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void assertNoPeerAddress(Map<?, ?> details, String where) {
        assertFalse(details.get("transport") instanceof Map<?, ?> t && t.containsKey("peer"),
                where + " discloses the peer address to an anonymous session: " + details);
    }

    /** The session ID of a joined client: WampTestClient.join keeps no WELCOME, so c discloses itself to itself. */
    private static long sessionIdOf(WampTestClient c) throws Exception {
        String topic = "com.example.self." + System.nanoTime();
        c.send(new Subscribe(9_000_001, Map.of(), topic));
        c.next(Subscribed.class);
        c.send(new Publish(9_000_002, Map.of("exclude_me", false, "disclose_me", true), topic, List.of(), null));
        Event e = c.next(Event.class);
        return (Long) e.details().get("publisher");
    }

    private static void addTestament(WampTestClient c, long request, String topic, String arg, String scope)
            throws Exception {
        call(c, request, "wamp.session.add_testament", List.of(topic, List.of(arg)),
                scope == null ? null : Map.of("scope", scope));
    }

    private static Result call(WampTestClient c, long request, String procedure, List<Object> args,
                               Map<String, Object> kwargs) throws Exception {
        c.send(new Call(request, Map.of(), procedure, args, kwargs));
        WampMessage m = c.next();
        return assertInstanceOf(Result.class, m, procedure + " " + args + " " + kwargs);
    }

    private static Error callError(WampTestClient c, long request, String procedure, List<Object> args,
                                   Map<String, Object> kwargs) throws Exception {
        c.send(new Call(request, Map.of(), procedure, args, kwargs));
        WampMessage m = c.next();
        Error e = assertInstanceOf(Error.class, m, procedure + " " + args + " " + kwargs + " was not refused");
        assertEquals(MessageType.CALL.code(), e.requestType());
        assertEquals(request, e.request());
        return e;
    }
}
