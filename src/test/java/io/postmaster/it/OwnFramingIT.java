package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code postmaster.own-framing=true}: on WildFly, {@code /ws} is Undertow's own WebSocket API with its frames read
 * and written by Postmaster on the upgraded connection, the deployment says so at start, and the serializers meet
 * in a call as on the other paths.
 */
class OwnFramingIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addAsResource(new StringAsset("postmaster.own-framing=true\n"),
                "META-INF/microprofile-config.properties");
    }

    @Test
    void theSettingOnFramesSlashWsInPostmaster() throws Exception {
        Path log = assumeServerLog();
        String chosen = UndertowNativeIT.lastChoice(log);
        assertNotNull(chosen, "the deployment says which serves /ws");
        assertTrue(chosen.contains("framed by Postmaster on the upgraded connection (postmaster.own-framing)"),
                chosen);
        UndertowNativeIT.callAcrossSerializers(this);
    }
}
