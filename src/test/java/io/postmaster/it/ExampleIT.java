package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import io.postmaster.message.WampMessage;
import io.postmaster.testing.WampTestClient;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example application WAR ({@code src/example}: alternatives, observers, an interceptor, server-side procedures
 * on top of {@code postmaster-classes.jar}) deployed on WildFly and driven by Autobahn|JS ({@code src/test/js/example.js}):
 * its beans must be the ones at work.
 */
class ExampleIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return exampleWar();
    }

    @Test
    void exampleBeansAreTheOnesUsed() throws Exception {
        ClientScripts.node(List.of("anonymous-procedures", "member-via-userstore", "wrong-ticket", "chat-interceptor",
                "join-leave-observers"), "example.js", "--url", ws().toString());
    }

    /** The first result argument of calling {@code procedure} with {@code args}. */
    private static Object call(WampTestClient c, long request, String procedure, Object... args) throws Exception {
        c.send(new WampMessage.Call(request, Map.of(), procedure, List.of(args), Map.of()));
        WampMessage m = c.next();
        WampMessage.Result r = assertInstanceOf(WampMessage.Result.class, m, procedure + " answered " + m);
        return r.args().get(0);
    }

    @Test
    void procedureSeesTheServersContext() throws Exception {
        try (WampTestClient c = join("realm1")) {
            Map<?, ?> env = (Map<?, ?>) call(c, 1, "com.example.environment");
            assertEquals(Boolean.TRUE, env.get("jndi"), "java:comp lookup from a procedure: " + env);
        }
    }

    @Test
    void joinsAreAlsoAsynchronousCdiEvents() throws Exception {
        try (WampTestClient c = join("realm1")) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            long request = 1;
            Map<?, ?> stats;
            do { // delivered asynchronously: wait for it, a bounded while
                stats = (Map<?, ?>) call(c, request++, "com.example.stats");
            } while (((Number) stats.get("joinedAsync")).intValue() < 1 && System.nanoTime() < deadline);
            assertTrue(((Number) stats.get("joinedAsync")).intValue() >= 1, "@ObservesAsync SessionJoined: " + stats);
        }
    }

    @Test
    void theServersBasicUserJoinsWithContainer() throws Exception {
        try (WampTestClient c = WampTestClient.connect(ws(), Map.of("Authorization", BridgeHttp.basic("admin", "admin")),
                "wamp.2.json")) {
            c.send(new WampMessage.Hello("realm1", Map.of("roles", WampTestClient.ROLES.get("roles"),
                    "authmethods", List.of("container"))));
            WampMessage.Welcome w = c.next(WampMessage.Welcome.class);
            assertEquals("admin", w.details().get("authid"));
            assertEquals("member", w.details().get("authrole"));
            assertEquals(3L, ((Number) call(c, 1, "com.example.add", 1, 2)).longValue(), "a member's procedure");
        }
    }

    @Test
    void theCustomAuthenticatorAdmitsAKnownApiKeyOnly() throws Exception {
        try (WampTestClient c = connect("wamp.2.json")) {
            c.send(new WampMessage.Hello("realm1", Map.of("roles", WampTestClient.ROLES.get("roles"),
                    "authmethods", List.of("apikey"), "authextra", Map.of("apikey", "ci-robot-key-5b1e"))));
            WampMessage.Welcome w = c.next(WampMessage.Welcome.class);
            assertEquals("ci-robot", w.details().get("authid"));
            assertEquals("apikey", w.details().get("authmethod"));
        }
        try (WampTestClient c = connect("wamp.2.json")) {
            c.send(new WampMessage.Hello("realm1", Map.of("roles", WampTestClient.ROLES.get("roles"),
                    "authmethods", List.of("apikey"), "authextra", Map.of("apikey", "guessed"))));
            WampMessage.Abort a = c.next(WampMessage.Abort.class);
            assertEquals("wamp.error.not_authorized", a.reason());
        }
    }
}
