package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage.Abort;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Published;
import io.postmaster.message.WampMessage.Subscribe;
import io.postmaster.message.WampMessage.Subscribed;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A hostile {@code wamp.2.msgpack} client against the deployed WAR, over real WebSockets: a frame that claims more
 * than it holds (at any nesting level), that runs on past its message, or that carries what WAMP's MessagePack does
 * not (a key that is not a string, an extension type, the byte {@code 0xc1}) ends that session with ABORT
 * {@code wamp.error.protocol_violation} and reaches no one; what JavaScript and Python encoders write (an ID as a
 * float64, msgpackr's {@code undefined}, integers at the ends of uint64 and int64) is read as meant and reaches a
 * JSON subscriber exactly.
 */
class HostileMsgpackIT extends ContainerBase {
    static final String TOPIC = "com.msgpack.hostile";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    /** The topic as a MessagePack fixstr, in hex. */
    static String topic() {
        byte[] t = TOPIC.getBytes(StandardCharsets.US_ASCII);
        return String.format("%02x", 0xa0 + t.length) + HexFormat.of().formatHex(t);
    }

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @Test
    void framesThatClaimMoreThanTheyHoldOrCarryWhatWampDoesNotAreRefused() throws Exception {
        String publish = "10 01 80 " + topic(); // [PUBLISH, 1, {}, topic ...
        List<String> bad = List.of(
                "95 " + publish + " 91 c6 7fffffff 00",                      // a bin of 2 GiB in Arguments
                "96 " + publish + " 90 81 a16b 81 a16b db 7fffffff 61",      // a str of 2 GiB two dicts deep
                "95 " + publish + " dd 7fffffff c0",                         // Arguments of 2^31 elements
                "94 " + publish + " c0",                                     // a byte after the message
                "96 " + publish + " 90 81 01 c0",                            // an integer key
                "95 " + publish + " 91 d6 01 00000000",                      // an extension type
                "95 " + publish + " 91 c1");                                 // the never-used byte
        try (WampTestClient sub = join("realm1")) {
            sub.send(new Subscribe(1, Map.of(), TOPIC));
            sub.next(Subscribed.class);
            for (String frame : bad) {
                try (WampTestClient pub = join("realm1", "wamp.2.msgpack")) {
                    pub.sendBinary(hex(frame));
                    assertEquals(ErrorUris.PROTOCOL_VIOLATION, pub.next(Abort.class).reason(), frame);
                }
            }
            // [PUBLISH, 2^53 as a float64, {"acknowledge": true}, topic, [undefined, 2^64 - 1, -2^63]]
            try (WampTestClient pub = join("realm1", "wamp.2.msgpack")) {
                pub.sendBinary(hex("95 10 cb4340000000000000 81 ab61636b6e6f776c65646765 c3 " + topic()
                        + " 93 d40000 cfffffffffffffffff d38000000000000000"));
                assertEquals(1L << 53, pub.next(Published.class).request());
            }
            // the first event the subscriber sees is that one
            assertEquals(Arrays.asList(null, new BigInteger("18446744073709551615"), Long.MIN_VALUE),
                    sub.next(Event.class).args());
        }
    }
}
