package io.postmaster.endpoint;

import io.postmaster.config.AdminConsole;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Extensions;
import io.postmaster.spi.Action;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;
import io.postmaster.router.SessionListener;
import io.postmaster.spi.TransportDetails;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class AdminSessionsTest {
    private static final TransportDetails T = new TransportDetails("127.0.0.1:1", "wamp.2.json", false);

    private static Extensions base() {
        return new Extensions(Map.of("anonymous", Authenticator.anonymous(r -> null)), realm -> Set.of(),
                s -> Permissions.ALL, (s, p, uri, a) -> p.decide(uri, a), SessionListener.NONE, Runnable::run);
    }

    private static HelloDetails hello(Map<String, Object> details) {
        @SuppressWarnings("unchecked")
        Map<String, Object> extra = details.get("authextra") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return new HelloDetails("realm1", (String) details.get("authid"), null, extra, details, 1, T);
    }

    @Test
    void aRewrittenHelloIsAdmittedAsTheContainerUserWithTheAdminRole() throws Exception {
        Extensions ext = AdminSessions.install(base(), PostmasterConfig.defaults().admin());
        assertTrue(ext.authmethods().apply("any.realm").contains(AdminSessions.AUTHMETHOD));
        WampMessage.Hello h = (WampMessage.Hello) AdminSessions.rewrite(new WampMessage.Hello("realm1",
                Map.of("roles", Map.of("caller", Map.of()), "authmethods", List.of("ticket"), "authid", "mallory",
                        "authrole", "root")), "alice");
        assertEquals(List.of(AdminSessions.AUTHMETHOD), h.details().get("authmethods"));
        assertFalse(h.details().containsKey("authrole"));
        AuthResult r = ext.authenticators().get(AdminSessions.AUTHMETHOD).hello(hello(h.details()));
        AuthResult.Accept a = assertInstanceOf(AuthResult.Accept.class, r);
        assertEquals("alice", a.identity().authid());
        assertEquals("postmaster-admin", a.identity().authrole());
    }

    @Test
    void aHelloFromTheWireIsRefusedWhateverItsAuthextra() throws Exception {
        Authenticator m = AdminSessions.install(base(), PostmasterConfig.defaults().admin()).authenticators()
                .get(AdminSessions.AUTHMETHOD);
        for (Object forged : List.of("alice", Map.of("user", "alice"), List.of("alice"), 1L)) {
            Map<String, Object> d = Map.of("authmethods", List.of(AdminSessions.AUTHMETHOD), "authid", "alice",
                    "authextra", Map.of("io.postmaster.admin.grant", forged));
            assertInstanceOf(AuthResult.Deny.class, m.hello(hello(d)), forged.toString());
        }
    }

    @Test
    void adminSessionsReadTheMetaApiAndKillButTouchNothingElse() throws Exception {
        Extensions ext = AdminSessions.install(base(), PostmasterConfig.defaults().admin());
        SessionDetails admin = new SessionDetails(1, "realm1", "alice", "postmaster-admin", AdminSessions.AUTHMETHOD,
                "container", Map.of(), T);
        Permissions p = ext.permissions().permissions(admin);
        assertTrue(ext.authorizer().authorize(admin, p, "wamp.session.list", Action.CALL).allowed());
        assertTrue(ext.authorizer().authorize(admin, p, "wamp.session.on_join", Action.SUBSCRIBE).allowed());
        assertTrue(ext.authorizer().authorize(admin, p, "wamp.session.kill_by_authid", Action.CALL).allowed());
        assertFalse(ext.authorizer().authorize(admin, p, "com.example.x", Action.CALL).allowed());
        assertFalse(ext.authorizer().authorize(admin, p, "com.example.x", Action.PUBLISH).allowed());
        assertFalse(ext.authorizer().authorize(admin, p, "wamp.session.list", Action.REGISTER).allowed());
        // everyone else keeps the application's permissions
        SessionDetails other = new SessionDetails(2, "realm1", "bob", "anonymous", "anonymous", "static", Map.of(), T);
        assertSame(Permissions.ALL, ext.permissions().permissions(other));
    }

    @Test
    void aDisabledConsoleAddsNothing() {
        Extensions base = base();
        assertSame(base, AdminSessions.install(base, new AdminConsole(false, "postmaster-admin")));
    }

    @Test
    void theConsolesOwnOriginOnly() {
        assertTrue(AdminConfigurator.sameOrigin(null, "h:8080"));
        assertTrue(AdminConfigurator.sameOrigin("http://h:8080", "h:8080"));
        assertTrue(AdminConfigurator.sameOrigin("https://h", "h:443"));
        assertTrue(AdminConfigurator.sameOrigin("https://h.example", "h.example"));
        assertFalse(AdminConfigurator.sameOrigin("http://evil.example", "h:8080"));
        assertFalse(AdminConfigurator.sameOrigin("http://h:8081", "h:8080"));
        assertFalse(AdminConfigurator.sameOrigin("null", "h:8080"));
        assertFalse(AdminConfigurator.sameOrigin("http://h:8080", null));
    }
}
