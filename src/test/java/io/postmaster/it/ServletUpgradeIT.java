package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On Open Liberty, {@code /ws} is served over the servlet container's HTTP upgrade by default, framed by Postmaster
 * ({@code postmaster.servlet-upgrade}), which the whole suite then goes through (or, run with
 * {@code POSTMASTER_SERVLET_UPGRADE=false} in the environment, Liberty's JSR-356 endpoint); the deployment says which
 * once at start. Checked by the last such line of Liberty's messages.log, and by an RPC between a JSON and a
 * MessagePack session. Elsewhere skipped (the other servers' logs are not where the suite can read them).
 */
class ServletUpgradeIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    /** What Liberty's log says serves {@code /ws}, the last such line; the test is skipped elsewhere. */
    static String choiceOnLiberty() throws Exception {
        Path log = libertyLog();
        assumeTrue(log != null && Files.exists(log), "Open Liberty's log only");
        String chosen = UndertowNativeIT.lastChoice(log);
        for (int i = 0; chosen == null && i < 50; i++) { // Liberty writes its log behind the server's work
            Thread.sleep(200);
            chosen = UndertowNativeIT.lastChoice(log);
        }
        assertNotNull(chosen, "the deployment says which serves /ws");
        return chosen;
    }

    /** The line {@link #choiceOnLiberty} finds when Postmaster frames {@code /ws} over the upgrade. */
    static final String FRAMED = "by Postmaster over the servlet container's HTTP upgrade for WAMP v2"
            + " (postmaster.servlet-upgrade)";

    @Test
    void libertyServesWampV2OverTheServletUpgradeUnlessTheRunSaysOtherwise() throws Exception {
        String chosen = choiceOnLiberty();
        assertTrue(chosen.contains(servletUpgradeInThisRun() ? FRAMED
                : "by the JSR-356 endpoint (postmaster.servlet-upgrade is off)"), chosen);
        UndertowNativeIT.callAcrossSerializers(this);
    }
}
