package io.postmaster.serialization;

import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Event;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encode/decode speed of the codecs, printed, not asserted (not a test): {@code mvn test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.postmaster.serialization.CodecBenchmark}. Compares the serializers
 * Postmaster ships with a hand-written EVENT codec straight on msgpack-core (the floor for MessagePack on the JVM)
 * and shows what the MessagePack/CBOR frame check costs. Timed loops (thread CPU time) after a warm-up;
 * best of 15 rounds.
 */
public final class CodecBenchmark {
    private static volatile Object sink;

    public static void main(String[] a) throws Exception {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("id", 9007199254740993L);
        kwargs.put("name", "sensor-42 grüße");
        kwargs.put("ok", true);
        kwargs.put("readings", List.of(1.5, 2.25, -3.125, 4.0, 5.5));
        kwargs.put("tags", Map.of("site", "north", "floor", 3L));
        Map<String, WampMessage> messages = new LinkedHashMap<>();
        messages.put("small CALL", new WampMessage.Call(4242L, Map.of(), "com.example.add", List.of(2L, 3L), null));
        messages.put("small EVENT", new Event(1234567L, 7654321L, Map.of(), List.of(1L, "hello", true), null));
        messages.put("EVENT with kwargs", new Event(1234567L, 7654321L, Map.of("topic", "com.example.sensor"),
                List.of("reading"), kwargs));
        byte[] blob = new byte[4096];
        new java.util.Random(1).nextBytes(blob);
        messages.put("EVENT with 4 KiB binary", new Event(1234567L, 7654321L, Map.of(), List.of(blob), null));

        JsonSerializer json = new JsonSerializer();
        MsgpackSerializer msgpack = new MsgpackSerializer();
        CborSerializer cbor = new CborSerializer();
        System.out.printf("%-24s %-34s %7s %11s %11s%n", "message", "codec", "bytes", "encode ns", "decode ns");
        for (Map.Entry<String, WampMessage> e : messages.entrySet()) {
            WampMessage m = e.getValue();
            for (Serializer s : List.of(json, msgpack, cbor)) {
                Frame f = s.encode(m);
                byte[] b = f instanceof Frame.Binary bin ? bin.bytes() : null;
                String text = f instanceof Frame.Text t ? t.text() : null;
                int size = b != null ? b.length : text.getBytes(StandardCharsets.UTF_8).length;
                double enc = time(() -> sink = s.encode(m));
                double dec = time(() -> sink = b != null ? s.decode(b, 0, b.length) : s.decode(text));
                System.out.printf("%-24s %-34s %7d %11.0f %11.0f%n", e.getKey(), describe(s), size, enc, dec);
                if (s instanceof CborSerializer c) {
                    double check = time(() -> c.check(b, 0, b.length));
                    System.out.printf("%-24s %-34s %7s %11s %11.0f%n", "", "  of which the frame check", "", "", check);
                }
            }
            if (!(m instanceof Event ev)) {
                continue;
            }
            byte[] raw = RawMsgpack.encode(ev);
            double enc = time(() -> sink = RawMsgpack.encode(ev));
            double dec = time(() -> sink = RawMsgpack.decode(raw));
            System.out.printf("%-24s %-34s %7d %11.0f %11.0f%n", e.getKey(), "msgpack-core by hand (EVENT only)",
                    raw.length, enc, dec);
        }
    }

    static String describe(Serializer s) {
        return switch (s.subprotocol()) {
            case JsonSerializer.SUBPROTOCOL -> "json: jackson-core";
            case MsgpackSerializer.SUBPROTOCOL -> "msgpack: msgpack-core";
            default -> "cbor: jackson-dataformat-cbor";
        };
    }

    interface Body {
        void run() throws Exception;
    }

    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

    /** This thread's CPU time: less disturbed than wall time when other work shares the cores. */
    static long cpu() {
        return MX.getCurrentThreadCpuTime();
    }

