package io.postmaster.cluster;

import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WAMP payload values (what clients put in arguments, keyword arguments and details) written to and read from
 * MessagePack with msgpack-core directly, for the messages nodes send each other: the values a WAMP codec decoded
 * ({@code null}, Boolean, Long, BigInteger, Double, String, byte[], lists, string-keyed maps; Integer, Short, Byte,
 * Float, BigDecimal and arrays as the codecs write them too) come back as the same Java values.
 *
 * <p>What another node sent is read as hostile input (anyone who can write to Redis can send it): every declared
 * length is checked against the bytes left before anything is allocated, nesting is bounded at {@link #MAX_DEPTH},
 * map keys must be strings, extension types and integers beyond a double are refused; a bad value is an
 * {@link IOException}, never a crash or an allocation the message's own size does not bound.
 */
final class PackedValues {
    /** Nesting levels a value may open, as the WAMP codecs allow. */
    static final int MAX_DEPTH = 64;

    private PackedValues() {
    }

    static void write(MessagePacker out, Object v, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("nesting deeper than " + MAX_DEPTH);
        }
        if (v == null) {
            out.packNil();
        } else if (v instanceof String s) {
            out.packString(s);
        } else if (v instanceof Long l) {
            out.packLong(l);
        } else if (v instanceof Integer i) {
            out.packLong(i);
        } else if (v instanceof Boolean b) {
            out.packBoolean(b);
        } else if (v instanceof Double d) {
            out.packDouble(d);
        } else if (v instanceof Map<?, ?> m) {
            writeMap(out, m, depth);
        } else if (v instanceof List<?> l) {
            out.packArrayHeader(l.size());
            for (Object o : l) {
                write(out, o, depth + 1);
            }
        } else if (v instanceof byte[] b) {
            out.packBinaryHeader(b.length);
            out.writePayload(b);
        } else if (v instanceof BigInteger b) {
            if (b.bitLength() <= 63 || (b.signum() > 0 && b.bitLength() <= 64)) {
                out.packBigInteger(b);
            } else {
                out.packDouble(b.doubleValue()); // beyond MessagePack's integers, as the WAMP codec sends it
            }
        } else if (v instanceof BigDecimal b) {
            out.packDouble(b.doubleValue());
        } else if (v instanceof Float f) {
            out.packDouble(f);
        } else if (v instanceof Short s) {
            out.packLong(s);
        } else if (v instanceof Byte b) {
            out.packLong(b);
        } else if (v instanceof Object[] a) {
            write(out, Arrays.asList(a), depth);
        } else {
            throw new IOException("no WAMP representation for " + v.getClass().getName());
        }
    }

    /** A map, or nil for null. */
    static void writeMap(MessagePacker out, Map<?, ?> m, int depth) throws IOException {
        if (m == null) {
            out.packNil();
            return;
        }
        out.packMapHeader(m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new IOException("dict keys must be strings");
            }
            out.packString(k);
            write(out, e.getValue(), depth + 1);
        }
    }

    /** A list, or nil for null. */
    static void writeList(MessagePacker out, List<?> l, int depth) throws IOException {
        if (l == null) {
            out.packNil();
        } else {
            write(out, l, depth);
        }
    }

    /** Reads what {@link #write} wrote; {@code size} is the whole message's length, bounding every declared length. */
    static Object read(MessageUnpacker in, long size, int depth) throws IOException {
        MessageFormat f = in.getNextFormat();
        ValueType t = f.getValueType();
        switch (t) {
            case NIL:
                in.unpackNil();
                return null;
            case BOOLEAN:
                return in.unpackBoolean();
            case INTEGER:
                if (f == MessageFormat.UINT64) {
                    BigInteger b = in.unpackBigInteger();
                    return b.bitLength() < 64 ? (Object) b.longValue() : b;
                }
                return in.unpackLong();
            case FLOAT: {
                double d = in.unpackDouble();
                if (!Double.isFinite(d)) {
                    throw new IOException("number beyond the range of a double");
                }
                return d;
            }
            case STRING:
                return string(in, size);
            case BINARY: {
                int n = in.unpackBinaryHeader();
                return in.readPayload(fits(in, n, size));
            }
            case ARRAY:
                return readList(in, size, depth);
            case MAP:
                return readMap(in, size, depth);
            default:
                throw new IOException("unsupported value " + f);
        }
    }

    static String string(MessageUnpacker in, long size) throws IOException {
        if (in.getNextFormat().getValueType() != ValueType.STRING) {
            throw new IOException("a string expected, " + in.getNextFormat() + " found");
        }
        int n = in.unpackRawStringHeader();
        return new String(in.readPayload(fits(in, n, size)), StandardCharsets.UTF_8);
    }

    static List<Object> readList(MessageUnpacker in, long size, int depth) throws IOException {
        if (depth >= MAX_DEPTH) {
            throw new IOException("nesting deeper than " + MAX_DEPTH);
        }
        int n = fits(in, in.unpackArrayHeader(), size); // each element takes a byte at least
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(read(in, size, depth + 1));
        }
        return list;
    }

    static Map<String, Object> readMap(MessageUnpacker in, long size, int depth) throws IOException {
        if (depth >= MAX_DEPTH) {
            throw new IOException("nesting deeper than " + MAX_DEPTH);
        }
        int n = fits(in, in.unpackMapHeader(), size);
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, n * 4 / 3 + 1));
        for (int i = 0; i < n; i++) {
            if (in.getNextFormat().getValueType() != ValueType.STRING) {
                throw new IOException("dict keys must be strings");
            }
            String key = string(in, size);
            map.put(key, read(in, size, depth + 1));
        }
        return map;
    }

    /** A list, or null for nil. */
    static List<Object> readListOrNil(MessageUnpacker in, long size) throws IOException {
        if (in.tryUnpackNil()) {
            return null;
        }
        if (in.getNextFormat().getValueType() != ValueType.ARRAY) {
            throw new IOException("a list expected");
        }
        return readList(in, size, 0);
    }

    /** A map, or null for nil. */
    static Map<String, Object> readMapOrNil(MessageUnpacker in, long size) throws IOException {
        if (in.tryUnpackNil()) {
            return null;
        }
        if (in.getNextFormat().getValueType() != ValueType.MAP) {
            throw new IOException("a dict expected");
        }
        return readMap(in, size, 0);
    }

    /** {@code n} if that many bytes (or elements of a byte each) are left in the message, else an error. */
    private static int fits(MessageUnpacker in, int n, long size) throws IOException {
        if (n < 0 || n > size - in.getTotalReadBytes()) {
            throw new IOException("a declared length of " + n + " overruns the message");
        }
        return n;
    }

    /** Reads with {@code reader}, turning msgpack-core's own exceptions about bad input into IOExceptions. */
    static <T> T guarded(IoReader<T> reader) throws IOException {
        try {
            return reader.read();
        } catch (MessagePackException | IllegalStateException | IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    interface IoReader<T> {
        T read() throws IOException;
    }
}
