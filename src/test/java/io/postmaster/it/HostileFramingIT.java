package io.postmaster.it;

import io.postmaster.testing.RawWebSocket;
import io.postmaster.testing.RawWebSocket.Frame;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * RFC 6455 framing as a hostile client writes it, against {@code /ws} where Postmaster frames the WebSocket itself: on
 * WildFly ({@code postmaster.own-framing=true}, the default, set here all the same) and on Open Liberty over the servlet
 * upgrade ({@code postmaster.servlet-upgrade}, its default); the server log says so. Every broken frame rule ends the
 * connection with its close code and then TCP, pings are answered in turn, fragments with pings between them make
 * one message, and the server's frames carry every length encoding. Where the container frames WebSocket: skipped.
 */
class HostileFramingIT extends ContainerBase {
    private static final String HELLO = "[1,\"realm1\",{\"roles\":{\"subscriber\":{},\"publisher\":{}}}]";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addAsResource(new StringAsset("postmaster.own-framing=true\n"),
                "META-INF/microprofile-config.properties");
    }

    @BeforeEach
    void framedByPostmaster() throws Exception {
        if (container().equals("liberty")) {
            assumeTrue(servletUpgradeInThisRun(), "Liberty's JSR-356 layer frames WebSocket in this run");
            String chosen = ServletUpgradeIT.choiceOnLiberty();
            assertTrue(chosen.contains(ServletUpgradeIT.FRAMED), chosen);
            return;
        }
        assumeTrue(container().equals("wildfly"), "the container frames WebSocket on the other servers");
        assumeOwnFramingCanBe(true);
        String chosen = UndertowNativeIT.lastChoice(assumeServerLog());
        assertNotNull(chosen, "the deployment says which serves /ws");
        assertTrue(chosen.contains("framed by Postmaster on the upgraded connection (postmaster.own-framing)"),
                chosen);
    }

    private RawWebSocket open() throws IOException {
        return new RawWebSocket(ws(), null, "wamp.2.json");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    /** The next frame other than a ping, within 5 s. */
    private static Frame next(RawWebSocket c) throws IOException {
        while (true) {
            Frame f = c.readFrame(5_000);
            assertNotNull(f, "nothing within 5 s");
            if (f.opcode() != Frame.PING) {
                return f;
            }
        }
    }

    @Test
    void everyBrokenFrameRuleClosesWithItsCodeAndThenTheConnection() throws Exception {
        byte[] huge = RawWebSocket.frame(0x82, new byte[0], true); // a header claiming 2^40 octets, nothing after
        huge = concat(new byte[] {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 1, 0, 0, 0, 0}, Arrays.copyOfRange(huge, 2, 6));
        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put("unmasked", new Object[] {RawWebSocket.frame(0x81, utf8(HELLO), false), 1002});
        cases.put("RSV1 set", new Object[] {RawWebSocket.frame(0xC1, utf8(HELLO), true), 1002});
        cases.put("opcode 3", new Object[] {RawWebSocket.frame(0x83, utf8("x"), true), 1002});
        cases.put("opcode 0xB", new Object[] {RawWebSocket.frame(0x8B, new byte[0], true), 1002});
        cases.put("ping of 126", new Object[] {RawWebSocket.frame(0x89, new byte[126], true), 1002});
        cases.put("fragmented ping", new Object[] {RawWebSocket.frame(0x09, new byte[1], true), 1002});
        cases.put("continuation first", new Object[] {RawWebSocket.frame(0x80, utf8(HELLO), true), 1002});
        cases.put("text inside text", new Object[] {concat(RawWebSocket.frame(0x01, utf8("[1,"), true),
                RawWebSocket.frame(0x81, utf8(HELLO), true)), 1002});
        cases.put("invalid UTF-8", new Object[] {RawWebSocket.frame(0x81, new byte[] {'"', (byte) 0xC0, (byte) 0xAF},
                true), 1007});
        cases.put("over max-message-size", new Object[] {huge, 1009});
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            try (RawWebSocket s = open()) {
                s.sendRaw((byte[]) c.getValue()[0]);
                Frame f = next(s);
                assertEquals(Frame.CLOSE, f.opcode(), c.getKey());
                assertEquals(c.getValue()[1], f.closeCode(), c.getKey());
                assertSame(RawWebSocket.END, next(s), c.getKey() + ": the connection ends after the close");
            }
        }
    }

    @Test
    void pingsAreAnsweredAndFragmentsWithPingsBetweenMakeOneMessage() throws Exception {
        try (RawWebSocket s = open()) {
            s.sendRaw(RawWebSocket.frame(0x89, utf8("are you there"), true));
            Frame pong = next(s);
            assertEquals(0xA, pong.opcode());
            assertArrayEquals(utf8("are you there"), pong.payload());
            byte[] hello = utf8(HELLO);
            s.sendRaw(concat(RawWebSocket.frame(0x01, Arrays.copyOfRange(hello, 0, 5), true),
                    RawWebSocket.frame(0x89, utf8("p"), true),
                    RawWebSocket.frame(0x00, Arrays.copyOfRange(hello, 5, 20), true),
                    RawWebSocket.frame(0x80, Arrays.copyOfRange(hello, 20, hello.length), true)));
            Frame p = next(s);
            assertEquals(0xA, p.opcode(), "the ping between the fragments is answered first");
            Frame welcome = next(s);
            assertEquals(Frame.TEXT, welcome.opcode());
            assertTrue(new String(welcome.payload(), StandardCharsets.UTF_8).startsWith("[2,"), "WELCOME");
        }
    }

    @Test
    void eventsCrossEveryLengthEncoding() throws Exception {
        try (RawWebSocket s = open()) {
            s.sendText(HELLO);
            assertTrue(s.readText().startsWith("[2,"));
            s.sendText("[32,1,{},\"com.example.framing\"]");
            assertTrue(s.readText().startsWith("[33,1,"));
            for (int n : new int[] {10, 100, 65_500, 70_000}) {
                String payload = "x".repeat(n);
                s.sendText("[16,2,{\"exclude_me\":false},\"com.example.framing\",[\"" + payload + "\"]]");
                String event = s.readText();
                assertTrue(event.startsWith("[36,") && event.contains("\"" + payload + "\""), "an EVENT of " + n);
            }
        }
    }

    @Test
    void aCloseIsAnsweredWithItsCodeAndTheConnectionEnds() throws Exception {
        try (RawWebSocket s = open()) {
            s.sendText(HELLO);
            assertTrue(s.readText().startsWith("[2,"));
            s.sendRaw(RawWebSocket.frame(0x88, concat(new byte[] {0x0F, (byte) 0xA0}, utf8("done")), true));
            Frame f = next(s);
            assertEquals(Frame.CLOSE, f.opcode());
            assertEquals(4000, f.closeCode());
            assertSame(RawWebSocket.END, next(s));
        }
    }
}