    /** CPU nanoseconds per call: best of 15 rounds of ~100 ms, after a warm-up (the best resists other load). */
    static double time(Body body) throws Exception {
        int n = 1000;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 300_000_000L) { // warm-up, and find a round size of ~200 ms
            for (int i = 0; i < n; i++) {
                body.run();
            }
        }
        long one = System.nanoTime();
        for (int i = 0; i < n; i++) {
            body.run();
        }
        long per = Math.max(1, (System.nanoTime() - one) / n);
        int rounds = (int) Math.max(1000, 100_000_000L / per);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 15; r++) {
            long s = cpu();
            for (int i = 0; i < rounds; i++) {
                body.run();
            }
            best = Math.min(best, (cpu() - s) / (double) rounds);
        }
        return best;
    }

    /** EVENT straight on msgpack-core's packer and unpacker, without Jackson: the lower bound to compare with. */
    static final class RawMsgpack {
        static byte[] encode(Event e) throws IOException {
            MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
            boolean kw = e.kwargs() != null && !e.kwargs().isEmpty();
            boolean args = kw || (e.args() != null && !e.args().isEmpty());
            p.packArrayHeader(4 + (kw ? 2 : args ? 1 : 0));
            p.packInt(36).packLong(e.subscription()).packLong(e.publication());
            value(p, e.details());
            if (args) {
                value(p, e.args());
            }
            if (kw) {
                value(p, e.kwargs());
            }
            return p.toByteArray();
        }

        static void value(MessageBufferPacker p, Object v) throws IOException {
            if (v == null) {
                p.packNil();
            } else if (v instanceof String s) {
                p.packString(s);
            } else if (v instanceof Long l) {
                p.packLong(l);
            } else if (v instanceof Double d) {
                p.packDouble(d);
            } else if (v instanceof Boolean b) {
                p.packBoolean(b);
            } else if (v instanceof byte[] b) {
                p.packBinaryHeader(b.length).writePayload(b);
            } else if (v instanceof List<?> l) {
                p.packArrayHeader(l.size());
                for (Object o : l) {
                    value(p, o);
                }
            } else if (v instanceof Map<?, ?> m) {
                p.packMapHeader(m.size());
                for (Map.Entry<?, ?> en : m.entrySet()) {
                    p.packString((String) en.getKey());
                    value(p, en.getValue());
                }
            } else {
                throw new IllegalArgumentException(v.getClass().getName());
            }
        }

        @SuppressWarnings("unchecked")
        static Event decode(byte[] b) throws IOException {
            try (MessageUnpacker u = MessagePack.newDefaultUnpacker(b)) {
                int n = u.unpackArrayHeader();
                u.unpackInt();
                long sub = u.unpackLong(), pub = u.unpackLong();
                Map<String, Object> details = (Map<String, Object>) read(u);
                List<Object> args = n > 4 ? (List<Object>) read(u) : null;
                Map<String, Object> kwargs = n > 5 ? (Map<String, Object>) read(u) : null;
                return new Event(sub, pub, details, args, kwargs);
            }
        }

        static Object read(MessageUnpacker u) throws IOException {
            MessageFormat f = u.getNextFormat();
            ValueType t = f.getValueType();
            switch (t) {
                case NIL: u.unpackNil(); return null;
                case BOOLEAN: return u.unpackBoolean();
                case INTEGER: return u.unpackLong();
                case FLOAT: return u.unpackDouble();
                case STRING: return u.unpackString();
                case BINARY: return u.readPayload(u.unpackBinaryHeader());
                case ARRAY: {
                    int n = u.unpackArrayHeader();
                    List<Object> l = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        l.add(read(u));
                    }
                    return l;
                }
                case MAP: {
                    int n = u.unpackMapHeader();
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        m.put(u.unpackString(), read(u));
                    }
                    return m;
                }
                default: throw new IOException("unsupported " + t);
            }
        }
    }
}
