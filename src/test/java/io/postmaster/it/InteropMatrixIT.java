package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The interop matrix against the deployed WAR: each real client library with each serializer runs its scenario
 * script (session, pub/sub, RPC with args/kwargs, errors, binary payloads, value fidelity, and a mixed-serializer
 * scenario: publisher or caller on the serializer under test, subscribers and callees on all three). Every scenario
 * prints one line, echoed here with the cell's name; any FAIL line, a missing summary or a non-zero exit fails the
 * cell.
 *
 * <ul>
 * <li>Autobahn|JS (npm {@code autobahn}) and wampy (npm {@code wampy}): {@code src/test/js}, installed by the build
 * with {@code npm ci}.</li>
 * <li>Autobahn|Python from Debian ({@code python3-autobahn}, {@code python3-msgpack}, {@code python3-cbor2}, which
 * {@code .ci/run} installs): {@code src/test/python/interop.py}, run with {@code postmaster.python}
 * (default {@code /usr/bin/python3}, Debian's interpreter, which sees Debian's packages).</li>
 * <li>Over RawSocket: Autobahn|JS's Node RawSocket transport (JSON only), Autobahn|Python's asyncio RawSocket
 * transport ({@code interop.py --url rs://…}) and its Twisted one ({@code interop_twisted.py}).</li>
 * </ul>
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class InteropMatrixIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL base;

    static File jsDir() {
        return new File(System.getProperty("postmaster.interop.dir", "src/test/js"));
    }

    static File pythonDir() {
        return new File(System.getProperty("postmaster.interop.python.dir", "src/test/python"));
    }

    static String python() {
        return System.getProperty("postmaster.python", "/usr/bin/python3");
    }

    // ------------------------------------------------------------------------------------------- Autobahn|JS

    @Test
    void autobahnJsJson() throws Exception {
        autobahnJs("json");
    }

    @Test
    void autobahnJsMsgpack() throws Exception {
        autobahnJs("msgpack");
    }

    @Test
    void autobahnJsCbor() throws Exception {
        autobahnJs("cbor");
    }

    void autobahnJs(String serializer) throws Exception {
        run("Autobahn|JS", serializer, jsDir(), List.of("node", "interop.js"), "mixed-serializers", "");
    }

    // ------------------------------------------------------------------------------------------- Autobahn|Python

    @Test
    void autobahnPythonJson() throws Exception {
        autobahnPython("json");
    }

    @Test
    void autobahnPythonMsgpack() throws Exception {
        autobahnPython("msgpack");
    }

    @Test
    void autobahnPythonCbor() throws Exception {
        autobahnPython("cbor");
    }

    void autobahnPython(String serializer) throws Exception {
        run("Autobahn|Python", serializer, pythonDir(), List.of(python(), "interop.py"), "mixed-serializers",
                " (needs Debian's python3-autobahn, python3-msgpack and python3-cbor2 for " + python()
                        + ": apt-get install them, as .ci/run does)");
    }

    // ------------------------------------------------------------------------------------------- wampy

    @Test
    void wampyJson() throws Exception {
        wampy("json");
    }

    @Test
    void wampyMsgpack() throws Exception {
        wampy("msgpack");
    }

    @Test
    void wampyCbor() throws Exception {
        wampy("cbor");
    }

    void wampy(String serializer) throws Exception {
        run("wampy", serializer, jsDir(), List.of("node", "wampy-interop.js"), "mixed-serializers", "");
    }

    // ------------------------------------------------------------------------------------------- over RawSocket
    // The same scenarios over WAMP-over-RawSocket (the deployment's own port, see RawSockets): Autobahn|Python's
    // asyncio RawSocket transport with each serializer, Autobahn|JS's Node RawSocket transport (which speaks JSON
    // only). In the mixed-serializers scenario the sessions on the other serializers join over WebSocket, so that
    // sessions of both transports meet in one realm.

    @Test
    void autobahnJsRawSocketJson() throws Exception {
        run("Autobahn|JS RawSocket", "json", jsDir(), rawSocket("node", "interop.js"), "mixed-serializers", "");
    }

    @Test
    void autobahnPythonRawSocketJson() throws Exception {
        autobahnPythonRawSocket("json");
    }

    @Test
    void autobahnPythonRawSocketMsgpack() throws Exception {
        autobahnPythonRawSocket("msgpack");
    }

    @Test
    void autobahnPythonRawSocketCbor() throws Exception {
        autobahnPythonRawSocket("cbor");
    }

    void autobahnPythonRawSocket(String serializer) throws Exception {
        run("Autobahn|Python RawSocket", serializer, pythonDir(), rawSocket(python(), "interop.py"),
                "mixed-serializers", " (needs Debian's python3-autobahn, python3-msgpack and python3-cbor2 for "
                        + python() + ": apt-get install them, as .ci/run does)");
    }

    @Test
    void autobahnPythonTwistedRawSocketJson() throws Exception {
        autobahnPythonTwistedRawSocket("json");
    }

    @Test
    void autobahnPythonTwistedRawSocketMsgpack() throws Exception {
        autobahnPythonTwistedRawSocket("msgpack");
    }

    @Test
    void autobahnPythonTwistedRawSocketCbor() throws Exception {
        autobahnPythonTwistedRawSocket("cbor");
    }

    /**
     * Autobahn|Python's Twisted RawSocket transport (src/test/python/interop_twisted.py): the core scenarios, and a
     * session idle for longer than the suite's ping interval, which must neither be closed nor sent a PING frame
     * (that transport fails the connection at one).
     */
    void autobahnPythonTwistedRawSocket(String serializer) throws Exception {
        run("Autobahn|Python Twisted RawSocket", serializer, pythonDir(),
                List.of(python(), "interop_twisted.py", "--url", RawSockets.url()), "idle-keepalive",
                " (needs Debian's python3-autobahn, python3-twisted, python3-msgpack and python3-cbor2 for "
                        + python() + ": apt-get install them, as .ci/run does)");
    }

    /** The command with the RawSocket URL, and the WebSocket one for the sessions on other serializers. */
    List<String> rawSocket(String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.addAll(List.of("--url", RawSockets.url(), "--ws-url", Deployments.ws(base).toString()));
        return cmd;
    }

    // -------------------------------------------------------------------------------------------

    void run(String client, String serializer, File dir, List<String> command, String mustPass, String hint)
            throws Exception {
        String cell = client + " × " + serializer;
        List<String> cmd = new ArrayList<>(command);
        if (!command.contains("--url")) { // the RawSocket cells name their own
            cmd.addAll(List.of("--url", Deployments.ws(base).toString()));
        }
        cmd.addAll(List.of("--realm", "realm1", "--serializer", serializer));
        Process p = new ProcessBuilder(cmd).directory(dir).redirectErrorStream(true).start();
        p.getOutputStream().close();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    System.out.println("[" + cell + "] " + line);
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        }, "interop-output");
        reader.start();
        boolean finished = p.waitFor(180, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        reader.join(5000);
        String out;
        synchronized (lines) {
            out = String.join("\n", lines);
        }
        assertTrue(finished, cell + ": did not finish in time:\n" + out);
        assertFalse(out.contains("FAIL "), cell + ": scenarios failed:\n" + out);
        assertTrue(out.contains("PASS " + mustPass), cell + ": no PASS " + mustPass + hint + ":\n" + out);
        assertTrue(out.contains("interop: ") && out.contains(" passed, 0 failed"), cell + ": no summary" + hint + ":\n" + out);
        assertEquals(0, p.exitValue(), cell + ": exit code" + hint + ":\n" + out);
    }
}
