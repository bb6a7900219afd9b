package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Abort;
import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Logins the server vouches for, against the deployed WAR: the server's own BASIC users (the admin console's: admin in
 * container role postmaster-admin, observer in no mapped role; created per server by the suite's setup) on the
 * WebSocket handshake and on the HTTP bridge, and what is refused — no login, a principal without a mapped role,
 * wrong credentials, {@code tls} without a client certificate. Settings: {@code postmaster-it.properties}
 * ({@code authrealm}: container → admin; {@code adminrealm}: any HELLO welcomed as the login).
 */
class HostileContainerLoginIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    private WampTestClient connect(String user, String password) throws Exception {
        return WampTestClient.connect(ws(), user == null ? Map.of()
                : Map.of("Authorization", BridgeHttp.basic(user, password)), "wamp.2.json");
    }

    private static WampMessage hello(WampTestClient c, String realm, String... methods) throws Exception {
        Map<String, Object> details = new LinkedHashMap<>(WampTestClient.ROLES);
        if (methods.length > 0) {
            details.put("authmethods", List.of(methods));
        }
        details.put("authid", "somebody-else"); // claimed; the server's login decides
        c.send(new Hello(realm, details));
        return c.next();
    }

    @Test
    void aBasicUserJoinsAsThePrincipalWithTheMappedRole() throws Exception {
        try (var c = connect("admin", "admin")) {
            Welcome w = assertInstanceOf(Welcome.class, hello(c, "authrealm", "container"));
            assertEquals("admin", w.details().get("authid"));
            assertEquals("admin", w.details().get("authrole"));
            assertEquals("container", w.details().get("authmethod"));
        }
    }

    @Test
    void aPrincipalWithoutAMappedRoleIsRefused() throws Exception {
        try (var c = connect("observer", "observer")) {
            Abort a = assertInstanceOf(Abort.class, hello(c, "authrealm", "container"));
            assertEquals(ErrorUris.NOT_AUTHORIZED, a.reason());
        }
    }

    @Test
    void noLoginOnTheHandshakeIsRefused() throws Exception {
        try (var c = connect(null, null)) {
            Abort a = assertInstanceOf(Abort.class, hello(c, "authrealm", "container"));
            assertEquals(ErrorUris.NOT_AUTHORIZED, a.reason());
        }
    }

    @Test
    void wrongCredentialsGetTheServersRefusal() {
        Exception e = assertThrows(Exception.class, () -> connect("admin", "not-the-password").close());
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(401, refused.getResponse().statusCode(), "the handshake is refused with the server's 401");
    }

    @Test
    void tlsWithoutAClientCertificateIsRefused() throws Exception {
        try (var c = connect("admin", "admin")) {
            Abort a = assertInstanceOf(Abort.class, hello(c, "authrealm", "tls"));
            assertEquals(ErrorUris.NOT_AUTHORIZED, a.reason());
        }
    }

    @Test
    void aRealmWelcomesAnyHelloAsTheLogin() throws Exception {
        try (var c = connect("admin", "admin")) {
            Welcome w = assertInstanceOf(Welcome.class, hello(c, "adminrealm"));
            assertEquals("admin", w.details().get("authid"));
            assertEquals("operator", w.details().get("authrole"));
            assertEquals("container", w.details().get("authmethod"));
        }
        try (var c = connect(null, null)) { // without a login: anonymous, as before
            Welcome w = assertInstanceOf(Welcome.class, hello(c, "adminrealm"));
            assertEquals("anonymous", w.details().get("authmethod"));
        }
    }

    @Test
    void theBridgeTakesTheServersBasicLogin() throws Exception {
        BridgeHttp http = new BridgeHttp(base);
        String json = "{\"realm\":\"authrealm\",\"topic\":\"com.example.container.news\",\"args\":[1]}";
        HttpResponse<String> ok = http.postBasic("/bridge/publish", json, "admin", "admin");
        assertEquals(200, ok.statusCode(), ok.body());
        HttpResponse<String> unmapped = http.postBasic("/bridge/publish", json, "observer", "observer");
        assertEquals(403, unmapped.statusCode(), unmapped.body());
        assertEquals(ErrorUris.NOT_AUTHORIZED, BridgeHttp.error(unmapped));
        HttpResponse<String> wrong = http.postBasic("/bridge/publish", json, "admin", "wrong");
        assertEquals(401, wrong.statusCode(), wrong.body());
    }
}
