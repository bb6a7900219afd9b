package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code postmaster.undertow-native=false}: WildFly serves {@code /ws} with the JSR-356 endpoint, as every other
 * server does, and says so at start.
 */
class UndertowNativeOffIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addAsResource(new StringAsset("postmaster.undertow-native=false\n"),
                "META-INF/microprofile-config.properties");
    }

    @Test
    void theSettingOffLeavesSlashWsToJsr356() throws Exception {
        Path log = assumeServerLog();
        String chosen = UndertowNativeIT.lastChoice(log);
        assertNotNull(chosen, "the deployment says which serves /ws");
        assertTrue(chosen.contains("JSR-356 endpoint (postmaster.undertow-native is off)"), chosen);
        UndertowNativeIT.callAcrossSerializers(this);
    }
}
