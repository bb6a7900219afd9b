package io.postmaster.it;

import io.postmaster.testing.RawWebSocket;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code postmaster.own-framing=true} (the default, set here all the same): on WildFly, {@code /ws} is framed by
 * Postmaster on the connection Undertow upgraded, and the octets a client sends right behind its handshake reach the
 * session. Elsewhere skipped: the container frames WebSocket.
 */
class OwnFramingIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addAsResource(new StringAsset("postmaster.own-framing=true\n"),
                "META-INF/microprofile-config.properties");
    }

    /**
     * A client that sends its HELLO in the same TCP segment as the handshake: the octets the server read past the
     * request are the first of the WebSocket's, and are read first once the connection is Postmaster's (also after the
     * server let go of its HTTP connection's parser); the session then works and ends as any other.
     */
    @Test
    void aHelloSentWithTheHandshakeOpensASessionThatWorksAndEnds() throws Exception {
        Path log = assumeServerLog();
        assumeOwnFramingCanBe(true);
        String chosen = UndertowNativeIT.lastChoice(log);
        assertNotNull(chosen, "the deployment says which serves /ws");
        assertTrue(chosen.contains("framed by Postmaster on the upgraded connection (postmaster.own-framing)"), chosen);
        helloWithTheHandshake(this);
    }

    static void helloWithTheHandshake(ContainerBase it) throws Exception {
        byte[] hello = RawWebSocket.frame(0x81, "[1,\"realm1\",{\"roles\":{\"subscriber\":{}}}]"
                .getBytes(StandardCharsets.UTF_8), true);
        try (RawWebSocket ws = new RawWebSocket(it.ws(), "wamp.2.json", hello)) {
            assertTrue(ws.readText().startsWith("[2,"), "WELCOME");
            ws.sendText("[32,1,{},\"com.example.pipelined\"]");
            assertTrue(ws.readText().startsWith("[33,1,"), "SUBSCRIBED");
            ws.sendText("[6,{},\"wamp.close.close_realm\"]");
            assertTrue(ws.readText().startsWith("[6,"), "GOODBYE");
        }
    }
}
