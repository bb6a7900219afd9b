package io.postmaster.serialization;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fuzz-style: at least 100,000 malformed frames per decoder — mutated valid messages (flipped and replaced bytes,
 * truncation, spliced-in length headers that claim gigabytes, element counts in the billions, deep nesting,
 * duplicated and dropped slices) and plain random bytes. Each must end in {@link MalformedMessageException} and
 * nothing else (no other exception, no {@link Error}), and no decode may allocate more than the default message
 * size limit, measured per call with the JVM's per-thread allocation counter. Seeded, so a failure repeats.
 */
class MalformedInputFuzzTest {
    static final int REQUIRED = 100_000;
    static final long ALLOCATION_LIMIT = PostmasterConfig.from(Map.<String, String>of()::get).maxMessageSize();

    static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Valid messages of every kind, payload-heavy ones among them: what the mutations start from. */
    static List<WampMessage> corpus() {
        List<WampMessage> c = new ArrayList<>(JsonSerializerTest.everyMessage().toList());
        Map<String, Object> kw = JsonSerializerTest.map(
                "bytes", new byte[] {0, 1, 2, 3, (byte) 0xff}, "big", new BigInteger("18446744073709551615"),
                "neg", Long.MIN_VALUE, "f", 1.5e-300, "s", "grüße 🚀", "nested", List.of(List.of(List.of(Map.of()))),
                "t", true, "n", (Object) null);
        c.add(new Event(1, 2, Map.of("topic", "com.x"), List.of("a".repeat(300), new byte[300], 9007199254740993L), kw));
        c.add(new Call(3, Map.of("receive_progress", true), "com.proc", List.of(kw), kw));
        return c;
    }

    /** Headers that claim far more than any frame holds, per format. */
    static final Map<String, List<byte[]>> HUGE = Map.of(
            JsonSerializer.SUBPROTOCOL, List.of(
                    "[".repeat(5000).getBytes(StandardCharsets.UTF_8),
                    "9".repeat(5000).getBytes(StandardCharsets.UTF_8),
                    "\"\\u0000".getBytes(StandardCharsets.UTF_8),
                    "{\"".getBytes(StandardCharsets.UTF_8)),
            MsgpackSerializer.SUBPROTOCOL, List.of(
                    hex("db7fffffff"), hex("dbffffffff"), hex("c67fffffff"), hex("c6ffffffff"), hex("dd7fffffff"),
                    hex("ddffffffff"), hex("df7fffffff"), hex("dfffffffff"), hex("c9ffffffff01"), hex("da ffff"),
                    hex("c5ffff"), hex("dcffff"), hex("deffff"), repeat((byte) 0x91, 5000), repeat((byte) 0x81, 3000),
                    hex("c1"), hex("d4 01 00")),
            CborSerializer.SUBPROTOCOL, List.of(
                    hex("7a7fffffff"), hex("7bffffffffffffffff"), hex("5a7fffffff"), hex("5b7fffffffffffffff"),
                    hex("9a7fffffff"), hex("9bffffffffffffffff"), hex("ba7fffffff"), hex("bbffffffffffffffff"),
                    hex("5f5a7fffffff"), hex("7f7a7fffffff"), hex("c25a7fffffff"), hex("d90100"), hex("d819"),
                    hex("d81c"), repeat((byte) 0x81, 5000), repeat((byte) 0x9f, 5000), repeat((byte) 0xbf, 100),
                    hex("ff"), hex("fc"), hex("f8")));

    @Test
    void json() {
        fuzz(new JsonSerializer());
    }

    @Test
    void msgpack() {
        fuzz(new MsgpackSerializer());
    }

    @Test
    void cbor() {
        fuzz(new CborSerializer());
    }

