package io.postmaster.message;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * WAMP IDs: integers in [1, 2^53], so that every JSON client represents them exactly.
 *
 * <p>Session and publication IDs are drawn at random over the whole range (global scope); so are subscription and
 * registration IDs, which keeps them unique across router instances of one cluster. Request IDs that the router
 * issues to a peer (INVOCATION, INTERRUPT) count up from 1 per session (session scope).
 */
public final class Ids {
    /** The largest valid ID: 2^53. */
    public static final long MAX = 1L << 53;

    private static final SecureRandom SEED = new SecureRandom();

    private Ids() {
    }

    /** A random ID in [1, 2^53]. Not for secrets: IDs are public. */
    public static long random() {
        return ThreadLocalRandom.current().nextLong(MAX) + 1;
    }

    /** A random ID in [1, 2^53] from a cryptographic source, for IDs that must not be guessable (sessions). */
    public static long secureRandom() {
        synchronized (SEED) {
            return (SEED.nextLong() & (MAX - 1)) + 1;
        }
    }

    /** Whether {@code id} is a valid WAMP ID. */
    public static boolean valid(long id) {
        return id >= 1 && id <= MAX;
    }
}
