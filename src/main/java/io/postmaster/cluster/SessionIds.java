package io.postmaster.cluster;

import io.postmaster.message.Ids;

import java.security.SecureRandom;

/**
 * Session IDs that cannot clash across nodes and still look uniform over [1, 2^53]: a node that holds ID slot
 * {@code s} (claimed in Redis, at most one live node per slot) draws 41 random bits {@code r} and issues
 * {@code P(s · 2^41 + r) + 1}, where {@code P} is a fixed permutation of [0, 2^53) (a four-round Feistel network over
 * 54 bits, walked until it lands in range). A permutation maps different inputs to different outputs, and inputs of
 * different slots differ, so two nodes holding different slots never issue the same ID; within a node the router
 * draws again while an ID is in use. Slot 0 is for a node not (yet) joined: unique on this node only.
 *
 * <p>The permutation is public knowledge (it hides nothing): it only spreads IDs over the whole range, as WAMP asks
 * of global-scope IDs; the 41 random bits come from a cryptographic source.
 */
final class SessionIds {
    /** Bits of randomness per ID; the slot takes the 12 above them. */
    static final int RANDOM_BITS = 41;
    /** The number of slots: slot 0 (not joined) and 1 … 4095. */
    static final int SLOTS = 1 << (53 - RANDOM_BITS);
    private static final long RANDOM_MASK = (1L << RANDOM_BITS) - 1;
    private static final int HALF = 27;
    private static final long HALF_MASK = (1L << HALF) - 1;
    private static final long[] KEYS = {0x5DEECE66DL, 0x2545F4914F6CDD1DL, 0x9E3779B97F4A7C15L, 0xBF58476D1CE4E5B9L};

    private final SecureRandom random = new SecureRandom();

    /** A new candidate ID for a session of the node holding {@code slot}. */
    long next(int slot) {
        long r;
        synchronized (random) {
            r = random.nextLong() & RANDOM_MASK;
        }
        return id(slot, r);
    }

    /** The ID for slot {@code slot} and random part {@code r}: in [1, 2^53], different for different inputs. */
    static long id(int slot, long r) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("slot " + slot);
        }
        long x = ((long) slot << RANDOM_BITS) | (r & RANDOM_MASK);
        long y = permute(x);
        while (y >= Ids.MAX) { // cycle walking: P over 54 bits restricted to [0, 2^53) is a permutation of it
            y = permute(y);
        }
        return y + 1;
    }

    /** The slot an ID of {@link #id} was made for (the inverse permutation): which node's share it is in. */
    static int slotOf(long id) {
        long x = unpermute(id - 1);
        while (x >= Ids.MAX) {
            x = unpermute(x);
        }
        return (int) (x >>> RANDOM_BITS);
    }

    private static long unpermute(long y) {
        long left = y >>> HALF;
        long right = y & HALF_MASK;
        for (int i = KEYS.length - 1; i >= 0; i--) {
            long previous = right ^ round(left, KEYS[i]);
            right = left;
            left = previous;
        }
        return (left << HALF) | right;
    }

    /** A Feistel network over 54 bits: a bijection of [0, 2^54). */
    private static long permute(long x) {
        long left = x >>> HALF;
        long right = x & HALF_MASK;
        for (long k : KEYS) {
            long next = left ^ round(right, k);
            left = right;
            right = next;
        }
        return (left << HALF) | right;
    }

    private static long round(long half, long key) {
        long z = (half + key) * 0x9E3779B97F4A7C15L;
        z ^= z >>> 29;
        z *= 0xBF58476D1CE4E5B9L;
        return (z ^ (z >>> 32)) & HALF_MASK;
    }
}
