package io.postmaster.endpoint;

import io.postmaster.testing.RawWebSocket;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class WebSocketFramesTest {
    private static final int MAX = 100_000;

    /** Records what the reader finds, one line per event. */
    private static final class Events implements WebSocketFrames.Handler {
        final List<String> seen = new ArrayList<>();
        final List<byte[]> binaries = new ArrayList<>();

        public void text(byte[] utf8, int length) {
            String text = new String(utf8, 0, length, StandardCharsets.UTF_8);
            seen.add("text " + text.length() + " " + (text.length() <= 20 ? text : text.substring(0, 20)));
        }

        public void binary(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binaries.add(b);
            seen.add("binary " + b.length);
        }

        public void ping(byte[] payload) {
            seen.add("ping " + new String(payload, StandardCharsets.UTF_8));
        }

        public void pong() {
            seen.add("pong");
        }

        public void closed(int code, String reason) {
            seen.add("close " + code + " " + reason);
        }

        public void failed(int code, String why) {
            seen.add("fail " + code);
        }
    }

    static byte[] frame(int b0, byte[] payload, boolean masked) {
        return RawWebSocket.frame(b0, payload, masked);
    }

    static byte[] frame(int b0, byte[] payload) {
        return frame(b0, payload, true);
    }

    static byte[] text(String s) {
        return frame(0x81, s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    private static Events read(byte[] wire, int chunk) {
        Events e = new Events();
        WebSocketFrames.Reader r = new WebSocketFrames.Reader(e, MAX);
        for (int i = 0; i < wire.length; i += chunk) {
            ByteBuffer b = ByteBuffer.wrap(wire, i, Math.min(chunk, wire.length - i));
            r.read(b);
            if (!r.done()) {
                assertFalse(b.hasRemaining(), "a reader not done takes everything");
            }
        }
        return e;
    }

    private static Events read(byte[] wire) {
        return read(wire, wire.length);
    }

    private static String repeat(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) ('a' + i % 26);
        }
        return new String(c);
    }

    @Test
    void everyLengthBoundaryWholeAndOctetByOctet() {
        for (int n : new int[] {0, 1, 125, 126, 127, 65535, 65536, 99_999}) {
            String s = repeat(n);
            byte[] wire = text(s);
            int expectedHeader = n <= 125 ? 6 : n <= 65535 ? 8 : 14;
            assertEquals(expectedHeader + n, wire.length);
            for (int chunk : new int[] {wire.length, 1, 7}) {
                Events e = read(wire, chunk);
                assertEquals(List.of("text " + n + " " + (n <= 20 ? s : s.substring(0, 20))), e.seen,
                        "length " + n + " in chunks of " + chunk);
            }
        }
    }

    @Test
    void binaryIsUnmaskedExactly() {
        byte[] payload = new byte[70_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        Events e = read(frame(0x82, payload), 1000);
        assertArrayEquals(payload, e.binaries.get(0));
    }

    @Test
    void fragmentsWithInterleavedPingsMakeOneMessage() {
        byte[] wire = concat(frame(0x01, "Hel".getBytes(StandardCharsets.UTF_8)),
                frame(0x89, "p1".getBytes(StandardCharsets.UTF_8)),
                frame(0x00, "lo, ".getBytes(StandardCharsets.UTF_8)),
                frame(0x8A, new byte[0]),
                frame(0x80, "wörld".getBytes(StandardCharsets.UTF_8)),
                text("next"));
        for (int chunk : new int[] {wire.length, 1, 3}) {
            assertEquals(List.of("ping p1", "pong", "text 12 Hello, wörld", "text 4 next"), read(wire, chunk).seen);
        }
    }

    @Test
    void aCharacterSplitAcrossFragmentsIsValid() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        byte[] wire = concat(frame(0x01, Arrays.copyOfRange(euro, 0, 1)), frame(0x80, Arrays.copyOfRange(euro, 1, 3)));
        assertEquals(List.of("text 1 €"), read(wire).seen);
    }

    @Test
    void fragmentedBinary() {
        byte[] wire = concat(frame(0x02, new byte[] {1, 2}), frame(0x00, new byte[0]), frame(0x80, new byte[] {3}));
        Events e = read(wire, 1);
        assertEquals(List.of("binary 3"), e.seen);
        assertArrayEquals(new byte[] {1, 2, 3}, e.binaries.get(0));
    }

    @Test
    void unmaskedFrameIsAProtocolError() {
        assertEquals(List.of("fail 1002"), read(frame(0x81, "x".getBytes(StandardCharsets.UTF_8), false)).seen);
    }

    @Test
    void reservedBitsAndUnknownOpcodesAreProtocolErrors() {
        for (int b0 : new int[] {0xC1, 0xA1, 0x91, 0x83, 0x87, 0x8B, 0x8F}) {
            Events e = read(concat(frame(b0, new byte[] {'x'}), text("after")));
            assertEquals(List.of("fail 1002"), e.seen, Integer.toHexString(b0));
        }
    }

    @Test
    void badControlFramesAreProtocolErrors() {
        assertEquals(List.of("fail 1002"), read(frame(0x89, new byte[126])).seen, "ping over 125 octets");
        assertEquals(List.of("fail 1002"), read(frame(0x09, new byte[1])).seen, "fragmented ping");
        assertEquals(List.of("ping "), read(frame(0x89, new byte[0])).seen.subList(0, 1));
        assertEquals(List.of("fail 1002"), read(frame(0x88, new byte[] {3})).seen, "close of one octet");
        assertEquals(List.of("fail 1002"), read(frame(0x88, new byte[] {0x03, (byte) 0xED})).seen, "close 1005");
        assertEquals(List.of("fail 1002"), read(frame(0x88, new byte[] {0x03, (byte) 0xE7})).seen, "close 999");
    }

    @Test
    void badFragmentSequencesAreProtocolErrors() {
        assertEquals(List.of("fail 1002"), read(frame(0x80, new byte[1])).seen, "continuation without a start");
        assertEquals(List.of("fail 1002"), read(concat(frame(0x01, new byte[] {'a'}), text("b"))).seen,
                "a new message inside a fragmented one");
    }

    @Test
    void invalidUtf8IsInvalidData() {
        assertEquals(List.of("fail 1007"), read(frame(0x81, new byte[] {'a', (byte) 0xC0, (byte) 0xAF})).seen);
        assertEquals(List.of("fail 1007"), read(frame(0x81, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).seen,
                "a surrogate");
        assertEquals(List.of("fail 1007"), read(frame(0x88, new byte[] {0x03, (byte) 0xE8, (byte) 0xFF})).seen,
                "close reason");
        assertEquals(List.of("fail 1007"), read(frame(0x81, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80,
                (byte) 0x80})).seen, "past U+10FFFF");
        assertEquals(List.of("fail 1007"), read(frame(0x81, new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h',
                (byte) 0xE2, (byte) 0x82})).seen, "a sequence cut short at the end");
        String many = "caf\u00e9 \u20ac \ud83d\ude00";
        assertEquals(List.of("text " + many.length() + " " + many), read(frame(0x81,
                many.getBytes(StandardCharsets.UTF_8))).seen, "two-, three- and four-octet characters");
        assertEquals(List.of("close 1000 \u00e9t\u00e9"), read(frame(0x88, concat(new byte[] {0x03, (byte) 0xE8},
                "\u00e9t\u00e9".getBytes(StandardCharsets.UTF_8)))).seen, "a close reason that is not ASCII");
    }

    @Test
    void closeEndsReading() {
        byte[] wire = concat(frame(0x88, concat(new byte[] {0x03, (byte) 0xE8}, "bye".getBytes(StandardCharsets.UTF_8))),
                text("ignored"));
        assertEquals(List.of("close 1000 bye"), read(wire).seen);
        assertEquals(List.of("close 1005 "), read(frame(0x88, new byte[0])).seen);
    }

    @Test
    void messagesOverTheLimitAreRefusedBeforeTheirPayload() {
        // Only the header of a 2^40-octet frame arrives: refused at once, nothing buffered by its claim.
        byte[] head = Arrays.copyOf(frame(0x82, new byte[0]), 14);
        head[1] = (byte) 0xFF;
        Arrays.fill(head, 2, 10, (byte) 0);
        head[4] = 1;
        assertEquals(List.of("fail 1009"), read(head).seen);
        assertEquals(List.of("fail 1009"), read(frame(0x81, new byte[MAX + 1])).seen);
        assertEquals(List.of("text " + MAX + " " + repeat(20)), read(text(repeat(MAX))).seen);
        byte[] half = new byte[MAX / 2 + 1];
        assertEquals(List.of("fail 1009"), read(concat(frame(0x02, half), frame(0x80, half))).seen,
                "fragments together over the limit");
    }

    @Test
    void a64BitLengthWithTheTopBitSetIsAProtocolError() {
        byte[] head = new byte[14];
        head[0] = (byte) 0x82;
        head[1] = (byte) 0xFF;
        head[2] = (byte) 0x80;
        assertEquals(List.of("fail 1002"), read(head).seen);
    }

    @Test
    void serverHeadersAtEveryLengthBoundary() {
        assertArrayEquals(new byte[] {(byte) 0x81, 0}, WebSocketFrames.header(WebSocketFrames.TEXT, 0));
        assertArrayEquals(new byte[] {(byte) 0x82, 125}, WebSocketFrames.header(WebSocketFrames.BINARY, 125));
        assertArrayEquals(new byte[] {(byte) 0x81, 126, 0, 126}, WebSocketFrames.header(WebSocketFrames.TEXT, 126));
        assertArrayEquals(new byte[] {(byte) 0x81, 126, (byte) 0xFF, (byte) 0xFF},
                WebSocketFrames.header(WebSocketFrames.TEXT, 65535));
        assertArrayEquals(new byte[] {(byte) 0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0},
                WebSocketFrames.header(WebSocketFrames.TEXT, 65536));
        assertArrayEquals(new byte[] {(byte) 0x88, 0}, WebSocketFrames.header(WebSocketFrames.CLOSE, 0));
    }

    @Test
    void closePayloadCarriesCodeAndBoundedReason() {
        byte[] p = WebSocketFrames.closePayload(1008, "x".repeat(200));
        assertEquals(2 + 123, p.length);
        assertEquals(1008, (p[0] & 0xFF) << 8 | (p[1] & 0xFF));
        assertEquals(0, WebSocketFrames.closePayload(WebSocketFrames.NO_STATUS, "").length);
    }

    @Test
    void closeCodes() {
        for (int ok : new int[] {1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999}) {
            assertTrue(WebSocketFrames.validCloseCode(ok), Integer.toString(ok));
        }
        for (int bad : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
            assertFalse(WebSocketFrames.validCloseCode(bad), Integer.toString(bad));
        }
    }
}
