package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

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
 * (default {@code /usr/bin/python3}, Debian's interpreter, which sees Debian's packages). The build cannot install
 * them: where they are missing these cells are skipped with the command that installs them, except where
 * {@code POSTMASTER_REQUIRE_INTEROP=true} (CI): there they fail.</li>
 * <li>Over RawSocket: Autobahn|JS's Node RawSocket transport (JSON only), Autobahn|Python's asyncio RawSocket
 * transport ({@code interop.py --url rs://…}) and its Twisted one ({@code interop_twisted.py}).</li>
 * </ul>
 */
class InteropMatrixIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
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
        run("Autobahn|JS", serializer, ClientScripts.jsDir(), List.of("node", "interop.js"), "mixed-serializers", "");
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
        ClientScripts.assumePythonInterop();
        run("Autobahn|Python", serializer, ClientScripts.pythonDir(), List.of(ClientScripts.python(), "interop.py"),
                "mixed-serializers", " (needs " + ClientScripts.PYTHON_PACKAGES + " for " + ClientScripts.python()
                        + ": " + ClientScripts.PYTHON_INSTALL + ")");
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
        run("wampy", serializer, ClientScripts.jsDir(), List.of("node", "wampy-interop.js"), "mixed-serializers", "");
    }

    // ------------------------------------------------------------------------------------------- over RawSocket
    // The same scenarios over WAMP-over-RawSocket (the deployment's own port, see RawSockets): Autobahn|Python's
    // asyncio RawSocket transport with each serializer, Autobahn|JS's Node RawSocket transport (which speaks JSON
    // only). In the mixed-serializers scenario the sessions on the other serializers join over WebSocket, so that
    // sessions of both transports meet in one realm.

    @Test
    void autobahnJsRawSocketJson() throws Exception {
        run("Autobahn|JS RawSocket", "json", ClientScripts.jsDir(), rawSocket("node", "interop.js"), "mixed-serializers", "");
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
        ClientScripts.assumePythonInterop();
        run("Autobahn|Python RawSocket", serializer, ClientScripts.pythonDir(),
                rawSocket(ClientScripts.python(), "interop.py"), "mixed-serializers", " (needs "
                        + ClientScripts.PYTHON_PACKAGES + " for " + ClientScripts.python() + ": "
                        + ClientScripts.PYTHON_INSTALL + ")");
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
        ClientScripts.assumePythonInterop();
        run("Autobahn|Python Twisted RawSocket", serializer, ClientScripts.pythonDir(),
                List.of(ClientScripts.python(), "interop_twisted.py", "--url", RawSockets.url()), "idle-keepalive",
                " (needs " + ClientScripts.PYTHON_PACKAGES + " for " + ClientScripts.python() + ": "
                        + ClientScripts.PYTHON_INSTALL + ")");
    }

    /** The command with the RawSocket URL, and the WebSocket one for the sessions on other serializers. */
    List<String> rawSocket(String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.addAll(List.of("--url", RawSockets.url(), "--ws-url", ws().toString()));
        return cmd;
    }

    // -------------------------------------------------------------------------------------------

    void run(String client, String serializer, File dir, List<String> command, String mustPass, String hint)
            throws Exception {
        String cell = client + " × " + serializer;
        List<String> cmd = new ArrayList<>(command);
        if (!command.contains("--url")) { // the RawSocket cells name their own
            cmd.addAll(List.of("--url", ws().toString()));
        }
        cmd.addAll(List.of("--realm", "realm1", "--serializer", serializer));
        ClientScripts.Run run = ClientScripts.run(cell, dir, cmd);
        String out = run.output();
        assertTrue(run.finished(), cell + ": did not finish in time:\n" + out);
        assertFalse(out.contains("FAIL "), cell + ": scenarios failed:\n" + out);
        assertTrue(out.contains("PASS " + mustPass), cell + ": no PASS " + mustPass + hint + ":\n" + out);
        assertTrue(out.contains("interop: ") && out.contains(" passed, 0 failed"), cell + ": no summary" + hint + ":\n" + out);
        assertEquals(0, run.exitCode(), cell + ": exit code" + hint + ":\n" + out);
    }
}
