package io.postmaster.router;

import io.postmaster.config.MetaAccess;
import io.postmaster.message.ErrorUris;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A session's testaments ({@code wamp.session.add_testament}): two buckets, {@code detached} and {@code destroyed},
 * each in the order added, capped together by count and by estimated bytes. Added and flushed by the session's own
 * meta calls, drained once when it leaves; the monitor orders the two.
 *
 * <p>Postmaster has no session resumption: a session is detached and destroyed at the same moment, when it leaves
 * (GOODBYE, kill, or its transport is lost). Both buckets are kept anyway, as the spec asks, so that each can be
 * flushed on its own; on leaving, the {@code detached} bucket is published first, then the {@code destroyed} one.
 */
final class Testaments {
    /** When a testament is published: the spec's {@code scope}. */
    enum Scope {
        DETACHED("detached"), DESTROYED("destroyed");

        private final String wireName;

        Scope(String wireName) {
            this.wireName = wireName;
        }

        /**
         * The scope named {@code s} on the wire; {@link #DESTROYED} (the spec's default) for null.
         *
         * @throws Refusal {@code wamp.error.invalid_argument} for any other value
         */
        static Scope of(Object s) {
            if (s == null) {
                return DESTROYED;
            }
            for (Scope scope : values()) {
                if (scope.wireName.equals(s)) {
                    return scope;
                }
            }
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "scope must be destroyed or detached");
        }
    }

    /**
     * A publication to make when the session leaves.
     *
     * @param options the publish options given, applied as if the session had published it
     * @param bytes   its estimated size, counted against the session's budget
     */
    record Testament(String topic, List<Object> args, Map<String, Object> kwargs, Map<String, Object> options,
                            int bytes) {
    }

    /** The buckets, made on first use: most sessions never add a testament. */
    /**
     * The testaments of every session that left without leaving one: drained, so a testament added after is dropped
     * as on any drained instance; always empty, so shared.
     */
    static final Testaments DRAINED = new Testaments();

    static {
        DRAINED.drain();
    }

    private List<Testament> detached = List.of();
    private List<Testament> destroyed = List.of();
    private int bytes;
    private boolean drained;

    /**
     * Adds a testament unless the session would then hold more than {@code maxCount} testaments or more than
     * {@code maxBytes} estimated bytes of them.
     *
     * @throws Refusal {@code postmaster.error.limit_reached} past the count, {@code wamp.error.payload_size_exceeded}
     *                 past the bytes
     */
    synchronized void add(Scope scope, Testament t, int maxCount, int maxBytes) {
        if (detached.size() + destroyed.size() >= maxCount) {
            throw new Refusal(ErrorUris.LIMIT_REACHED, "at most " + maxCount + " testaments per session ("
                    + MetaAccess.TESTAMENT_MAX + ")");
        }
        if ((long) bytes + t.bytes() > maxBytes) {
            throw new Refusal(ErrorUris.PAYLOAD_SIZE_EXCEEDED, "at most " + maxBytes + " bytes of testaments per"
                    + " session (" + MetaAccess.TESTAMENT_MAX_BYTES + ")");
        }
        if (drained) {
            return; // the session has left meanwhile: nothing will publish it
        }
        if (scope == Scope.DETACHED) {
            detached = detached.isEmpty() ? new ArrayList<>(List.of(t)) : added(detached, t);
        } else {
            destroyed = destroyed.isEmpty() ? new ArrayList<>(List.of(t)) : added(destroyed, t);
        }
        bytes += t.bytes();
    }

    private static List<Testament> added(List<Testament> bucket, Testament t) {
        bucket.add(t);
        return bucket;
    }

    /** Removes every testament of {@code scope}. */
    synchronized void flush(Scope scope) {
        List<Testament> bucket = scope == Scope.DETACHED ? detached : destroyed;
        for (Testament t : bucket) {
            bytes -= t.bytes();
        }
        if (scope == Scope.DETACHED) {
            detached = List.of();
        } else {
            destroyed = List.of();
        }
    }

    /** How many testaments are held. */
    synchronized int size() {
        return detached.size() + destroyed.size();
    }

    /** Empties both buckets for publication: detached first, then destroyed, each in the order added. Once. */
    synchronized List<Testament> drain() {
        drained = true;
        List<Testament> all = new ArrayList<>(detached.size() + destroyed.size());
        all.addAll(detached);
        all.addAll(destroyed);
        detached = List.of();
        destroyed = List.of();
        bytes = 0;
        return all;
    }

    /**
     * An estimate of what a testament holds, in bytes: two per string character, eight per number, a few per
     * container — on the safe side, one to four times its size as JSON (72 → 94 B for a short testament, a
     * 1,000-character string 1,033 → 2,041 B, 200 numbers 451 → 1,650 B). The payload was decoded from one inbound message, so its
     * depth and size are already bounded by the decoder and {@code postmaster.max-message-size}.
     */
    static int estimate(Object o) {
        long n = estimate(o, 0);
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    private static long estimate(Object o, long acc) {
        if (o == null || o instanceof Boolean) {
            return acc + 1;
        }
        if (o instanceof String s) {
            return acc + 2L + 2L * s.length();
        }
        if (o instanceof Number) {
            return acc + 8;
        }
        if (o instanceof byte[] b) {
            return acc + 2L + b.length;
        }
        if (o instanceof List<?> l) {
            acc += 2;
            for (Object x : l) {
                acc = estimate(x, acc);
            }
            return acc;
        }
        if (o instanceof Map<?, ?> m) {
            acc += 2;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                acc = estimate(e.getValue(), estimate(e.getKey(), acc));
            }
            return acc;
        }
        return acc + 16;
    }
}