    void fuzz(Serializer s) {
        Random r = new Random(0x5EED ^ s.subprotocol().hashCode());
        List<byte[]> seeds = new ArrayList<>();
        for (WampMessage m : corpus()) {
            Frame f = s.encode(m);
            seeds.add(f instanceof Frame.Text t ? t.text().getBytes(StandardCharsets.UTF_8) : ((Frame.Binary) f).bytes());
        }
        List<byte[]> huge = HUGE.get(s.subprotocol());
        for (int i = 0; i < 1000; i++) { // warm up: class loading and per-thread buffers are not what is measured
            try {
                decode(s, mutate(r, seeds.get(r.nextInt(seeds.size())), huge));
            } catch (MalformedMessageException expected) {
                // counted below
            }
        }
        long rejected = 0, accepted = 0, maxAllocated = 0, start = System.nanoTime();
        byte[] worst = null;
        long thread = Thread.currentThread().getId();
        for (long i = 0; rejected < REQUIRED; i++) {
            assertTrue(i < 4L * REQUIRED, "too few mutations were malformed");
            byte[] in = mutate(r, seeds.get(r.nextInt(seeds.size())), huge);
            long before = MX.getThreadAllocatedBytes(thread);
            try {
                decode(s, in);
                accepted++; // a mutation may still be a valid message
            } catch (MalformedMessageException expected) {
                rejected++;
            } catch (Throwable t) {
                fail(s.subprotocol() + ": " + t + " for " + HexFormat.of().formatHex(in), t);
            }
            long allocated = MX.getThreadAllocatedBytes(thread) - before;
            if (allocated > maxAllocated) {
                maxAllocated = allocated;
                worst = in;
            }
            assertTrue(allocated <= ALLOCATION_LIMIT, s.subprotocol() + ": decoding " + in.length
                    + " bytes allocated " + allocated + " bytes: " + HexFormat.of().formatHex(in));
        }
        System.out.printf("fuzz %s: %,d malformed frames rejected, %,d mutations still valid, in %d ms; "
                        + "largest allocation of one decode %,d bytes (input of %,d bytes: %s…)%n", s.subprotocol(),
                rejected, accepted, (System.nanoTime() - start) / 1_000_000, maxAllocated, worst.length, HexFormat.of().formatHex(worst, 0, Math.min(worst.length, 32)));
    }

    static void decode(Serializer s, byte[] in) throws MalformedMessageException {
        if (s.binary()) {
            s.decode(in, 0, in.length);
        } else {
            s.decode(new String(in, StandardCharsets.UTF_8));
        }
    }

    static byte[] mutate(Random r, byte[] seed, List<byte[]> huge) {
        byte[] b = seed.clone();
        int kind = r.nextInt(10);
        switch (kind) {
            case 0 -> { // random bytes
                b = new byte[r.nextInt(64)];
                r.nextBytes(b);
            }
            case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length)); // truncate
            case 2, 3 -> { // flip bits
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 4, 5 -> { // replace bytes, favouring the ones that start headers
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    b[r.nextInt(b.length)] = (byte) (r.nextBoolean() ? r.nextInt(256) : 0xc0 + r.nextInt(64));
                }
            }
            case 6, 7 -> { // splice in a header that claims far more than the frame holds
                byte[] h = huge.get(r.nextInt(huge.size()));
                int at = r.nextInt(b.length + 1);
                int drop = r.nextInt(Math.min(4, b.length - at) + 1);
                b = concat(java.util.Arrays.copyOf(b, at), h, java.util.Arrays.copyOfRange(b, at + drop, b.length));
            }
            case 8 -> { // duplicate a slice
                int from = r.nextInt(b.length), to = from + r.nextInt(b.length - from + 1);
                int at = r.nextInt(b.length + 1);
                b = concat(java.util.Arrays.copyOf(b, at), java.util.Arrays.copyOfRange(seed, from, to),
                        java.util.Arrays.copyOfRange(b, at, b.length));
            }
            default -> { // drop a slice
                int from = r.nextInt(b.length), to = from + 1 + r.nextInt(Math.min(8, b.length - from));
                b = concat(java.util.Arrays.copyOf(b, from), java.util.Arrays.copyOfRange(b, to, b.length));
            }
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static byte[] repeat(byte b, int n) {
        byte[] out = new byte[n];
        java.util.Arrays.fill(out, b);
        return out;
    }

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }
}
