package io.postmaster.serialization;

import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.postmaster.serialization.JsonSerializerTest.map;
import static org.junit.jupiter.api.Assertions.*;

/** {@code wamp.2.msgpack} and {@code wamp.2.cbor}: round trips, the wire form, numbers, binary, bad frames. */
class BinarySerializersTest {
    static final MsgpackSerializer MSGPACK = new MsgpackSerializer();
    static final CborSerializer CBOR = new CborSerializer();

    static Stream<BinaryCodec> binaries() {
        return Stream.of(MSGPACK, CBOR);
    }

    static Stream<Arguments> everyMessageInEveryBinaryFormat() {
        return binaries().flatMap(s -> JsonSerializerTest.everyMessage().map(m -> Arguments.of(s, m)));
    }

    static byte[] bytes(Frame f) {
        return ((Frame.Binary) f).bytes();
    }

    static WampMessage decode(Serializer s, byte[] b) throws MalformedMessageException {
        return s.decode(b, 0, b.length);
    }

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @ParameterizedTest
    @MethodSource("everyMessageInEveryBinaryFormat")
    void roundTrip(BinaryCodec s, WampMessage m) throws Exception {
        Frame f = s.encode(m);
        assertInstanceOf(Frame.Binary.class, f);
        assertEquals(m, decode(s, bytes(f)));
        // and from the middle of a larger buffer, as a container may hand it over
        byte[] b = bytes(f);
        byte[] padded = new byte[b.length + 7];
        System.arraycopy(b, 0, padded, 3, b.length);
        assertEquals(m, s.decode(padded, 3, b.length));
    }

    @Test
    void msgpackWireForm() {
        // [16, 1, {"acknowledge": true}, "com.topic"]
        assertEquals("9410" + "01" + "81ab61636b6e6f776c65646765c3" + "a9636f6d2e746f706963",
                HexFormat.of().formatHex(bytes(MSGPACK.encode(
                        new Publish(1, map("acknowledge", true), "com.topic", null, null)))));
        // [36, 55, 66, {}, [h'0001ff', 1.5]]: bin 8, float64
        assertEquals("9524" + "37" + "42" + "80" + "92c403" + "0001ff" + "cb3ff8000000000000",
                HexFormat.of().formatHex(bytes(MSGPACK.encode(
                        new Event(55, 66, Map.of(), List.of(new byte[] {0, 1, (byte) 0xff}, 1.5), null)))));
    }

    @Test
    void cborWireFormHasDefiniteLengths() {
        assertEquals("8410" + "01" + "a16b61636b6e6f776c65646765f5" + "69636f6d2e746f706963",
                HexFormat.of().formatHex(bytes(CBOR.encode(
                        new Publish(1, map("acknowledge", true), "com.topic", null, null)))));
        assertEquals("8518241837" + "1842" + "a0" + "82430001ff" + "fb3ff8000000000000",
                HexFormat.of().formatHex(bytes(CBOR.encode(
                        new Event(55, 66, Map.of(), List.of(new byte[] {0, 1, (byte) 0xff}, 1.5), null)))));
    }

