package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.postmaster.it.AdminConsoleClients.ADMIN;
import static io.postmaster.it.AdminConsoleClients.OBSERVER;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Realms at runtime, on the deployed router: one added through the MXBean or the admin API accepts sessions (with
 * its own users and roles), a changed one applies to new logins while joined sessions keep what they got, a removed
 * one says GOODBYE {@code wamp.close.close_realm} to its sessions and refuses new ones with
 * {@code wamp.error.no_such_realm}; the MXBean of a realm comes and goes with it; bad definitions, a realm past
 * {@code postmaster.realms-max}, callers without the admin role or from another origin are refused.
 */
class RuntimeRealmsIT extends ContainerBase {
    private static final String ROUTER_BEAN = "io.postmaster:type=Router,context=/";
    private static final String JSON_TYPE = "application/json";
    /**
     * joe's ticket "runtime-ticket", hashed as {@code Crypto.hashTicket} does but with 1,000 iterations instead of the
     * tool's 100,000: the test is about realms, and a cold server on a busy machine takes seconds for the first
     * 100,000.
     */
    private static final String JOE_TICKET_HASH =
            "pbkdf2-sha256$1000$a1EtXm87us6uHCUkhCyU4g==$gQ2FDaHZ8UAAZM7m3YnfVoXtYukq2x853p2j2fyaXUs=";
    private static final String JOE_TICKET = "runtime-ticket";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addClass(JmxProbe.class);
    }

    private OperatorHttp operator() {
        return new OperatorHttp("http://127.0.0.1:" + base.getPort());
    }

    private HttpResponse<String> api(String method, String realm, String[] user, String body) throws Exception {
        return AdminConsoleClients.send(base, method, "/admin/api/realms" + (realm == null ? "" : "/" + realm), user,
                null, body == null ? null : JSON_TYPE, body);
    }

    /** A HELLO to {@code realm}: the ABORT it gets. */
    private WampMessage.Abort refusedHello(String realm) throws Exception {
        try (WampTestClient c = connect(JsonSerializer.SUBPROTOCOL)) {
            c.send(new WampMessage.Hello(realm, WampTestClient.ROLES));
            return c.next(WampMessage.Abort.class);
        }
    }

    @Test
    void aRealmAddedThroughTheMXBeanAcceptsSessionsAndSaysGoodbyeWhenRemoved() throws Exception {
        String realm = "com.example.runtime.jmx";
        OperatorHttp http = operator();
        assertEquals(ErrorUris.NO_SUCH_REALM, refusedHello(realm).reason());

        HttpResponse<String> added = http.jmxInvoke(ROUTER_BEAN, "addRealm",
                "realm=" + realm + "&definition=" + OperatorHttp.enc("{\"anonymous\":\"true\"}"));
        assertEquals(200, added.statusCode(), added.body());
        assertTrue(http.jmxQuery("io.postmaster:*").contains("name=" + realm + ",type=Realm"));
        try (WampTestClient a = join(realm); WampTestClient b = join(realm)) {
            a.send(new WampMessage.Subscribe(1, Map.of(), "com.example.t"));
            a.next(WampMessage.Subscribed.class);
            b.send(new WampMessage.Publish(1, Map.of(), "com.example.t", List.of("hi"), null));
            assertEquals(List.of("hi"), a.next(WampMessage.Event.class).args());
            // the same name again is refused, with the reason
            HttpResponse<String> again = http.jmxInvoke(ROUTER_BEAN, "addRealm", "realm=" + realm + "&definition=");
            assertEquals(400, again.statusCode());
            assertTrue(again.body().contains("served already"), again.body());

            assertEquals("2", http.jmxInvoke(ROUTER_BEAN, "removeRealm", "realm=" + realm).body());
            for (WampTestClient c : List.of(a, b)) {
                assertEquals(ErrorUris.CLOSE_REALM, c.next(WampMessage.Goodbye.class).reason());
                c.send(new WampMessage.Goodbye(Map.of(), ErrorUris.GOODBYE_AND_OUT)); // the spec's reply
            }
            // the transport stays, as after any GOODBYE: the client may join another realm on it
            a.send(new WampMessage.Hello("realm1", WampTestClient.ROLES));
            a.next(WampMessage.Welcome.class);
        }
        assertEquals(ErrorUris.NO_SUCH_REALM, refusedHello(realm).reason());
        assertFalse(http.jmxQuery("io.postmaster:*").contains("name=" + realm + ",type=Realm"));
    }

    @Test
    void theAdminApiAddsARealmWithUsersAndRolesChangesItForNewLoginsAndRemovesIt() throws Exception {
        String realm = "com.example.runtime.api";
        String definition = "{\"anonymous\":false,\"authmethods\":\"ticket\",\"roles\":\"user\","
                + "\"role.user.permissions\":\"com.example.a. prefix call,register\",\"users\":\"joe\","
                + "\"user.joe.role\":\"user\",\"user.joe.ticket\":\"" + JOE_TICKET_HASH + "\"}";
        HttpResponse<String> added = api("PUT", realm, ADMIN, definition);
        assertEquals(201, added.statusCode(), added.body());
        HttpResponse<String> list = api("GET", null, ADMIN, null);
        assertTrue(list.body().contains("{\"name\":\"" + realm + "\",\"sessions\":0,\"configured\":false}"),
                list.body());
        assertTrue(list.body().contains("{\"name\":\"realm1\""), list.body());

        assertEquals(ErrorUris.NO_AUTH_METHOD, refusedHello(realm).reason()); // no anonymous sessions
        try (WampTestClient before = joinWithTicket(realm, "joe", JOE_TICKET)) {
            before.send(new WampMessage.Register(1, Map.of(), "com.example.a.proc"));
            before.next(WampMessage.Registered.class);
            before.send(new WampMessage.Subscribe(2, Map.of(), "com.example.b.topic"));
            assertEquals(ErrorUris.NOT_AUTHORIZED, before.next(WampMessage.Error.class).error());

            // the change: the role may now do everything under com.example.
            HttpResponse<String> changed = api("PUT", realm, ADMIN, definition.replace(
                    "com.example.a. prefix call,register", "com.example. prefix all"));
            assertEquals(200, changed.statusCode(), changed.body());
            before.send(new WampMessage.Subscribe(3, Map.of(), "com.example.b.topic"));
            assertEquals(ErrorUris.NOT_AUTHORIZED, before.next(WampMessage.Error.class).error(),
                    "a joined session keeps the permissions of its login");
            try (WampTestClient after = joinWithTicket(realm, "joe", JOE_TICKET)) {
                after.send(new WampMessage.Subscribe(1, Map.of(), "com.example.b.topic"));
                after.next(WampMessage.Subscribed.class);
                // routing state survived the change: the registration made before it still answers
                after.send(new WampMessage.Call(2, Map.of(), "com.example.a.proc", List.of(), null));
                WampMessage.Invocation inv = before.next(WampMessage.Invocation.class);
                before.send(new WampMessage.Yield(inv.request(), Map.of(), List.of(42), null));
                assertEquals(42, ((Number) after.next(WampMessage.Result.class).args().get(0)).intValue());

                HttpResponse<String> strict = api("PUT", realm, ADMIN,
                        definition.replace("{", "{\"uri-check\":\"strict\","));
                assertEquals(400, strict.statusCode());
                assertTrue(strict.body().contains("cannot change"), strict.body());

                HttpResponse<String> removed = api("DELETE", realm, ADMIN, null);
                assertEquals(200, removed.statusCode(), removed.body());
                assertTrue(removed.body().contains("\"sessionsClosed\":2"), removed.body());
                for (WampTestClient c : List.of(before, after)) {
                    WampMessage m = c.next();
                    while (m instanceof WampMessage.Event) {
                        m = c.next();
                    }
                    assertEquals(ErrorUris.CLOSE_REALM, ((WampMessage.Goodbye) m).reason(), m.toString());
                }
            }
        }
        assertEquals(ErrorUris.NO_SUCH_REALM, refusedHello(realm).reason());
        assertEquals(404, api("DELETE", realm, ADMIN, null).statusCode());
    }

    @Test
    void badDefinitionsStrangersAndRealmsPastTheMaximumAreRefused() throws Exception {
        String realm = "com.example.runtime.refused";
        assertEquals(401, api("PUT", realm, null, "{}").statusCode());
        assertEquals(403, api("PUT", realm, OBSERVER, "{}").statusCode());
        assertEquals(401, api("GET", null, null, null).statusCode());
        assertEquals(403, AdminConsoleClients.send(base, "PUT", "/admin/api/realms/" + realm, ADMIN,
                "http://evil.example.com", JSON_TYPE, "{}").statusCode(), "a page of another origin");
        assertEquals(415, AdminConsoleClients.send(base, "PUT", "/admin/api/realms/" + realm, ADMIN, null,
                "text/plain", "{}").statusCode(), "a body a form of another site could send");
        assertRefused(400, api("PUT", "bad..name", ADMIN, "{}"), "not a valid realm URI");
        assertRefused(400, api("PUT", realm, ADMIN, "{\"anonymus\":\"true\"}"), "unknown setting 'anonymus'");
        assertRefused(400, api("PUT", realm, ADMIN, "{\"role.x.permissions\":\"* prefix all\"}"), "not in roles");
        assertRefused(400, api("PUT", realm, ADMIN, "{\"roles\":\"x\",\"role.x.permissions\":\"* exact all\"}"),
                "needs the prefix match");
        assertRefused(400, api("PUT", realm, ADMIN, "{\"anonymous\":"), "not valid JSON");
        assertRefused(413, api("PUT", realm, ADMIN, "{\"history\":\"" + "x".repeat(70_000) + "\"}"),
                "postmaster.realm-definition-max-bytes");
        assertEquals(ErrorUris.NO_SUCH_REALM, refusedHello(realm).reason(), "nothing refused was added");

        // fill up to postmaster.realms-max (the suite's settings leave room for a few), then one more
        HttpResponse<String> list = api("GET", null, ADMIN, null);
        Matcher max = Pattern.compile("\"max\":(\\d+)").matcher(list.body());
        assertTrue(max.find(), list.body());
        int room = Integer.parseInt(max.group(1)) - (int) Pattern.compile("\"name\":").matcher(list.body())
                .results().count();
        assertTrue(room >= 1 && room <= 10, "the suite's settings leave a little room: " + list.body());
        try {
            for (int i = 0; i < room; i++) {
                assertEquals(201, api("PUT", realm + i, ADMIN, "{}").statusCode());
            }
            assertRefused(409, api("PUT", realm + room, ADMIN, "{}"), "postmaster.realms-max");
        } finally {
            for (int i = 0; i < room; i++) {
                api("DELETE", realm + i, ADMIN, null);
            }
        }
        assertEquals(201, api("PUT", realm, ADMIN, "{}").statusCode(), "room again after the removals");
        assertEquals(200, api("DELETE", realm, ADMIN, null).statusCode());
    }

    private static void assertRefused(int status, HttpResponse<String> r, String because) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("{\"error\":") && r.body().contains(because), r.body());
    }
}
