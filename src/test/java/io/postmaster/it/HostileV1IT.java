package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad WAMP v1 input over real sockets against the deployed WAR (subprotocol {@code wamp}): each gets the v1 answer
 * (CALLERROR, or a close with a reason) and no other session notices.
 */
class HostileV1IT extends ContainerBase {
    private static final String TOPIC = "http://example.com/hostile#t";
    private static final String ERR = "http://api.wamp.ws/error#";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    private V1RawClient open() throws Exception {
        V1RawClient c = V1RawClient.connect(ws());
        c.welcome();
        return c;
    }

    /** A call answered after what was sent before it: v1 has no acknowledgements for SUBSCRIBE. */
    private static void barrier(V1RawClient c) throws Exception {
        c.send("[2,\"barrier\",\"http://example.com/hostile#barrier\"]");
        assertTrue(c.next().startsWith("[4,\"barrier\","));
    }

    @Test
    void subprotocolWampGetsAV1Welcome() throws Exception {
        try (V1RawClient c = V1RawClient.connect(ws())) {
            assertEquals("wamp", c.subprotocol());
            String id = c.welcome();
            assertEquals(16, id.length(), id);
        }
    }

    @Test
    void badFramesCloseOnlyTheirConnection() throws Exception {
        try (V1RawClient good = open(); V1RawClient publisher = open()) {
            good.send("[5,\"" + TOPIC + "\"]");
            barrier(good);
            for (String frame : List.of("[99,\"x\"]", "not json", "{}", "[\"x\"]", "[3,\"c\",1]", "[8,\"t\",1]",
                    "[2,5,\"x\"]", "[5]", "[7,\"" + TOPIC + "\",1,\"x\"]")) {
                try (V1RawClient bad = open()) {
                    bad.send(frame);
                    String close = bad.awaitClose();
                    assertTrue(close.startsWith("1002 "), frame + " → " + close);
                }
            }
            publisher.send("[7,\"" + TOPIC + "\",\"still here\"]");
            assertEquals("[8,\"" + TOPIC + "\",\"still here\"]", good.next());
            assertFalse(good.isClosed());
        }
    }

    @Test
    void unknownMessageTypeSaysWhy() throws Exception {
        try (V1RawClient bad = open()) {
            bad.send("[99,\"x\"]");
            assertEquals("1002 unknown message type 99", bad.awaitClose());
        }
    }

    @Test
    void unknownPrefixAndMalformedCurieGetCallErrors() throws Exception {
        try (V1RawClient c = open()) {
            c.send("[2,\"c1\",\"nope:add\"]");
            assertTrue(c.next().startsWith("[4,\"c1\",\"" + ERR + "unknown-prefix\""));
            c.send("[2,\"c2\",\"bad prefix:add\"]");
            assertTrue(c.next().startsWith("[4,\"c2\",\"" + ERR + "invalid-uri\""));
            c.send("[1,\"ok\",\"http://example.com/hostile#\"]");
            c.send("[2,\"c3\",\"ok:thing\"]");
            String answer = c.next();
            assertTrue(answer.startsWith("[4,\"c3\",\"" + ERR + "not-authorized\""), answer);
            assertFalse(c.isClosed());
        }
    }

    @Test
    void prefixesAreBoundedByCount() throws Exception {
        try (V1RawClient c = open()) {
            for (int i = 0; i < 64; i++) { // postmaster.v1.max-prefixes, default 64
                c.send("[1,\"p" + i + "\",\"http://example.com/p" + i + "#\"]");
            }
            barrier(c);
            c.send("[1,\"one-more\",\"http://example.com/x#\"]");
            assertEquals("1008 too many prefixes", c.awaitClose());
        }
    }

    @Test
    void wrongCraSignatureAndASecondTry() throws Exception {
        URI auth = URI.create(ws() + "?realm=authrealm");
        try (V1RawClient c = V1RawClient.connect(auth)) {
            c.welcome();
            c.send("[2,\"r\",\"http://api.wamp.ws/procedure#authreq\",\"peter\"]");
            assertTrue(c.next().startsWith("[3,\"r\",\"{"), "the challenge");
            c.send("[2,\"a\",\"http://api.wamp.ws/procedure#auth\",\"d3Jvbmc=\"]");
            assertTrue(c.next().startsWith("[4,\"a\",\"" + ERR + "invalid-signature\""));
            c.send("[2,\"a2\",\"http://api.wamp.ws/procedure#auth\",\"d3Jvbmc=\"]");
            assertTrue(c.next().startsWith("[4,\"a2\",\"" + ERR + "no-authentication-requested\""));
            c.send("[2,\"x\",\"http://example.com/calc#add\",1,2]");
            assertTrue(c.next().startsWith("[4,\"x\",\"" + ERR + "not-authorized\""), "still unauthenticated");
            assertNull(c.poll(50));
        }
    }

    @Test
    void aRealmV1ClientsMayNotJoinIsRefused() throws Exception {
        try (V1RawClient c = V1RawClient.connect(URI.create(ws() + "?realm=adminrealm"))) {
            assertTrue(c.awaitClose().startsWith("1008 "), "closed with a reason, no WELCOME");
            assertNull(c.poll(10));
        }
    }
}
