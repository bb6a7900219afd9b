package io.postmaster.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real client libraries the container suite drives, as processes: the Node.js scripts of {@code src/test/js}
 * (Autobahn|JS and wampy, installed by the build with {@code npm ci}) and the Autobahn|Python script of
 * {@code src/test/python} (Debian's packages, which the build cannot install: see {@link #assumePythonInterop()}).
 */
final class ClientScripts {
    /** How long one script may run. */
    static final long TIMEOUT_S = 180;
    /** The Debian packages the Python interop needs, and the command that installs them. */
    static final String PYTHON_PACKAGES = "python3-autobahn python3-msgpack python3-cbor2 python3-twisted";
    static final String PYTHON_INSTALL = "sudo apt-get install " + PYTHON_PACKAGES;
    /**
     * Set (to {@code true}) where the Python interop must run: {@code .ci/run} exports it, so that a CI machine
     * without the packages fails instead of skipping. {@code -Dpostmaster.require-interop=true} does the same.
     */
    static final String REQUIRE_ENV = "POSTMASTER_REQUIRE_INTEROP";
    static final String REQUIRE_PROPERTY = "postmaster.require-interop";

    private static String pythonMissing;

    private ClientScripts() {
    }

    /** What a script printed and how it ended. */
    record Run(boolean finished, int exitCode, String output) {
    }

    static File jsDir() {
        return new File(System.getProperty("postmaster.interop.dir", "src/test/js"));
    }

    static File pythonDir() {
        return new File(System.getProperty("postmaster.interop.python.dir", "src/test/python"));
    }

    /** The interpreter for the Python interop: {@code -Dinterop.python}, Debian's {@code /usr/bin/python3} unless set. */
    static String python() {
        return System.getProperty("postmaster.python", "/usr/bin/python3");
    }

    /**
     * Runs {@code command} in {@code dir}, its output echoed line by line as {@code [label] line}, for at most
     * {@link #TIMEOUT_S} seconds (then it is killed).
     */
    static Run run(String label, File dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir).redirectErrorStream(true).start();
        p.getOutputStream().close();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    System.out.println("[" + label + "] " + line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "client-script-output");
        reader.start();
        boolean finished = p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        reader.join(5000);
        synchronized (lines) {
            return new Run(finished, finished ? p.exitValue() : -1, String.join("\n", lines));
        }
    }

    /**
     * Runs {@code node script args…} in {@code src/test/js}; asserts that it finished within {@link #TIMEOUT_S} s,
     * printed no {@code FAIL} line and exited 0, and that every expected scenario printed {@code PASS}. Returns the
     * output.
     */
    static String node(List<String> expectedPasses, String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(List.of(args));
        Run run = run("node " + script, jsDir(), cmd);
        String out = run.output();
        assertTrue(run.finished(), script + " did not finish in time:\n" + out);
        for (String scenario : expectedPasses) {
            assertTrue(out.contains("PASS " + scenario), scenario + ":\n" + out);
        }
        assertFalse(out.contains("FAIL "), out);
        assertEquals(0, run.exitCode(), out);
        return out;
    }

    /**
     * Skips the calling test, with the command that installs them, if {@link #python()} lacks Autobahn|Python or its
     * MessagePack and CBOR codecs — unless they are required ({@value #REQUIRE_ENV}=true, as in CI), then it fails.
     * The build cannot fetch them itself: they are Debian packages for Debian's interpreter.
     */
    static void assumePythonInterop() throws InterruptedException {
        String missing = pythonMissing();
        if (missing == null) {
            return;
        }
        String what = "Autobahn|Python interop needs " + PYTHON_PACKAGES + " for " + python() + ": " + missing
                + ". Install them with: " + PYTHON_INSTALL + " (another interpreter: -Dinterop.python=...)";
        if (pythonInteropRequired()) {
            fail(what + ". Required here (" + REQUIRE_ENV + "=true or -D" + REQUIRE_PROPERTY + "=true).");
        }
        String skipped = "SKIPPED: " + what + ". Outside CI these cases are skipped; " + REQUIRE_ENV
                + "=true makes them required.";
        System.err.println("[Autobahn|Python] " + skipped); // the console shows no assumption's message
        assumeTrue(false, skipped);
    }

    static boolean pythonInteropRequired() {
        String p = System.getProperty(REQUIRE_PROPERTY);
        return Boolean.parseBoolean(p != null ? p : System.getenv(REQUIRE_ENV));
    }

    /** Null if {@link #python()} imports autobahn, msgpack, cbor2 and twisted; else what went wrong. Checked once. */
    private static synchronized String pythonMissing() throws InterruptedException {
        if (pythonMissing == null) {
            pythonMissing = importCheck();
        }
        return pythonMissing.isEmpty() ? null : pythonMissing;
    }

    private static String importCheck() throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(python(), "-c", "import autobahn, msgpack, cbor2, twisted").redirectErrorStream(true).start();
        } catch (IOException e) {
            return "no interpreter there (" + e.getMessage() + ")";
        }
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "the import check did not finish in 60 s";
            }
            if (p.exitValue() == 0) {
                return "";
            }
            List<String> lines = out.lines().toList();
            return lines.isEmpty() ? "exit code " + p.exitValue() : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "the import check failed: " + e;
        }
    }
}
