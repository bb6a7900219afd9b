package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The example application WAR ({@code src/example}: alternatives, observers, an interceptor, server-side procedures
 * on top of {@code postmaster-classes.jar}) deployed on WildFly and driven by Autobahn|JS ({@code src/test/js/example.js}):
 * its beans must be the ones at work.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExampleIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.exampleWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void exampleBeansAreTheOnesUsed() throws Exception {
        File dir = new File(System.getProperty("postmaster.interop.dir", "src/test/js"));
        Process p = new ProcessBuilder(List.of("node", "example.js", "--url", Deployments.ws(base).toString()))
                .directory(dir).redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            p.destroyForcibly();
        }
        System.out.println("Autobahn|JS example.js:\n" + out);
        assertTrue(finished, "example.js did not finish in time:\n" + out);
        for (String sc : List.of("anonymous-procedures", "member-via-userstore", "wrong-ticket", "chat-interceptor",
                "join-leave-observers")) {
            assertTrue(out.contains("PASS " + sc), sc + ":\n" + out);
        }
        assertFalse(out.contains("FAIL "), out);
        assertEquals(0, p.exitValue(), out);
    }
}
