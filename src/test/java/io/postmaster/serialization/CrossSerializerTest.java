package io.postmaster.serialization;

import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every pair of serializers: a message decoded from one and encoded by the other (as the router does between a
 * publisher and a subscriber, a caller and a callee) carries the same values. The one exception is written down:
 * MessagePack has no integers beyond 64 bits, so those arrive there as the nearest float64.
 */
class CrossSerializerTest {

    static final List<Serializer> ALL = Serializers.all();

    static final BigInteger UINT64_MAX = new BigInteger("18446744073709551615");
    static final BigInteger BEYOND = BigInteger.TWO.pow(100).add(BigInteger.ONE);

    static List<Object> values() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("list", List.of(1L, List.of(2L, List.of(3L, Map.of("x", "y")))));
        nested.put("null", null);
        nested.put("bytes", new byte[] {0, 1, (byte) 0xff});
        List<Object> v = new ArrayList<>(Arrays.asList(
                0L, -1L, 1L << 53, -(1L << 53), (1L << 53) + 1, Long.MAX_VALUE, Long.MIN_VALUE, UINT64_MAX,
                1.5, -0.0, 0.1, 1e300, Double.MIN_VALUE, "grüße 世界 🚀 \"q\" \\ \n", "", true, false, null,
                List.of(), Map.of(), nested, new byte[0], new byte[] {0, 1, 2, (byte) 0x80, (byte) 0xff}));
        return v;
    }

    static Stream<Arguments> pairs() {
        return ALL.stream().flatMap(a -> ALL.stream().map(b -> Arguments.of(a, b)));
    }

    static WampMessage through(Serializer from, Serializer to, WampMessage m) throws MalformedMessageException {
        WampMessage read = decode(from, from.encode(m));      // what the router reads from the sender
        return decode(to, to.encode(read));                   // what the receiver reads
    }

    static WampMessage decode(Serializer s, Frame f) throws MalformedMessageException {
        if (f instanceof Frame.Text t) {
            return s.decode(t.text());
        }
        byte[] b = ((Frame.Binary) f).bytes();
        return s.decode(b, 0, b.length);
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void valuesSurviveEveryPair(Serializer from, Serializer to) throws Exception {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        List<Object> values = values();
        for (int i = 0; i < values.size(); i++) {
            kwargs.put("v" + i, values.get(i));
        }
        Event e = (Event) through(from, to, new Event(1, 2, Map.of(), values, kwargs));
        assertDeepEquals(values, e.args(), from.subprotocol() + " -> " + to.subprotocol());
        assertDeepEquals(kwargs, e.kwargs(), from.subprotocol() + " -> " + to.subprotocol());

        Result r = (Result) through(from, to, new Result(7, Map.of(), values, kwargs));
        assertDeepEquals(values, r.args(), "RESULT " + from.subprotocol() + " -> " + to.subprotocol());
        WampMessage.Error err = (WampMessage.Error) through(from, to,
                new WampMessage.Error(48, 7, Map.of(), "com.example.error", values, kwargs));
        assertDeepEquals(kwargs, err.kwargs(), "ERROR " + from.subprotocol() + " -> " + to.subprotocol());
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void integersBeyond64Bits(Serializer from, Serializer to) throws Exception {
        List<Object> big = List.of(BEYOND, BEYOND.negate(), BigInteger.TWO.pow(64), BigInteger.TWO.pow(64).negate());
        boolean viaMsgpack = from instanceof MsgpackSerializer || to instanceof MsgpackSerializer;
        Event e = (Event) through(from, to, new Event(1, 2, Map.of(), big, null));
        List<Object> expected = viaMsgpack ? big.stream().map(b -> (Object) ((BigInteger) b).doubleValue()).toList() : big;
        assertEquals(expected, e.args(), from.subprotocol() + " -> " + to.subprotocol());
    }

    static void assertDeepEquals(Object expected, Object actual, String what) {
        if (expected instanceof byte[] b) {
            assertInstanceOf(byte[].class, actual, what);
            assertArrayEquals(b, (byte[]) actual, what);
        } else if (expected instanceof List<?> l) {
            assertInstanceOf(List.class, actual, what);
            List<?> a = (List<?>) actual;
            assertEquals(l.size(), a.size(), what);
            for (int i = 0; i < l.size(); i++) {
                assertDeepEquals(l.get(i), a.get(i), what + "[" + i + "]");
            }
        } else if (expected instanceof Map<?, ?> m) {
            assertInstanceOf(Map.class, actual, what);
            Map<?, ?> a = (Map<?, ?>) actual;
            assertEquals(m.keySet(), a.keySet(), what);
            for (Map.Entry<?, ?> en : m.entrySet()) {
                assertDeepEquals(en.getValue(), a.get(en.getKey()), what + "." + en.getKey());
            }
        } else if (expected instanceof Double d) {
            assertInstanceOf(Double.class, actual, what);
            assertEquals(Double.doubleToLongBits(d), Double.doubleToLongBits((Double) actual), what + ": " + actual);
        } else {
            assertEquals(expected, actual, what);
            if (expected != null) {
                assertEquals(expected.getClass(), actual.getClass(), what);
            }
        }
    }
}
