package io.postmaster.it;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the Node.js client scripts of {@code src/test/js} (dependencies installed by the build with npm ci). */
final class NodeScripts {
    private NodeScripts() {
    }

    /**
     * Runs {@code node script args…}; asserts that it finished within 180 s, printed no {@code FAIL} line and exited
     * 0, and that every expected scenario printed {@code PASS}. Returns the output.
     */
    static String run(List<String> expectedPasses, String script, String... args) throws Exception {
        File dir = new File(System.getProperty("postmaster.interop.dir", "src/test/js"));
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir).redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(180, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            p.destroyForcibly();
        }
        System.out.println("node " + script + ":\n" + out);
        assertTrue(finished, script + " did not finish in time:\n" + out);
        for (String scenario : expectedPasses) {
            assertTrue(out.contains("PASS " + scenario), scenario + ":\n" + out);
        }
        assertFalse(out.contains("FAIL "), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
