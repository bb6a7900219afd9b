package io.postmaster.webwire;

import io.postmaster.webwire.Wire.Encoding;
import io.postmaster.webwire.Wire.Inbound;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** The webwire 1.4 frames, with the edge cases of webwire-go rc1's {@code message.go}. */
class WireTest {
    static final byte[] ID = {1, 2, 3, 4, 5, 6, 7, 8};

    static byte[] frame(int type, byte[] id, int... rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        if (id != null) {
            out.writeBytes(id);
        }
        for (int b : rest) {
            out.write(b);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] utf16(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE);
    }

    @Test
    void requestsInEachEncoding() {
        Inbound.Request r = (Inbound.Request) Wire.decode(concat(frame(128, ID, 3), utf8("abcgrüße")));
        assertArrayEquals(ID, r.id());
        assertEquals("abc", r.name());
        assertEquals(Encoding.UTF8, r.encoding());
        assertEquals("grüße", r.encoding().toValue(r.payload()));

        r = (Inbound.Request) Wire.decode(concat(frame(127, ID, 0), new byte[] {0, (byte) 255}));
        assertEquals("", r.name());
        assertArrayEquals(new byte[] {0, (byte) 255}, r.payload());

        // UTF-16, odd name: one padding byte before the payload
        r = (Inbound.Request) Wire.decode(concat(frame(129, ID, 1), utf8("n"), new byte[] {0}, utf16("日本")));
        assertEquals("n", r.name());
        assertEquals("日本", r.encoding().toValue(r.payload()));
        // UTF-16, even name: none
        r = (Inbound.Request) Wire.decode(concat(frame(129, ID, 2), utf8("nm"), utf16("x")));
        assertEquals("x", r.encoding().toValue(r.payload()));
        // UTF-16, odd name, no payload: the padding alone
        r = (Inbound.Request) Wire.decode(concat(frame(129, ID, 1), utf8("n"), new byte[] {0}));
        assertEquals(0, r.payload().length);
        // a name without a payload is fine
        r = (Inbound.Request) Wire.decode(concat(frame(128, ID, 2), utf8("nm")));
        assertEquals(0, r.payload().length);
    }

    @Test
    void malformedRequestsCarryTheirIdForTheProtocolErrorReply() {
        byte[][] bad = {
            frame(128, ID),                                                  // no name length
            frame(128, ID, 0),                                               // neither name nor payload
            concat(frame(128, ID, 5), utf8("abc")),                          // name cut short
            concat(frame(128, ID, 1), new byte[] {10}, utf8("x")),           // name not printable ASCII
            concat(frame(128, ID, 0), new byte[] {(byte) 0xc3, 0x28}),       // not UTF-8
            concat(frame(129, ID, 1), utf8("n"), utf16("x")),                // UTF-16 padding missing: odd length
            concat(frame(129, ID, 1), utf8("n"), new byte[] {7}, utf16("x")), // padding not zero
            concat(frame(129, ID, 0), new byte[] {0, (byte) 0xd8}),          // a lone surrogate
            concat(frame(129, ID, 0), new byte[] {0x41}),                    // odd length
        };
        for (byte[] b : bad) {
            Inbound in = Wire.decode(b);
            assertInstanceOf(Inbound.Malformed.class, in, () -> java.util.Arrays.toString(b));
            assertArrayEquals(ID, ((Inbound.Malformed) in).id());
        }
        Inbound shortOne = Wire.decode(new byte[] {(byte) 128, 1, 2});
        assertInstanceOf(Inbound.Malformed.class, shortOne);
        assertNull(((Inbound.Malformed) shortOne).id(), "too short to carry an id: nothing to answer");
    }

