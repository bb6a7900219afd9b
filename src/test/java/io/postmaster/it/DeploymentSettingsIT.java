package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.http.WebSocketHandshakeException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings of one deployment: the WAR carries {@code META-INF/microprofile-config.properties} (read by the server's
 * MicroProfile Config where it has one, by Postmaster's own sources elsewhere) and its setting applies to this
 * deployment, beside the server-wide {@code postmaster.config} file of the suite, which does not set it.
 */
class DeploymentSettingsIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addAsResource(new StringAsset("postmaster.allowed-origins=https://app.example\n"),
                "META-INF/microprofile-config.properties");
    }

    @Test
    void theWarsOwnSettingApplies() throws Exception {
        try (WampTestClient c = WampTestClient.connect(ws(), Map.of("Origin", "https://app.example"), "wamp.2.json")) {
            c.send(new WampMessage.Hello("realm1", WampTestClient.ROLES));
            c.next(WampMessage.Welcome.class);
        }
        Exception e = assertThrows(Exception.class, () -> WampTestClient.connect(ws(),
                Map.of("Origin", "https://elsewhere.example"), "wamp.2.json").close());
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        int status = refused.getResponse().statusCode(); // 403 or 404, as each container refuses an origin
        assertTrue(status == 403 || status == 404, "an origin the WAR's settings do not allow: HTTP " + status);
    }
}