    @Test
    void cborFromOtherEncodersIsRead() throws Exception {
        // indefinite-length array, map, text and bytes, a half float, a self-describe tag and undefined
        byte[] b = hex("d9d9f7 9f 1824 01 02 a0 9f 7f 626869 6121 ff 5f 4101 4102 ff f93e00 f7 ff bf 61 6b 01 ff ff");
        Event e = (Event) decode(CBOR, b);
        assertEquals("hi!", e.args().get(0));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) e.args().get(1));
        assertEquals(1.5, e.args().get(2));
        assertNull(e.args().get(3));
        assertEquals(Map.of("k", 1L), e.kwargs());
    }

    @Test
    void cborIntegersAndBignumsFollowRfc8949() throws Exception {
        // RFC 8949 appendix A
        Object[][] vectors = {
                {"1bffffffffffffffff", new BigInteger("18446744073709551615")},
                {"c249010000000000000000", new BigInteger("18446744073709551616")},
                {"3bffffffffffffffff", new BigInteger("-18446744073709551616")},
                {"c349010000000000000000", new BigInteger("-18446744073709551617")},
                {"3903e7", -1000L},
                {"1b0020000000000001", 9007199254740993L},
                // a bignum's content is an unsigned magnitude, even with its top bit set (as node-cbor sends 2^64-1)
                {"c248ffffffffffffffff", new BigInteger("18446744073709551615")},
                {"c348ffffffffffffffff", new BigInteger("-18446744073709551616")},
                {"c24180", 128L},
        };
        for (Object[] v : vectors) {
            byte[] frame = hex("851824 01 02 a0 81" + v[0]); // [36, 1, 2, {}, [value]]
            Event e = (Event) decode(CBOR, frame);
            assertEquals(v[1], e.args().get(0), (String) v[0]);
        }
        // and written the standard way
        String enc = HexFormat.of().formatHex(bytes(CBOR.encode(new Event(1, 2, Map.of(), List.of(
                new BigInteger("18446744073709551616"), new BigInteger("-18446744073709551617")), null))));
        assertTrue(enc.endsWith("82c249010000000000000000c349010000000000000000"), enc);
        // a small bignum is an ordinary integer once read
        assertEquals(5L, ((Event) decode(CBOR, hex("851824 01 02 a0 81 c24105"))).args().get(0));
    }

    @Test
    void msgpackIntegersCoverInt64AndUint64() throws Exception {
        BigInteger uint64Max = new BigInteger("18446744073709551615");
        List<Object> values = List.of(Long.MIN_VALUE, Long.MAX_VALUE, uint64Max, -9007199254740993L);
        Event back = (Event) decode(MSGPACK, bytes(MSGPACK.encode(new Event(1, 2, Map.of(), values, null))));
        assertEquals(values, back.args());
        String enc = HexFormat.of().formatHex(bytes(MSGPACK.encode(new Event(1, 2, Map.of(), List.of(uint64Max), null))));
        assertTrue(enc.endsWith("91cfffffffffffffffff"), enc);
        // beyond 64 bits MessagePack has no integer: the nearest float64
        BigInteger huge = BigInteger.TWO.pow(70);
        back = (Event) decode(MSGPACK, bytes(MSGPACK.encode(new Event(1, 2, Map.of(), List.of(huge, huge.negate()), null))));
        assertEquals(List.of(Math.pow(2, 70), -Math.pow(2, 70)), back.args());
    }

    @Test
    void whatJavaScriptEncodersWriteIsRead() throws Exception {
        // msgpackr (wampy): undefined is fixext 1 of type 0; integers above 2^32 are float64, IDs included
        Publish p = (Publish) decode(MSGPACK, hex("95 10 cb433fd1e8d3bbfed1 81a178d40000 a3636f6d 91d40000"));
        assertEquals(8956522192961233L, p.request());
        assertEquals(Collections.singletonMap("x", null), p.options());
        assertEquals(Collections.singletonList(null), p.args());
        // cbor-x (wampy): a Uint8Array is tag 64 over a byte string; IDs above 2^32 are float64
        Publish c = (Publish) decode(CBOR, hex("85 10 fb433fd1e8d3bbfed1 a0 63636f6d 81 d840420102"));
        assertEquals(8956522192961233L, c.request());
        assertArrayEquals(new byte[] {1, 2}, (byte[]) c.args().get(0));
        // but an ID must still be a whole number in range
        for (String id : List.of("cb3ff8000000000000", "cb4340000000000001", "cbbff0000000000000")) { // 1.5, 2^53+2, -1
            byte[] b = hex("95 10 " + id + " 80 a3636f6d 90");
            assertThrows(MalformedMessageException.class, () -> decode(MSGPACK, b), id);
        }
    }

    @ParameterizedTest
    @MethodSource("binaries")
    void textFrameIsRejected(BinaryCodec s) {
        assertThrows(MalformedMessageException.class, () -> s.decode("[1,\"realm1\",{}]"));
        assertThrows(MalformedMessageException.class, () -> s.decode(new byte[0], 0, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "c0",                                   // nil, not an array
            "91",                                   // truncated array
            "9301a6",                               // truncated string
            "9301a67265616c6d3180 00",              // trailing byte
            "9301a67265616c6d318101c0",             // int key
            "9301a67265616c6d3181c401 61 c0",       // bin key
            "9301a67265616c6d3181 92 00 00 c0",     // array key
            "9301a67265616c6d31c1",                 // 0xc1
            "9524010280d40100",                     // fixext
            "9524010280c7ff01 00",                  // ext 8
            "9524010280d40001",                     // fixext 1 of type 0 but not msgpackr's undefined
            "9524010280d4",                         // truncated fixext
            "9301db7fffffff 6161616161616161616161", // str32 of 2 GiB in a 20-byte frame
            "9301c67fffffff 61616161616161616161",   // bin32 of 2 GiB
            "9301 dd7fffffff 00000000",             // array32 of 2^31 elements
            "9301 df7fffffff a161 00",              // map32 of 2^31 entries
            "9301 dbffffffff 61",                   // str32 of 4 GiB
            "9301a67265616c6d31 80 80",             // too many elements
            "92 cf ffffffffffffffff 80",            // type code beyond long
    })
    void malformedMsgpackIsRejected(String frame) {
        byte[] b = hex(frame);
        assertThrows(MalformedMessageException.class, () -> MSGPACK.decode(b, 0, b.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "f6",                                   // null, not an array
            "83",                                   // truncated array
            "830166",                               // truncated string
            "83016672 65616c6d31a0 00",             // trailing byte
            "83016672 65616c6d31a10101",            // int key
            "83016672 65616c6d31a1410161",          // byte-string key
            "83016672 65616c6d31a1c2410101",        // bignum key
            "83016672 65616c6d31 fc",               // reserved additional info
            "83016672 65616c6d31 ff",               // break outside an indefinite container
            "83016672 65616c6d31 bf 6161 ff",       // break after a key
            "83016672 65616c6d31 bf 61 61 01 f0 ff",// unassigned simple value
            "83016672 65616c6d31 bf 61 61 f8 ff ff",// one-byte simple value
            "83016672 65616c6d31 bf 61 61 5f 61 61 ff ff", // text chunk in a byte string
            "83016672 65616c6d31 bf 61 61 5f 5f ff ff ff", // nested indefinite chunk
            "851824 01 02 a0 81 d819 00",                // stringref
            "851824 01 02 a0 d90100 81 61 61",            // stringref namespace
            "851824 01 02 a0 81 d81c 61 61",             // shareable
            "851824 01 02 a0 81 d81d 00",                // sharedref
            "851824 01 02 a0 81 c4 82 21 19 6ab3",       // decimal fraction
            "851824 01 02 a0 81 c2 61 61",               // bignum of text
            "851824 01 02 a0 81 c2 d8 1c 41 01",         // bignum of a tag
            "851824 01 02 a0 81 d840 6161",              // typed array of text
            "83 01 7a7fffffff 6161616161616161616161616161", // text of 2 GiB in a 20-byte frame
            "83 01 5a7fffffff 6161616161616161616161616161", // bytes of 2 GiB
            "83 01 7b7fffffffffffffff 6161",         // text of 2^63 bytes
            "83 01 7bffffffffffffffff 6161",         // text of 2^64-1 bytes (-1 as a long)
            "83 01 9bffffffffffffffff 6161",         // array of 2^64-1 elements
            "83 01 9a7fffffff 00000000",             // array of 2^31 elements
            "83 01 ba7fffffff 6161 00",              // map of 2^31 entries
            "83 01 bbffffffffffffffff 6161 00",      // map of 2^64-1 entries
            "83 01 5f 5a7fffffff 0000 ff",           // a huge chunk
            "9f 01",                                 // unterminated indefinite array
            "1b",                                    // truncated argument
    })
    void malformedCborIsRejected(String frame) {
        byte[] b = hex(frame);
        assertThrows(MalformedMessageException.class, () -> CBOR.decode(b, 0, b.length));
    }

    @Test
    void longBignumIsRejected() {
        byte[] ok = bignumFrame(CborSerializer.MAX_BIGNUM_BYTES);
        assertDoesNotThrow(() -> decode(CBOR, ok));
        byte[] tooLong = bignumFrame(CborSerializer.MAX_BIGNUM_BYTES + 1);
        assertThrows(MalformedMessageException.class, () -> decode(CBOR, tooLong));
    }

    static byte[] bignumFrame(int n) {
        byte[] head = hex("851824 01 02 a0 81 c2 59");
        byte[] b = new byte[head.length + 2 + n];
        System.arraycopy(head, 0, b, 0, head.length);
        b[head.length] = (byte) (n >> 8);
        b[head.length + 1] = (byte) n;
        for (int i = head.length + 2; i < b.length; i++) {
            b[i] = (byte) 0x5a;
        }
        return b;
    }

    @ParameterizedTest
    @MethodSource("binaries")
    void nestingIsLimited(BinaryCodec s) throws Exception {
        List<Object> ok = List.of();
        for (int i = 2; i < StreamingCodec.MAX_DEPTH; i++) {
            ok = List.of(ok);
        }
        Event e = new Event(1, 2, Map.of(), List.of(ok), null); // args + MAX_DEPTH - 1 nested lists
        assertEquals(e, decode(s, bytes(s.encode(e))));
        Event deeper = new Event(1, 2, Map.of(), List.of(List.of(ok)), null);
        byte[] b = bytes(s.encode(deeper));
        assertThrows(MalformedMessageException.class, () -> decode(s, b));
        // and far deeper than any stack would take
        byte[] deep = new byte[100_000];
        java.util.Arrays.fill(deep, (byte) (s == MSGPACK ? 0x91 : 0x81));
        assertThrows(MalformedMessageException.class, () -> decode(s, deep));
    }
}