    @Test
    void signals() {
        Inbound.Signal s = (Inbound.Signal) Wire.decode(concat(new byte[] {64, 2}, utf8("hiyo")));
        assertEquals("hi", s.name());
        assertEquals("yo", s.encoding().toValue(s.payload()));
        s = (Inbound.Signal) Wire.decode(concat(new byte[] {65, 1}, utf8("n"), new byte[] {0}, utf16("ä")));
        assertEquals("ä", s.encoding().toValue(s.payload()));
        s = (Inbound.Signal) Wire.decode(new byte[] {63, 0, 9});
        assertEquals("", s.name());
        assertArrayEquals(new byte[] {9}, s.payload());
        for (byte[] b : new byte[][] {
            {63, 0},                                        // no payload
            concat(new byte[] {64, 3}, utf8("abc")),        // name but no payload
            concat(new byte[] {65, 1}, utf8("n"), utf16("a")), // no padding: odd length
            {65, 0, 0x41, 0},                               // fine length but…
        }) {
            Inbound in = Wire.decode(b);
            if (b.length == 4 && b[0] == 65) {
                assertInstanceOf(Inbound.Signal.class, in); // …this one is "A" in UTF-16: valid
            } else {
                assertInstanceOf(Inbound.Malformed.class, in);
                assertNull(((Inbound.Malformed) in).id());
            }
        }
    }

    @Test
    void sessionRequests() {
        Inbound.RestoreSession r = (Inbound.RestoreSession) Wire.decode(concat(frame(32, ID), utf8("key-1")));
        assertEquals("key-1", r.key());
        assertInstanceOf(Inbound.Malformed.class, Wire.decode(frame(32, ID)));
        assertInstanceOf(Inbound.Malformed.class, Wire.decode(concat(frame(32, ID), new byte[] {(byte) 200})));
        assertInstanceOf(Inbound.CloseSession.class, Wire.decode(frame(31, ID)));
        assertInstanceOf(Inbound.Malformed.class, Wire.decode(frame(31, ID, 0)));
    }

    @Test
    void serverTypesAndUnknownTypesFromAClientAreDropped() {
        for (int t : new int[] {0, 1, 2, 6, 21, 22, 191, 192, 193, 99, 255}) {
            assertEquals(new Inbound.Unknown(t), Wire.decode(frame(t, ID)));
        }
        assertInstanceOf(Inbound.Unknown.class, Wire.decode(new byte[0]));
    }

    @Test
    void encodedFramesHaveRc1sLayout() {
        assertArrayEquals(concat(frame(192, ID), utf8("ok")), Wire.reply(ID, Encoding.UTF8, utf8("ok")));
        assertArrayEquals(concat(frame(193, ID, 0), utf16("ok")), Wire.reply(ID, Encoding.UTF16, utf16("ok")));
        assertArrayEquals(frame(191, ID), Wire.reply(ID, Encoding.BINARY, new byte[0]));
        assertArrayEquals(concat(frame(0, ID, 4), utf8("CODEmsg")), Wire.errorReply(ID, "CODE", "msg"));
        assertArrayEquals(concat(frame(0, ID, 3), utf8("a?b")), Wire.errorReply(ID, "a\nb", null));
        assertEquals(255, Wire.errorReply(ID, "x".repeat(300), "")[9] & 0xff);
        assertArrayEquals(frame(1, ID), Wire.special(Wire.REPLY_SHUTDOWN, ID));
        assertArrayEquals(concat(new byte[] {65, 1}, utf8("n"), new byte[] {0}, utf16("x")),
                Wire.signal("n", Encoding.UTF16, utf16("x")));
        assertArrayEquals(concat(new byte[] {64, 2}, utf8("nmx")), Wire.signal("nm", Encoding.UTF8, utf8("x")));
        assertThrows(IllegalArgumentException.class, () -> Wire.signal("n", Encoding.UTF8, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Wire.signal("n", Encoding.UTF16, new byte[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Wire.signal("ü", Encoding.UTF8, utf8("x")));
        assertArrayEquals(new byte[] {22}, Wire.sessionClosed());
    }
}
