package io.postmaster.it;

import io.postmaster.message.WampMessage.Authenticate;
import io.postmaster.message.WampMessage.Challenge;
import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Register;
import io.postmaster.message.WampMessage.Registered;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * webwire clients sending what no webwire client should, as raw frames over a real WebSocket (realm {@code wire};
 * {@code postmaster.webwire.max-pending-requests} is 8 in the test configuration): each gets webwire's answer for it
 * (a protocol error reply, a dropped frame, an error reply, a close) and nobody else notices.
 */
class HostileWebwireIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    private SeedSocket connect() throws IOException {
        return new SeedSocket(URI.create("ws://127.0.0.1:" + base.getPort() + "/"), null);
    }

    static byte[] id(int n) {
        return new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) n};
    }

    static byte[] frame(int type, byte[] id, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        if (id != null) {
            out.writeBytes(id);
        }
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] request(int n, String name, String payload) {
        return frame(128, id(n), new byte[] {(byte) name.length()}, name.getBytes(StandardCharsets.US_ASCII),
                payload.getBytes(StandardCharsets.UTF_8));
    }

    /** The reply type and id of a frame, e.g. "6:3" for a protocol error reply to request 3. */
    static String head(byte[] frame) {
        return (frame[0] & 0xff) + ":" + (frame.length >= 9 ? frame[8] : -1);
    }

    @Test
    void malformedFramesGetTheProtocolErrorReplyAndTheConnectionGoesOn() throws Exception {
        try (SeedSocket ws = connect()) {
            ws.sendBinary(frame(128, id(1)));                                               // too short
            assertEquals("6:1", head(ws.nextBinary()));
            ws.sendBinary(frame(129, id(2), new byte[] {1, 'n'}, "x".getBytes(StandardCharsets.UTF_16LE))); // no padding
            assertEquals("6:2", head(ws.nextBinary()));
            ws.sendBinary(frame(128, id(3), new byte[] {0, (byte) 0xc3, 0x28}));          // not UTF-8
            assertEquals("6:3", head(ws.nextBinary()));
            ws.sendBinary(frame(32, id(4)));                                                // restore without key
            assertEquals("6:4", head(ws.nextBinary()));
            ws.sendBinary(frame(99, id(5)));                                                // unknown type: dropped
            ws.sendBinary(frame(192, id(6), "a reply from a client".getBytes()));           // server type: dropped
            ws.sendBinary(frame(64, null, new byte[] {5, 'a'}));                            // signal cut short: dropped
            ws.sendBinary(frame(32, id(7), "no-such-key".getBytes()));                      // unknown session key
            assertEquals("3:7", head(ws.nextBinary()));
            ws.sendBinary(request(8, "nobody.here", "x"));
            byte[] reply = ws.nextBinary();
            assertEquals("0:8", head(reply), "an error reply: no such procedure");
            assertTrue(new String(reply, 10, reply[9], StandardCharsets.US_ASCII).endsWith("no_such_procedure"));
        }
    }

    @Test
    void requestsBeyondThePendingLimitGetAnErrorReplyAndOthersAreNotDisturbed() throws Exception {
        try (WampTestClient backend = backend("webwire.request.slow"); SeedSocket flooder = connect();
             SeedSocket bystander = connect()) {
            List<byte[]> burst = new ArrayList<>();
            for (int i = 1; i <= 12; i++) {
                burst.add(request(i, "slow", "x"));
            }
            flooder.sendBinaries(burst); // the backend answers none of them yet
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] r = flooder.nextBinary();
                assertEquals(0, r[0], "an error reply");
                assertEquals("TOO_MANY_REQUESTS", new String(r, 10, r[9], StandardCharsets.US_ASCII));
                refused.add(head(r));
            }
            assertEquals(List.of("0:9", "0:10", "0:11", "0:12"), refused);
            // the backend holds 8, and serves the bystander meanwhile
            bystander.sendBinary(request(1, "slow", "me too"));
            Invocation mine = null;
            for (int i = 0; i < 9; i++) {
                Invocation inv = backend.next(Invocation.class);
                if ("me too".equals(inv.args().get(0))) {
                    mine = inv;
                }
            }
            assertNotNull(mine);
            backend.send(new io.postmaster.message.WampMessage.Yield(mine.request(), Map.of(), List.of("ok"), null));
            byte[] r = bystander.nextBinary();
            assertEquals("192:1", head(r));
            assertEquals("ok", new String(r, 9, r.length - 9, StandardCharsets.UTF_8));
        }
    }

    @Test
    void textAndOversizeFramesClose() throws Exception {
        try (SeedSocket ws = connect()) {
            ws.sendText("webwire is binary");
            assertEquals(1003, ws.awaitClose(5000));
        }
        try (SeedSocket ws = connect()) {
            byte[] big = new byte[1024 * 1024 + 16];
            Arrays.fill(big, (byte) 'x');
            System.arraycopy(request(1, "x", "").clone(), 0, big, 0, 11);
            ws.sendBinary(big);
            assertEquals(1009, ws.awaitClose(5000));
        }
    }

    @Test
    void aPeerThatNeverAnswersPingsIsClosedAsGoneAway() throws Exception {
        try (SeedSocket silent = connect()) {
            // pings every 2 s in the suite, closed after 1 unanswered: within (max-missed + 2) intervals, with slack
            assertEquals(1001, silent.awaitCloseIgnoringPings(12_000), "closed as gone away");
            assertTrue(silent.pingsSeen() >= 1, "it was pinged first");
        }
    }

    private WampTestClient backend(String procedure) throws Exception {
        WampTestClient b = joinWithTicket("wire", "backend", "backend-ticket");
        b.send(new Register(1, Map.of(), procedure));
        b.next(Registered.class);
        return b;
    }
}
