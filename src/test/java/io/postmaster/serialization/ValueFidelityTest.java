package io.postmaster.serialization;

import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.postmaster.serialization.BinarySerializersTest.CBOR;
import static io.postmaster.serialization.BinarySerializersTest.MSGPACK;
import static io.postmaster.serialization.BinarySerializersTest.hex;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Values that one format can carry and another cannot: every codec refuses them on the way in, so what a subscriber
 * receives is always what the publisher sent, whatever their formats (never {@code "Infinity"} for a number, never
 * {@code ?} for a character).
 */
class ValueFidelityTest {
    static final JsonSerializer JSON = new JsonSerializer();

    private static void refusedJson(String text) {
        assertThrows(MalformedMessageException.class, () -> JSON.decode(text), text);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertThrows(MalformedMessageException.class, () -> JSON.decode(utf8, 0, utf8.length), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e999999", "-1e999999", "1.5e309", "-2e308"})
    void jsonNumbersBeyondADoubleAreRefused(String number) {
        refusedJson("[16,1,{},\"com.t\",[" + number + "]]");
        refusedJson("[16,1,{\"x\":" + number + "},\"com.t\"]");
    }

    @Test
    void jsonIntegersBeyondADoubleAreRefused() {
        String huge = "1" + "0".repeat(309); // 10^309 > Double.MAX_VALUE
        refusedJson("[16,1,{},\"com.t\",[" + huge + "]]");
        refusedJson("[16,1,{},\"com.t\",[-" + huge + "]]");
    }

    @Test
    void largeButFiniteNumbersStillPass() throws Exception {
        String big = "1" + "0".repeat(300);
        WampMessage m = JSON.decode("[16,1,{},\"com.t\",[" + big + ",1.7e308,4.9e-324]]");
        assertEquals(List.of(new BigInteger(big), 1.7e308, 4.9e-324), ((Publish) m).args());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "\\udfff", "a\\ud800b", "\\udc00\\ud800", "\\ud800\\ud800"})
    void jsonLoneSurrogatesAreRefused(String escaped) {
        refusedJson("[16,1,{},\"com.t\",[\"" + escaped + "\"]]");
        refusedJson("[16,1,{},\"com.t\",[],{\"" + escaped + "\":1}]");
        refusedJson("[16,1,{},\"com.t." + escaped + "\"]");
        refusedJson("[1,\"realm1\",{\"authid\":\"" + escaped + "\",\"roles\":{}}]");
    }

    @Test
    void jsonSurrogatePairsPass() throws Exception {
        WampMessage m = JSON.decode("[16,1,{},\"com.t\",[\"\\ud83d\\ude00 \uD83D\uDE00\"]]");
        assertEquals(List.of("\uD83D\uDE00 \uD83D\uDE00"), ((Publish) m).args());
    }

    @Test
    void binaryFloatsThatJsonCannotCarryAreRefused() {
        // [16, 1, {}, "c", [x]] with x = float64 +Inf, -Inf, NaN
        for (String f : List.of("7ff0000000000000", "fff0000000000000", "7ff8000000000000")) {
            byte[] mp = hex("95 10 01 80 a1 63 91 cb" + f);
            assertThrows(MalformedMessageException.class, () -> MSGPACK.decode(mp, 0, mp.length), f);
            byte[] cb = hex("85 10 01 a0 61 63 81 fb" + f);
            assertThrows(MalformedMessageException.class, () -> CBOR.decode(cb, 0, cb.length), f);
        }
        // half and single precision infinities too
        byte[] half = hex("85 10 01 a0 61 63 81 f9 7c00");
        assertThrows(MalformedMessageException.class, () -> CBOR.decode(half, 0, half.length));
        byte[] single = hex("95 10 01 80 a1 63 91 ca 7f800000");
        assertThrows(MalformedMessageException.class, () -> MSGPACK.decode(single, 0, single.length));
    }

    @Test
    void cborBignumsBeyondADoubleAreRefused() {
        // tag 2 with 129 bytes: 2^1024 and more, beyond Double.MAX_VALUE
        String bytes = "01" + "00".repeat(128);
        byte[] cb = hex("85 10 01 a0 61 63 81 c2 58 81" + bytes);
        assertThrows(MalformedMessageException.class, () -> CBOR.decode(cb, 0, cb.length));
        byte[] neg = hex("85 10 01 a0 61 63 81 c3 58 81" + bytes);
        assertThrows(MalformedMessageException.class, () -> CBOR.decode(neg, 0, neg.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ff",          // never valid
            "c3a9c3",      // truncated sequence
            "80",          // lone continuation byte
            "c0af",        // overlong '/'
            "e0808f",      // overlong
            "eda080",      // UTF-8 of the surrogate U+D800 (CESU-8)
            "f4908080",    // beyond U+10FFFF
    })
    void binaryStringsMustBeUtf8(String bad) {
        int n = bad.length() / 2;
        // as a payload string
        byte[] mp = hex("95 10 01 80 a1 63 91" + Integer.toHexString(0xa0 + n) + bad);
        assertThrows(MalformedMessageException.class, () -> MSGPACK.decode(mp, 0, mp.length), bad);
        byte[] cb = hex("85 10 01 a0 61 63 81" + Integer.toHexString(0x60 + n) + bad);
        assertThrows(MalformedMessageException.class, () -> CBOR.decode(cb, 0, cb.length), bad);
        // as a dict key
        byte[] mpKey = hex("96 10 01 80 a1 63 90 81" + Integer.toHexString(0xa0 + n) + bad + "01");
        assertThrows(MalformedMessageException.class, () -> MSGPACK.decode(mpKey, 0, mpKey.length), bad);
        byte[] cbKey = hex("86 10 01 a0 61 63 80 a1" + Integer.toHexString(0x60 + n) + bad + "01");
        assertThrows(MalformedMessageException.class, () -> CBOR.decode(cbKey, 0, cbKey.length), bad);
        // as a chunk of an indefinite-length CBOR string
        byte[] chunk = hex("85 10 01 a0 61 63 81 7f 61 41" + Integer.toHexString(0x60 + n) + bad + "ff");
        assertThrows(MalformedMessageException.class, () -> CBOR.decode(chunk, 0, chunk.length), bad);
    }

    @Test
    void aBadByteIsFoundAtAnyOffsetOfALongString() throws Exception {
        for (int len = 1; len <= 40; len++) {
            for (int at = 0; at < len; at++) {
                byte[] s = "a".repeat(len).getBytes(StandardCharsets.US_ASCII);
                BinaryCodec.utf8(s, 0, s.length);
                s[at] = (byte) 0xff;
                byte[] bad = s;
                assertThrows(MalformedMessageException.class, () -> BinaryCodec.utf8(bad, 0, bad.length),
                        "length " + len + ", bad byte at " + at);
                // and not past the range checked
                BinaryCodec.utf8(bad, at + 1, len - at - 1);
            }
        }
    }

    @Test
    void validUtf8PassesEveryBinaryFormat() throws Exception {
        String s = "h\u00e9\u20ac\uD83D\uDE00";
        WampMessage m = new Publish(1, Map.of(), "com.t", List.of(s), Map.of(s, s));
        for (BinaryCodec c : List.of(MSGPACK, CBOR)) {
            byte[] b = ((Frame.Binary) c.encode(m)).bytes();
            assertEquals(m, c.decode(b, 0, b.length));
        }
    }
}
