package io.postmaster.cluster;

import io.postmaster.message.WampMessage;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The messages of a call between nodes: every payload value comes back as it went, and hostile bytes are refused. */
class RelayCodecTest {

    private static Map<String, Object> everyValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nil", null);
        m.put("yes", true);
        m.put("no", false);
        m.put("min", Long.MIN_VALUE);
        m.put("max", Long.MAX_VALUE);
        m.put("uint64", BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
        m.put("pi", 3.25);
        m.put("text", "ünïcödé ✓");
        m.put("empty", "");
        m.put("bytes", new byte[] {0, 1, 2, (byte) 255});
        m.put("list", new ArrayList<>(Arrays.asList(1L, "two", null, List.of(3L))));
        m.put("dict", new LinkedHashMap<>(Map.of("k", Map.of("deeper", List.of()))));
        return m;
    }

    private static RelayCodec.CallMessage roundTrip(WampMessage m) {
        byte[] data = RelayCodec.rpc("realm1", 1234567890123L, 987654321L, m);
        assertTrue(RelayCodec.isCallMessage(data));
        RelayCodec.CallMessage c = RelayCodec.callMessage(data);
        assertNotNull(c, "a message of a call read back");
        assertEquals("realm1", c.realm());
        assertEquals(1234567890123L, c.from());
        assertEquals(987654321L, c.callee());
        return c;
    }

    /** Equality with byte arrays compared by content. */
    private static void assertSameValue(Object expected, Object actual) {
        if (expected instanceof byte[] b) {
            assertArrayEquals(b, (byte[]) actual);
        } else if (expected instanceof Map<?, ?> m) {
            Map<?, ?> a = assertInstanceOf(Map.class, actual);
            assertEquals(m.keySet(), a.keySet());
            m.forEach((k, v) -> assertSameValue(v, a.get(k)));
        } else if (expected instanceof List<?> l) {
            List<?> a = assertInstanceOf(List.class, actual);
            assertEquals(l.size(), a.size());
            for (int i = 0; i < l.size(); i++) {
                assertSameValue(l.get(i), a.get(i));
            }
        } else {
            assertEquals(expected, actual);
            if (expected != null) {
                assertEquals(expected.getClass(), actual.getClass());
            }
        }
    }

    @Test
    void everyMessageOfACallComesBackWithEveryKindOfValue() {
        Map<String, Object> v = everyValue();
        List<Object> args = List.of(v, 7L, "x");
        WampMessage.Invocation inv = (WampMessage.Invocation) roundTrip(
                new WampMessage.Invocation(11L, 22L, v, args, v)).message();
        assertEquals(11L, inv.request());
        assertEquals(22L, inv.registration());
        assertSameValue(v, inv.details());
        assertSameValue(args, inv.args());
        assertSameValue(v, inv.kwargs());

        WampMessage.Result r = (WampMessage.Result) roundTrip(new WampMessage.Result(33L, Map.of(), null, null))
                .message();
        assertEquals(33L, r.request());
        assertEquals(Map.of(), r.details());
        assertNull(r.args());
        assertNull(r.kwargs());

        WampMessage.Error e = (WampMessage.Error) roundTrip(new WampMessage.Error(8, 44L, Map.of("a", 1L),
                "wamp.error.canceled", List.of("why"), null)).message();
        assertEquals("wamp.error.canceled", e.error());
        assertEquals(44L, e.request());
        assertEquals(List.of("why"), e.args());

        WampMessage.Interrupt i = (WampMessage.Interrupt) roundTrip(
                new WampMessage.Interrupt(55L, Map.of("mode", "kill"))).message();
        assertEquals(Map.of("mode", "kill"), i.options());
    }

