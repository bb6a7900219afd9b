package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

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

    /** As with Postmaster's framing: a HELLO in the same TCP segment as the handshake opens a working session. */
    @Test
    void aHelloSentWithTheHandshakeOpensASessionThatWorksAndEnds() throws Exception {
        assumeServerLog();
        assumeOwnFramingCanBe(false);
        OwnFramingIT.helloWithTheHandshake(this);
    }
}
