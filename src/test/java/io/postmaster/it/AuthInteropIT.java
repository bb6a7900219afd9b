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
 * Authentication with a real client: Autobahn|JS (npm {@code autobahn}, installed by the build from
 * {@code src/test/js/package-lock.json}) runs {@code src/test/js/auth.js} against the deployed WAR. The Basic
 * Profile scenarios for every client and serializer are in {@link InteropMatrixIT}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AuthInteropIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL base;

    /**
     * Authentication (ticket, wampcra salted, cryptosign) and role permissions with Autobahn|JS, on the realm
     * {@code authrealm} of {@code src/test/resources/postmaster-it.properties}.
     */
    @Test
    void autobahnJsAuthentication() throws Exception {
        String out = node("auth.js", "--url", Deployments.ws(base).toString(), "--realm", "authrealm");
        for (String sc : List.of("ticket-ok", "ticket-wrong", "wampcra-salted-ok", "wampcra-salted-wrong",
                "wampcra-unknown-user", "cryptosign-ok", "cryptosign-unknown-key", "anonymous-refused",
                "role-permissions")) {
            assertTrue(out.contains("PASS " + sc), sc + ":\n" + out);
        }
    }

    /** Runs a script of src/test/js; asserts it finished in time, printed no FAIL and exited 0; returns its output. */
    private static String node(String... command) throws Exception {
        File dir = new File(System.getProperty("postmaster.interop.dir", "src/test/js"));
        List<String> cmd = new java.util.ArrayList<>(List.of("node"));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).directory(dir).redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(180, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            p.destroyForcibly();
        }
        System.out.println("Autobahn|JS " + command[0] + ":\n" + out);
        assertTrue(finished, command[0] + " did not finish in time:\n" + out);
        assertFalse(out.contains("FAIL "), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
