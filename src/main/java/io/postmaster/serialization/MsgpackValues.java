package io.postmaster.serialization;

import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
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
import java.util.RandomAccess;

/**
 * WAMP values in MessagePack, on msgpack-core directly: written with its {@link MessagePacker}, read from one frame
 * with a {@link Reader} over its {@link MessageUnpacker}. The value model is every codec's: null, Boolean, Long (all
 * of int64, and uint64 up to 2^63 - 1), BigInteger (uint64 from 2^63), Double, String, byte[] ({@code bin}), lists
 * and string-keyed maps. {@code wamp.2.msgpack} is built on it ({@link MsgpackSerializer}), and so are the messages
 * other parts of the router write in MessagePack of their own shape (the cluster's), so that they are read with the
 * same hostile-input rules.
 */
public final class MsgpackValues {
    /** A packer starts small (msgpack-core's default is 8 KiB) and grows with the message. */
    static final MessagePack.PackerConfig PACKER = MessagePack.DEFAULT_PACKER_CONFIG.withBufferSize(256);

    /** {@code str} and {@code bin} are different things in WAMP: never read one as the other. */
    static final MessagePack.UnpackerConfig UNPACKER = MessagePack.DEFAULT_UNPACKER_CONFIG
            .withAllowReadingBinaryAsString(false)
            .withAllowReadingStringAsBinary(false);

    /** Lists and maps are pre-sized up to this many elements; larger ones grow with what the frame really holds. */
    private static final int PRESIZE = 1024;

    private MsgpackValues() {
    }

    /**
     * Whether msgpack-core reads and writes through its fast buffers ({@code sun.misc.Unsafe}), rather than its
     * portable ones, which it falls back to when the application's class loader cannot see {@code sun.misc.Unsafe}
     * or may not open it (a server that hides the JDK's {@code jdk.unsupported} from applications).
     */
    public static boolean fastBuffers() {
        return !org.msgpack.core.buffer.MessageBuffer.wrap(new byte[1]).getClass().getSimpleName().endsWith("U");
    }

    // ------------------------------------------------------------------------------------------------ writing

    /** Writes one value. A value that has no WAMP form is a router bug: {@link IllegalArgumentException}. */
    public static void write(MessagePacker out, Object v) throws IOException {
        if (v == null) {
            out.packNil();
        } else if (v instanceof String s) {
            out.packString(s);
        } else if (v instanceof Long l) {
            out.packLong(l);
        } else if (v instanceof Integer i) {
            out.packInt(i);
        } else if (v instanceof Boolean b) {
            out.packBoolean(b);
        } else if (v instanceof Double d) {
            out.packDouble(d);
        } else if (v instanceof Map<?, ?> m) {
            writeMap(out, m);
        } else if (v instanceof List<?> l) {
            writeList(out, l);
        } else if (v instanceof byte[] b) {
            out.packBinaryHeader(b.length);
            out.addPayload(b); // copied once, into the frame, by toByteArray
        } else if (v instanceof BigInteger b) {
            writeBigInteger(out, b);
        } else if (v instanceof BigDecimal b) {
            writeBigDecimal(out, b);
        } else if (v instanceof Float f) {
            out.packFloat(f);
        } else if (v instanceof Short s) {
            out.packShort(s);
        } else if (v instanceof Byte b) {
            out.packByte(b);
        } else if (v instanceof Object[] a) {
            writeList(out, Arrays.asList(a));
        } else {
            throw new IllegalArgumentException("no WAMP representation for " + v.getClass().getName());
        }
    }

