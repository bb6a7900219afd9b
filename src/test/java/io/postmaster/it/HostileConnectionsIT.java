package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.testing.Await;
import io.postmaster.testing.RawWebSocket;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What one client can make the server hold at the transport level: connections from one address, and connections
 * whose peer is gone. The container suite's settings (src/test/resources/postmaster-it.properties) set a small cap
 * per address and a short keepalive so that both show in seconds:
 * {@code postmaster.max-connections-per-address=50}, {@code postmaster.ping-interval-ms=2000},
 * {@code postmaster.ping-max-missed=1}.
 */
class HostileConnectionsIT extends ContainerBase {
    /** postmaster.max-connections-per-address of the suite's settings. */
    private static final int CAP = 50;
    /** A silent peer is closed within (max-missed + 2) ping intervals of its last frame: 6 s, with some slack. */
    private static final int SILENT_PEER_CLOSED_WITHIN_MS = 12_000;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    @Test
    void oneAddressCannotOpenMoreConnectionsThanTheCapOthersStillCan() throws Exception {
        // An address of its own, so that no other test's connections count towards it.
        String attacker = "127.0.0.50";
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                RawWebSocket c = raw(attacker);
                open.add(c);
                // A connection counts once the container has opened the endpoint, a moment after its 101: a
                // WELCOME shows it has, so that the next handshake meets the count it should (one that passed the
                // check before would be closed with 1008 as it opened, a race this test is not about).
                hello(c, "realm1");
                assertTrue(c.readText().startsWith("[2,"), "connection " + (i + 1) + " is admitted: WELCOME");
            }
            IOException refused = assertThrows(IOException.class, () -> raw(attacker),
                    "connection " + (CAP + 1) + " from one address is refused");
            assertTrue(refused.getMessage().contains(" 429"), "with HTTP 429: " + refused.getMessage());

            try (WampTestClient other = join("realm1")) {
                other.send(new WampMessage.Subscribe(1, Map.of(), "com.example.unaffected"));
                other.next(WampMessage.Subscribed.class); // another address is not affected
            }

            open.remove(0).close();
            // The place is free once the server has seen the close, which the client cannot observe: retried.
            RawWebSocket again = Await.value("a connection from " + attacker + " once one of the " + CAP + " closed",
                    Duration.ofSeconds(5), () -> raw(attacker));
            open.add(again);
            hello(again, "realm1");
            assertTrue(again.readText().startsWith("[2,"), "a connection in the freed place works: WELCOME");
        } finally {
            for (RawWebSocket s : open) {
                s.close();
            }
        }
    }

    /**
     * Slowloris: a request head that trickles in, one header line a second, is cut off once the server's
     * request-parse timeout has passed (WildFly: 10 s, src/main/wildfly/configure-server.cli, which the suite's
     * WildFly applies as mvn -Prun does). The other servers' suites run them as Arquillian configures them, so only
     * WildFly's setting is checked here.
     */
    @Test
    void aRequestHeadThatTricklesInIsCutOff() throws Exception {
        assumeTrue(container().equals("wildfly"), "the suite's WildFly has Postmaster's server settings");
        URI ws = ws();
        try (Socket s = new Socket(ws.getHost(), ws.getPort())) {
            s.setSoTimeout(1_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: " + ws.getHost() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            boolean closed = false;
            while (!closed && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20)) {
                try {
                    closed = s.getInputStream().read() < 0; // the server answers nothing before the head is whole
                } catch (SocketTimeoutException e) {
                    out.write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII)); // a second passed: one more line
                    out.flush();
                } catch (IOException e) {
                    closed = true; // reset by the server
                }
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(closed, "a head trickling in for 20 s is still being read");
            assertTrue(seconds >= 9, "not cut off before the parse timeout: " + seconds + " s");
        }
    }

    @Test
    void aPeerThatNeverAnswersPingsIsClosedAnAnsweringIdlePeerStays() throws Exception {
        try (RawWebSocket silent = raw("127.0.0.1");
             WampTestClient answering = join("realm1")) { // the JDK client answers pings
            hello(silent, "realm1");
            assertTrue(silent.readText().startsWith("[2,"), "WELCOME");

            int code = silent.awaitCloseIgnoringPings(SILENT_PEER_CLOSED_WITHIN_MS);
            assertEquals(1001, code, "closed as gone away");
            assertTrue(silent.pingsSeen() >= 1, "it was pinged first");

            // The answering peer was just as idle all that time, and is still there.
            assertFalse(answering.closed(), "a peer that answers pings is not closed");
            answering.send(new WampMessage.Subscribe(1, Map.of(), "com.example.still.here"));
            answering.next(WampMessage.Subscribed.class);
        }
    }

    /**
     * A client can make the router refuse it as often as it can connect: 200 protocol violations over real sockets
     * write a bounded number of lines to the server log (a burst, then a few a minute, with a count of what was left
     * out), and each one is still answered. WildFly only: the suite knows where its log is.
     */
    @Test
    void aFloodOfProtocolViolationsWritesABoundedNumberOfLogLines() throws Exception {
        Path log = assumeServerLog();
        long before = violationLines(log);
        for (int i = 0; i < 200; i++) {
            try (RawWebSocket c = raw("127.0.0.60")) {
                c.sendText("[32,1,{},\"com.example.before.hello\"]"); // SUBSCRIBE before HELLO
                assertTrue(c.readText().startsWith("[3,"), "violation " + (i + 1) + " is answered with ABORT");
            }
        }
        long written = violationLines(log) - before;
        assertTrue(written <= 11, "200 protocol violations wrote " + written + " log lines");
    }

    private static long violationLines(Path log) throws IOException {
        return countLines(log, l -> l.contains("protocol violation by"));
    }
}
