package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static io.postmaster.it.AdminConsoleClients.ADMIN;
import static io.postmaster.it.AdminConsoleClients.OBSERVER;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The admin console's protection on a real server: the container's security constraint (401 without credentials,
 * 403 without the role) on its pages, its API and its WebSocket; a foreign origin refused; and the admin session's
 * powers — kill on any realm — out of reach of every {@code /ws} client, whatever its HELLO says.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HostileAdminConsoleIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return AdminConsoleClients.builtWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void pagesAndApiNeedTheAdminRole() throws Exception {
        for (String path : List.of("/admin/", "/admin/index.html", "/admin/api/info", "/admin/console.js")) {
            HttpResponse<String> none = AdminConsoleClients.get(base, path, null);
            assertEquals(401, none.statusCode(), path + " without credentials");
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").toLowerCase().startsWith("basic"),
                    path + ": a BASIC challenge");
            // an unknown user: TomEE's LockOutRealm locks a user out after 5 failures in a row
            assertEquals(401, AdminConsoleClients.get(base, path, new String[] {"intruder", "admin"}).statusCode(),
                    path + " with an unknown user");
            assertEquals(403, AdminConsoleClients.get(base, path, OBSERVER).statusCode(), path + " without the role");
        }
        assertEquals(401, AdminConsoleClients.get(base, "/admin/", new String[] {"admin", "wrong"}).statusCode(),
                "a wrong password");
        HttpResponse<String> page = AdminConsoleClients.get(base, "/admin/", ADMIN);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Postmaster"), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").isPresent());
        HttpResponse<String> info = AdminConsoleClients.get(base, "/admin/api/info", ADMIN);
        assertEquals(200, info.statusCode());
        assertTrue(info.body().contains("\"realm1\"") && info.body().contains("\"user\":\"admin\""), info.body());
        // the router's own endpoint stays as open as its realms say
        try (WampTestClient c = WampTestClient.join(AdminConsoleClients.ws(base), "realm1")) {
            assertFalse(c.closed());
        }
    }

    @Test
    void theAdminHandshakeNeedsCredentialsTheRoleAndTheConsolesOrigin() throws Exception {
        assertEquals(401, refusedHandshake(null, null), "no credentials");
        assertEquals(401, refusedHandshake(new String[] {"intruder", "wrong"}, null), "an unknown user");
        assertEquals(403, refusedHandshake(OBSERVER, null), "no role");
        assertEquals(403, refusedHandshake(ADMIN, "http://evil.example"), "a foreign origin");
        try (AdminConsoleClients.AdminWs ok = AdminConsoleClients.AdminWs.connect(base, ADMIN,
                AdminConsoleClients.base(base))) {
            ok.send(new Hello("realm1", WampTestClient.ROLES));
            assertEquals("postmaster-admin", ok.next(Welcome.class).details().get("authrole"));
        }
    }

    private int refusedHandshake(String[] user, String origin) throws Exception {
        try (AdminConsoleClients.AdminWs c = AdminConsoleClients.AdminWs.connect(base, user, origin)) {
            fail("the admin WebSocket accepted a handshake that should be refused");
            return -1;
        } catch (ExecutionException e) {
            return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
        }
    }

    @Test
    void anAdminSessionKillsWithAReasonOnARealmWhereNobodyElseMay() throws Exception {
        try (WampTestClient victim = WampTestClient.connect(AdminConsoleClients.ws(base), "wamp.2.json");
             WampTestClient other = WampTestClient.join(AdminConsoleClients.ws(base), "realm1");
             AdminConsoleClients.AdminWs admin = AdminConsoleClients.AdminWs.connect(base, ADMIN, null)) {
            long victimId = join(victim);
            // realm1 grants no kill to its clients
            other.send(new Call(1, Map.of(), "wamp.session.kill", List.of(victimId), null));
            assertEquals(ErrorUris.NOT_AUTHORIZED, other.next(WampMessage.Error.class).error());

            admin.send(new Hello("realm1", Map.of("roles", Map.of("caller", Map.of(), "subscriber", Map.of()),
                    "authmethods", List.of("ticket"), "authid", "someone-else", "authrole", "anything")));
            Welcome w = admin.next(Welcome.class);
            assertEquals("admin", w.details().get("authid"), "the container's user, not the HELLO's claim");
            assertEquals("postmaster-admin", w.details().get("authmethod"));
            // the admin session reads and kills, and does nothing else
            admin.send(new Publish(2, Map.of("acknowledge", true), "com.example.t", List.of(), null));
            assertEquals(ErrorUris.NOT_AUTHORIZED, admin.next(WampMessage.Error.class).error());
            admin.send(new Call(3, Map.of(), "wamp.session.kill", List.of(victimId),
                    Map.of("reason", "com.example.kicked", "message", "by the console")));
            assertInstanceOf(Result.class, admin.next());
            Goodbye g = victim.next(Goodbye.class);
            assertEquals("com.example.kicked", g.reason());
            assertEquals("by the console", g.details().get("message"));
        }
    }

    /** Joins realm1 and answers the session's ID (from its WELCOME). */
    private long join(WampTestClient c) throws Exception {
        c.send(new Hello("realm1", WampTestClient.ROLES));
        return c.next(Welcome.class).session();
    }

    @Test
    void noClientOfWsBecomesAnAdmin() throws Exception {
        // offering the admin method, with whatever authextra a wire can carry
        for (Map<String, Object> extra : List.<Map<String, Object>>of(Map.of(),
                Map.of("io.postmaster.admin.grant", Map.of("user", "admin")),
                Map.of("io.postmaster.admin.grant", "admin"))) {
            try (WampTestClient c = WampTestClient.connect(AdminConsoleClients.ws(base), "wamp.2.json")) {
                c.send(new Hello("realm1", Map.of("roles", Map.of("caller", Map.of()),
                        "authmethods", List.of("postmaster-admin"), "authid", "admin", "authextra", extra)));
                Abort a = c.next(Abort.class);
                assertTrue(List.of(ErrorUris.NOT_AUTHORIZED, ErrorUris.AUTHENTICATION_FAILED).contains(a.reason()),
                        a.toString());
            }
        }
        // and a realm that admits no anonymous session stays closed to it
        try (WampTestClient c = WampTestClient.connect(AdminConsoleClients.ws(base), "wamp.2.json")) {
            c.send(new Hello("authrealm", Map.of("roles", Map.of("caller", Map.of()),
                    "authmethods", List.of("postmaster-admin", "anonymous"))));
            assertInstanceOf(Abort.class, c.next());
        }
    }
}