    @Test
    void valuesAsTheCodecsAlsoWriteThemArriveAsTheDecodedTypes() {
        Map<String, Object> odd = new LinkedHashMap<>();
        odd.put("int", 5);
        odd.put("short", (short) 6);
        odd.put("byte", (byte) 7);
        odd.put("float", 1.5f);
        odd.put("array", new Object[] {"a", 1});
        odd.put("decimal", new java.math.BigDecimal("2.5"));
        WampMessage.Result r = (WampMessage.Result) roundTrip(new WampMessage.Result(1L, odd, null, null)).message();
        assertEquals(5L, r.details().get("int"));
        assertEquals(6L, r.details().get("short"));
        assertEquals(7L, r.details().get("byte"));
        assertEquals(1.5, r.details().get("float"));
        assertEquals(List.of("a", 1L), r.details().get("array"));
        assertEquals(2.5, r.details().get("decimal"));
    }

    @Test
    void aPublicationRelayIsNotTakenForAMessageOfACall() {
        byte[] pub = RelayCodec.publication("realm1", "com.example.t", 1L, Map.of(), List.of(1L), null, null);
        assertFalse(RelayCodec.isCallMessage(pub));
        assertNull(RelayCodec.callMessage(pub));
        assertNotNull(RelayCodec.decode(pub));
    }

    private interface Body {
        void write(MessageBufferPacker out) throws IOException;
    }

    /** A message of a call whose details are what {@code details} writes. */
    private static byte[] withDetails(Body details) throws IOException {
        MessageBufferPacker out = MessagePack.newDefaultBufferPacker();
        out.packArrayHeader(10);
        out.packInt(82);
        out.packInt(50);
        out.packLong(1);
        out.packLong(2);
        out.packLong(3);
        out.packString("realm1");
        out.packNil();
        details.write(out);
        out.packNil();
        out.packNil();
        return out.toByteArray();
    }

    @Test
    void hostileBytesAreRefusedWithoutAllocatingWhatTheyDeclare() throws IOException {
        byte[] good = withDetails(o -> o.packMapHeader(0));
        assertNotNull(RelayCodec.callMessage(good));
        // every truncation of a good message
        for (int n = 0; n < good.length; n++) {
            assertNull(RelayCodec.callMessage(Arrays.copyOf(good, n)), "truncated at " + n);
        }
        // a string declared at 2 GiB in a 40-byte message
        assertNull(RelayCodec.callMessage(withDetails(o -> {
            o.packMapHeader(1);
            o.packString("k");
            o.packRawStringHeader(Integer.MAX_VALUE);
        })));
        // binary, list and dict declared far beyond the message
        assertNull(RelayCodec.callMessage(withDetails(o -> {
            o.packMapHeader(1);
            o.packString("k");
            o.packBinaryHeader(1 << 30);
        })));
        assertNull(RelayCodec.callMessage(withDetails(o -> {
            o.packMapHeader(1);
            o.packString("k");
            o.packArrayHeader(Integer.MAX_VALUE);
        })));
        assertNull(RelayCodec.callMessage(withDetails(o -> o.packMapHeader(1 << 28))));
        // nesting deeper than the codecs allow
        assertNull(RelayCodec.callMessage(withDetails(o -> {
            o.packMapHeader(1);
            o.packString("k");
            for (int i = 0; i < 100; i++) {
                o.packArrayHeader(1);
            }
            o.packNil();
        })));
        // a key that is not a string, an extension type, a float beyond a double's range as NaN
        assertNull(RelayCodec.callMessage(withDetails(o -> {
            o.packMapHeader(1);
            o.packLong(1);
            o.packNil();
        })));
        assertNull(RelayCodec.callMessage(withDetails(o -> {
            o.packMapHeader(1);
            o.packString("k");
            o.packExtensionTypeHeader((byte) 1, 1);
            o.writePayload(new byte[] {0});
        })));
        assertNull(RelayCodec.callMessage(withDetails(o -> {
            o.packMapHeader(1);
            o.packString("k");
            o.packDouble(Double.NaN);
        })));
        // details that are not a dict, bytes after the message
        assertNull(RelayCodec.callMessage(withDetails(o -> o.packString("not a dict"))));
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertNull(RelayCodec.callMessage(trailing));
        // an unknown message type
        byte[] unknownType = good.clone();
        unknownType[2] = 99;
        assertNull(RelayCodec.callMessage(unknownType));
        assertFalse(RelayCodec.isCallMessage("[16,1,{}]".getBytes(StandardCharsets.UTF_8)));
    }
}
