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
 * {@code postmaster.own-framing=false}: on WildFly, {@code /ws} is Undertow's own WebSocket API with its frames read
 * and written by Undertow's WebSocket channel, the deployment says so at start, and the serializers meet in a call as
 * on the other paths. (The whole suite runs over that channel with {@code POSTMASTER_OWN_FRAMING=false} in the
 * environment, as {@code .ci/run} does once.)
 */
class UndertowChannelIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addAsResource(new StringAsset("postmaster.own-framing=false\n"),
                "META-INF/microprofile-config.properties");
    }

    @Test
    void theSettingOffFramesSlashWsInUndertowsChannel() throws Exception {
        Path log = assumeServerLog();
        assumeOwnFramingCanBe(false);
        String chosen = UndertowNativeIT.lastChoice(log);
        assertNotNull(chosen, "the deployment says which serves /ws");
        assertTrue(chosen.contains("framed by Undertow's WebSocket channel (postmaster.own-framing is off)"), chosen);
        UndertowNativeIT.callAcrossSerializers(this);
    }

    /**
     * A client that sends its HELLO in the same TCP segment as the handshake: the octets the server read past the
     * request are the first of the WebSocket's, and are read first once the connection is Postmaster's (also after the
     * server let go of its HTTP connection's parser); the session then works and ends as any other.
     */
    @Test
    void aHelloSentWithTheHandshakeOpensASessionThatWorksAndEnds() throws Exception {
        byte[] hello = RawWebSocket.frame(0x81, "[1,\"realm1\",{\"roles\":{\"subscriber\":{}}}]"
                .getBytes(StandardCharsets.UTF_8), true);
        try (RawWebSocket ws = new RawWebSocket(ws(), "wamp.2.json", hello)) {
            assertTrue(ws.readText().startsWith("[2,"), "WELCOME");
            ws.sendText("[32,1,{},\"com.example.pipelined\"]");
            assertTrue(ws.readText().startsWith("[33,1,"), "SUBSCRIBED");
            ws.sendText("[6,{},\"wamp.close.close_realm\"]");
            assertTrue(ws.readText().startsWith("[6,"), "GOODBYE");
        }
    }
}