    /** A dict; null is written as an empty one (a message's own dicts are never nil on the wire). */
    public static void writeMap(MessagePacker out, Map<?, ?> map) throws IOException {
        if (map == null) {
            out.packMapHeader(0);
            return;
        }
        out.packMapHeader(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("dict keys must be strings");
            }
            out.packString(key);
            write(out, e.getValue());
        }
    }

    public static void writeList(MessagePacker out, List<?> list) throws IOException {
        out.packArrayHeader(list.size());
        if (list instanceof RandomAccess) {
            for (int i = 0, n = list.size(); i < n; i++) {
                write(out, list.get(i));
            }
        } else {
            for (Object o : list) {
                write(out, o);
            }
        }
    }

    /** An integer of int64 or uint64 as such; beyond, MessagePack has no integer: the nearest float64. */
    private static void writeBigInteger(MessagePacker out, BigInteger b) throws IOException {
        if (b.bitLength() <= 63 || (b.signum() > 0 && b.bitLength() == 64)) {
            out.packBigInteger(b);
        } else {
            out.packDouble(b.doubleValue());
        }
    }

    /**
     * An integral decimal of up to 20 digits as the integer it is ({@link #writeBigInteger}), anything else as the
     * nearest float64. (The digits are counted first: {@code 1E+1000000000} must not become a BigInteger.)
     */
    private static void writeBigDecimal(MessagePacker out, BigDecimal d) throws IOException {
        BigDecimal s = d.stripTrailingZeros();
        if (s.scale() <= 0 && s.precision() - s.scale() <= 20) {
            writeBigInteger(out, s.toBigIntegerExact());
        } else {
            out.packDouble(d.doubleValue());
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * Reads the values of one frame, checking as it reads: every declared {@code str}/{@code bin} length and every
     * array/map element count is compared with the bytes the frame has left before anything is allocated for it (an
     * element takes at least one byte, a map entry two), so nothing the frame merely claims is ever allocated;
     * nesting is bounded by {@link StreamingCodec#MAX_DEPTH}; map keys must be {@code str}; strings must be
     * well-formed UTF-8 ({@link BinaryCodec#utf8}); floats must be finite (JSON has no NaN nor infinity); the only
     * extension let through is {@code d4 00 00}, msgpackr's {@code undefined}, read as nil; {@code 0xc1} is refused.
     *
     * <p>msgpack-core alone would not do: it allocates a declared length before reading it (a 20-byte frame
     * declaring a 1 GiB {@code bin} would allocate 1 GiB), reads a bad UTF-8 sequence as U+FFFD and accepts any
     * key. Its own exceptions (truncated input, a 32-bit length of 2^31 or more, an int64 expected and a larger
     * uint64 found) become {@link MalformedMessageException}s too: whatever the bytes, a reader throws nothing else.
     *
     * <p>One reader per frame; not thread-safe.
     */
    public static final class Reader {
        private final MessageUnpacker in;
        private final byte[] data;
        private final int offset;
        private final int length;

        /** A reader of the {@code length} bytes of {@code data} from {@code offset}, which it does not copy. */
        public Reader(byte[] data, int offset, int length) {
            this.in = UNPACKER.newUnpacker(data, offset, length);
            this.data = data;
            this.offset = offset;
            this.length = length;
        }

        /** Bytes of the frame not read yet. */
        private int left() {
            return length - (int) in.getTotalReadBytes();
        }

        /** Where in {@code data} the next byte is. */
        private int position() {
            return offset + (int) in.getTotalReadBytes();
        }

        /** Whether the whole frame has been read. */
        public boolean atEnd() {
            return left() == 0;
        }

        /** The element count of an array, which the frame has bytes for, refused unless it is one. */
        public int arrayHeader(String expected) throws MalformedMessageException {
            try {
                if (in.getNextFormat().getValueType() != ValueType.ARRAY) {
                    throw new MalformedMessageException(expected);
                }
                return count(in.unpackArrayHeader(), 1);
            } catch (IOException | RuntimeException e) {
                throw undecodable();
            }
        }

        /** An integer of int64, refused unless it is one. */
        public long integer(String expected) throws MalformedMessageException {
            try {
                if (in.getNextFormat().getValueType() != ValueType.INTEGER) {
                    throw new MalformedMessageException(expected);
                }
                return in.unpackLong();
            } catch (IOException | RuntimeException e) {
                throw undecodable();
            }
        }

        /**
         * A WAMP ID: an integer in [0, 2^53], or a float64 of such an integral value. JavaScript encoders have one
         * number type and write integers above 2^32 as float64 (msgpackr), so wampy sends IDs that way.
         */
        public long id() throws MalformedMessageException {
            try {
                ValueType t = in.getNextFormat().getValueType();
                long v;
                if (t == ValueType.INTEGER) {
                    v = in.unpackLong();
                } else if (t == ValueType.FLOAT) {
                    double d = in.unpackDouble();
                    if (d != Math.rint(d) || d < 0 || d > StreamingCodec.MAX_ID) {
                        throw new MalformedMessageException("expected an ID");
                    }
                    v = (long) d;
                } else {
                    throw new MalformedMessageException("expected an ID");
                }
                if (v < 0 || v > StreamingCodec.MAX_ID) {
                    throw new MalformedMessageException("ID out of range [0, 2^53]");
                }
                return v;
            } catch (IOException | RuntimeException e) {
                throw undecodable();
            }
        }

        /** A string, refused unless it is one. */
        public String string(String expected) throws MalformedMessageException {
            try {
                if (in.getNextFormat().getValueType() != ValueType.STRING) {
                    throw new MalformedMessageException(expected);
                }
                return stringBody();
            } catch (IOException | RuntimeException e) {
                throw undecodable();
            }
        }

        /** A dict at the top of a message (nesting depth 1), refused unless it is one. */
        public Map<String, Object> dict(String expected) throws MalformedMessageException {
            try {
                if (in.getNextFormat().getValueType() != ValueType.MAP) {
                    throw new MalformedMessageException(expected);
                }
                return map(1);
            } catch (IOException | RuntimeException e) {
                throw undecodable();
            }
        }

        /** A list at the top of a message (nesting depth 1), refused unless it is one. */
        public List<Object> list(String expected) throws MalformedMessageException {
            try {
                if (in.getNextFormat().getValueType() != ValueType.ARRAY) {
                    throw new MalformedMessageException(expected);
                }
                return list(1);
            } catch (IOException | RuntimeException e) {
                throw undecodable();
            }
        }

        /** Any value at the top of a message. */
        public Object value() throws MalformedMessageException {
            try {
                return value(0);
            } catch (IOException | RuntimeException e) {
                throw undecodable();
            }
        }

        /** Whether a nil is next; if so, it is read. */
        public boolean nil() throws MalformedMessageException {
            try {
                return in.tryUnpackNil();
            } catch (IOException | RuntimeException e) {
                throw undecodable();
            }
        }

        private static MalformedMessageException undecodable() {
            return new MalformedMessageException("undecodable MessagePack");
        }

        /** Any value, inside a container at {@code depth}. */
        private Object value(int depth) throws IOException, MalformedMessageException {
            MessageFormat f = in.getNextFormat();
            return switch (f) {
                case POSFIXINT, NEGFIXINT, UINT8, UINT16, UINT32, INT8, INT16, INT32, INT64 -> in.unpackLong();
                case UINT64 -> uint64();
                case FLOAT32, FLOAT64 -> {
                    double d = in.unpackDouble();
                    if (!Double.isFinite(d)) {
                        throw new MalformedMessageException("number beyond the range of a double");
                    }
                    yield d;
                }
                case FIXSTR, STR8, STR16, STR32 -> stringBody();
                case BIN8, BIN16, BIN32 -> in.readPayload(fits(in.unpackBinaryHeader()));
                case NIL -> {
                    in.unpackNil();
                    yield null;
                }
                case BOOLEAN -> in.unpackBoolean();
                case FIXARRAY, ARRAY16, ARRAY32 -> list(depth + 1);
                case FIXMAP, MAP16, MAP32 -> map(depth + 1);
                case FIXEXT1 -> undefined();
                case NEVER_USED -> throw new MalformedMessageException("invalid MessagePack byte 0xc1");
                default -> throw new MalformedMessageException("MessagePack extension types are not used in WAMP");
            };
        }

        private List<Object> list(int depth) throws IOException, MalformedMessageException {
            if (depth > StreamingCodec.MAX_DEPTH) {
                throw new MalformedMessageException("nesting deeper than " + StreamingCodec.MAX_DEPTH);
            }
            int n = count(in.unpackArrayHeader(), 1);
            List<Object> list = new ArrayList<>(Math.min(n, PRESIZE));
            for (int i = 0; i < n; i++) {
                list.add(value(depth));
            }
            return list;
        }

        private Map<String, Object> map(int depth) throws IOException, MalformedMessageException {
            if (depth > StreamingCodec.MAX_DEPTH) {
                throw new MalformedMessageException("nesting deeper than " + StreamingCodec.MAX_DEPTH);
            }
            int n = count(in.unpackMapHeader(), 2);
            Map<String, Object> map = new LinkedHashMap<>(Math.min(n, PRESIZE) * 4 / 3 + 1);
            for (int i = 0; i < n; i++) {
                if (in.getNextFormat().getValueType() != ValueType.STRING) {
                    throw new MalformedMessageException("dict keys must be strings");
                }
                String key = stringBody();
                map.put(key, value(depth));
            }
            return map;
        }

        /** The rest of a {@code str} whose format byte is next: checked as UTF-8 where it lies, then decoded. */
        private String stringBody() throws IOException, MalformedMessageException {
            int n = fits(in.unpackRawStringHeader());
            if (n == 0) {
                return "";
            }
            int at = position();
            BinaryCodec.utf8(data, at, n);
            String s = new String(data, at, n, StandardCharsets.UTF_8);
            in.readPayloadAsReference(n); // moves past the bytes just decoded: a view of them, not a copy
            return s;
        }

        /** A {@code uint64}: a Long below 2^63, a BigInteger from there. */
        private Object uint64() throws IOException, MalformedMessageException {
            if (left() < 9) {
                throw new MalformedMessageException("truncated MessagePack");
            }
            if (data[position() + 1] >= 0) {
                return in.unpackLong();
            }
            return in.unpackBigInteger();
        }

        /** {@code d4 00 00}, which msgpackr (wampy's MessagePack codec) writes for JavaScript's undefined: nil. */
        private Object undefined() throws IOException, MalformedMessageException {
            int at = position();
            if (left() < 3 || data[at + 1] != 0 || data[at + 2] != 0) {
                throw new MalformedMessageException("MessagePack extension types are not used in WAMP");
            }
            in.skipValue();
            return null;
        }

        /** {@code n}, if that many bytes are left in the frame. */
        private int fits(int n) throws MalformedMessageException {
            if (n < 0 || n > left()) {
                throw new MalformedMessageException("declared length exceeds the frame");
            }
            return n;
        }

        /** {@code n}, if the frame has bytes left for that many elements of at least {@code size} bytes each. */
        private int count(int n, int size) throws MalformedMessageException {
            if (n < 0 || n > left() / size) {
                throw new MalformedMessageException("declared element count exceeds the frame");
            }
            return n;
        }
    }
}
