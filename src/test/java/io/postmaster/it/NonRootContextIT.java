package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR deployed beside other applications: under a context root the server chose ({@code /wamp}, from the archive's
 * name, its descriptors' {@code /} removed, as a deployer renames or deploys it) and with its WAMP WebSocket at a path
 * of the deployment's own settings ({@code postmaster.websocket.path} in the WAR's
 * {@code microprofile-config.properties}). Clients join there, the handshake filter guards it, the default path is no
 * endpoint, and the console, its API and WebSocket, health and metrics answer under the context root.
 */
class NonRootContextIT extends ContainerBase {
    private static final String CONTEXT = "/wamp";
    private static final String PATH = "/router/wamp";

    @Deployment(testable = false)
    static WebArchive deployment() {
        WebArchive war = ShrinkWrap.create(WebArchive.class, CONTEXT.substring(1) + ".war").merge(builtWar());
        // The descriptors that pin the context root to "/" (WildFly, Liberty) go; Payara's keeps its role mapping.
        war.delete("/WEB-INF/jboss-web.xml");
        war.delete("/WEB-INF/ibm-web-ext.xml");
        String glassfish = text(war, "/WEB-INF/glassfish-web.xml");
        war.delete("/WEB-INF/glassfish-web.xml");
        war.addAsWebInfResource(new StringAsset(glassfish.replaceAll("\\s*<context-root>[^<]*</context-root>", "")),
                "glassfish-web.xml");
        return war.addAsResource(new StringAsset("postmaster.websocket.path=" + PATH + "\n"),
                "META-INF/microprofile-config.properties");
    }

    private static String text(WebArchive war, String path) {
        try (InputStream in = war.get(path).getAsset().openStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private URI at(String path) {
        return URI.create("ws://127.0.0.1:" + base.getPort() + CONTEXT + path);
    }

    /** GET {@code path} under the context root, with the user's credentials (none if null). */
    private HttpResponse<String> get(String path, String[] user) throws Exception {
        return AdminConsoleClients.get(URI.create("http://127.0.0.1:" + base.getPort() + CONTEXT + path), user);
    }

    @Test
    void clientsJoinAtTheConfiguredPathAndRoute() throws Exception {
        try (WampTestClient callee = WampTestClient.join(at(PATH), "realm1");
             WampTestClient caller = WampTestClient.join(at(PATH + "-resume"), "realm1")) {
            callee.send(new WampMessage.Register(1, Map.of(), "com.example.context.echo"));
            long registration = callee.next(WampMessage.Registered.class).registration();
            caller.send(new WampMessage.Call(2, Map.of(), "com.example.context.echo", List.of("hi"), Map.of()));
            WampMessage.Invocation inv = callee.next(WampMessage.Invocation.class);
            assertEquals(registration, inv.registration());
            callee.send(new WampMessage.Yield(inv.request(), Map.of(), inv.args(), Map.of()));
            assertEquals(List.of("hi"), caller.next(WampMessage.Result.class).args());
        }
    }

    @Test
    void theDefaultPathIsNoEndpoint() {
        for (String old : List.of("/ws", "/ws-resume")) {
            assertEquals(404, handshakeStatus(at(old), "wamp.2.json"), old);
        }
    }

    @Test
    void theHandshakeFilterGuardsTheConfiguredPath() {
        // The filter's refusal of a handshake without a WAMP subprotocol (JSR-356 alone would accept it).
        assertEquals(400, handshakeStatus(at(PATH), "mqtt"));
        assertEquals(400, handshakeStatus(at(PATH + "-resume"), "mqtt"));
    }

    private static int handshakeStatus(URI uri, String subprotocol) {
        Exception e = assertThrows(Exception.class, () -> WampTestClient.connect(uri, subprotocol).close(),
                uri + " accepted a handshake");
        return assertInstanceOf(WebSocketHandshakeException.class, e.getCause(), uri + ": " + e).getResponse()
                .statusCode();
    }

    @Test
    void theConsoleHealthAndMetricsAnswerUnderTheContextRoot() throws Exception {
        HttpResponse<String> page = get("/admin/", AdminConsoleClients.ADMIN);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("console.js"), page.body());
        HttpResponse<String> info = get("/admin/api/info", AdminConsoleClients.ADMIN);
        assertEquals(200, info.statusCode());
        assertTrue(info.body().contains("\"websocket\":\"" + PATH.substring(1) + "\""), info.body());
        assertEquals(200, get("/health/ready", null).statusCode());
        HttpResponse<String> metrics = get("/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("postmaster_"), metrics.body());
        try (AdminConsoleClients.AdminWs admin = AdminConsoleClients.AdminWs.connect(at("/admin/ws"),
                AdminConsoleClients.ADMIN, "http://127.0.0.1:" + base.getPort())) {
            admin.send(new WampMessage.Hello("realm1", WampTestClient.ROLES));
            assertEquals("postmaster-admin", admin.next(WampMessage.Welcome.class).details().get("authrole"));
        }
    }
}
