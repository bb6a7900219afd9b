package io.postmaster.message;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * How big a message value is, for the caps the router applies by bytes (HELLO details, retained events): about the
 * bytes of its JSON form (strings and keys by their length plus quotes, numbers by their digits, punctuation
 * included), whatever format it came in. Close enough to compare with a budget, and computed without encoding.
 */
public final class Sizes {
    /** What {@link #json} returns for a value nested deeper than allowed. */
    public static final long TOO_DEEP = Long.MAX_VALUE;

    private Sizes() {
    }

    /**
     * The size of {@code value} (a value of the message model: null, Boolean, Long, BigInteger, Double, String,
     * byte[], List, Map), or {@link #TOO_DEEP} if lists and dicts nest more than {@code maxDepth} levels. Stops
     * counting once past {@code limit}: the result is then some number above it, found in time proportional to
     * the limit, not to the value.
     */
    public static long json(Object value, long limit, int maxDepth) {
        return size(value, limit, maxDepth, 0);
    }

    private static long size(Object v, long limit, int maxDepth, long sofar) {
        if (v instanceof String s) {
            return sofar + s.length() + 2;
        }
        if (v instanceof Map<?, ?> m) {
            if (maxDepth <= 0) {
                return TOO_DEEP;
            }
            long n = sofar + 2;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                n += String.valueOf(e.getKey()).length() + 4;
                n = size(e.getValue(), limit, maxDepth - 1, n);
                if (n > limit) {
                    return n;
                }
            }
            return n;
        }
        if (v instanceof List<?> l) {
            if (maxDepth <= 0) {
                return TOO_DEEP;
            }
            long n = sofar + 2;
            for (Object o : l) {
                n = size(o, limit, maxDepth - 1, n + 1);
                if (n > limit) {
                    return n;
                }
            }
            return n;
        }
        if (v instanceof byte[] b) {
            return sofar + 3 + (b.length + 2L) / 3 * 4; // the spec's JSON form: NUL + Base64
        }
        if (v instanceof BigInteger b) {
            return sofar + b.bitLength() * 3L / 10 + 2;
        }
        if (v instanceof Number) {
            return sofar + 20;
        }
        return sofar + 5; // true, false, null
    }
}
