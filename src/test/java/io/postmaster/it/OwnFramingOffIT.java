package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code postmaster.own-framing=false}: on WildFly, {@code /ws} is still Undertow's own WebSocket API, its frames
 * read and written by Undertow's WebSocket channel, and the deployment says so at start.
 */
class OwnFramingOffIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addAsResource(new StringAsset("postmaster.own-framing=false\n"),
                "META-INF/microprofile-config.properties");
    }

    @Test
    void theSettingOffLeavesTheFramesToUndertow() throws Exception {
        Path log = assumeServerLog();
        String chosen = UndertowNativeIT.lastChoice(log);
        assertNotNull(chosen, "the deployment says which serves /ws");
        assertTrue(chosen.contains("framed by Undertow's WebSocket channel (postmaster.own-framing is off)"), chosen);
        UndertowNativeIT.callAcrossSerializers(this);
    }
}
