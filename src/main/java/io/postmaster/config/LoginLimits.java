package io.postmaster.config;

import java.util.function.Function;

/**
 * What a login may cost, and what an attacker guessing credentials gets: limits per client address and per authid,
 * the slot credential checks get on the executor, and the parameters of decoy wampcra challenges. Read through
 * {@link PostmasterConfig#sources()} like every other key; every key is in the README.
 *
 * @param maxPendingPerAddress {@code postmaster.login.max-pending-per-address}: logins with credentials in progress
 *                             from one address (an IPv6 /64 counts as one), from HELLO until WELCOME or until a
 *                             delayed refusal is due — also when the client has left meanwhile
 * @param maxPendingPerAuthid  {@code postmaster.login.max-pending-per-authid}: the same, per realm and authid
 * @param ratePerAddress       {@code postmaster.login.rate-per-address}: logins with credentials per second from one
 *                             address (up to that many at once)
 * @param ratePerAuthid        {@code postmaster.login.rate-per-authid}: the same, per realm and authid
 * @param maxTracked           {@code postmaster.login.max-tracked}: addresses, and authids, the router keeps counts
 *                             for; past it the least recently seen idle one is forgotten
 * @param maxFailureDelayMs    {@code postmaster.login.max-failure-delay-ms}: the longest a refusal is delayed
 * @param checkThreads         {@code postmaster.login.check-threads}: executor threads credential checks may occupy
 *                             at once, so that the others stay free for anonymous logins and application code
 * @param checkQueue           {@code postmaster.login.check-queue}: credential checks that may wait for those threads
 * @param decoyIterations      {@code postmaster.login.decoy-iterations}: the PBKDF2 iterations a wampcra challenge
 *                             for an unknown authid announces (set it to what the users' salted keys use)
 * @param decoyKeylen          {@code postmaster.login.decoy-keylen}: the key length it announces
 */
public record LoginLimits(int maxPendingPerAddress, int maxPendingPerAuthid, int ratePerAddress, int ratePerAuthid,
                          int maxTracked, int maxFailureDelayMs, int checkThreads, int checkQueue,
                          int decoyIterations, int decoyKeylen) {

    public static final String PREFIX = "postmaster.login.";
    static final String MAX_PENDING_PER_ADDRESS = PREFIX + "max-pending-per-address";
    static final String MAX_PENDING_PER_AUTHID = PREFIX + "max-pending-per-authid";
    static final String RATE_PER_ADDRESS = PREFIX + "rate-per-address";
    static final String RATE_PER_AUTHID = PREFIX + "rate-per-authid";
    static final String MAX_TRACKED = PREFIX + "max-tracked";
    static final String MAX_FAILURE_DELAY_MS = PREFIX + "max-failure-delay-ms";
    static final String CHECK_THREADS = PREFIX + "check-threads";
    static final String CHECK_QUEUE = PREFIX + "check-queue";
    static final String DECOY_ITERATIONS = PREFIX + "decoy-iterations";
    static final String DECOY_KEYLEN = PREFIX + "decoy-keylen";

    public LoginLimits {
        atLeast(MAX_PENDING_PER_ADDRESS, maxPendingPerAddress, 1);
        atLeast(MAX_PENDING_PER_AUTHID, maxPendingPerAuthid, 1);
        atLeast(RATE_PER_ADDRESS, ratePerAddress, 1);
        atLeast(RATE_PER_AUTHID, ratePerAuthid, 1);
        atLeast(MAX_TRACKED, maxTracked, 16);
        atLeast(MAX_FAILURE_DELAY_MS, maxFailureDelayMs, 0);
        atLeast(CHECK_THREADS, checkThreads, 1);
        atLeast(CHECK_QUEUE, checkQueue, 0);
        atLeast(DECOY_ITERATIONS, decoyIterations, 1);
        atLeast(DECOY_KEYLEN, decoyKeylen, 1);
    }

    /** The defaults. */
    public static LoginLimits defaults() {
        return from(k -> null);
    }

    /** Reads the settings; {@code check-threads} defaults to half of {@code postmaster.executor-threads}. */
    public static LoginLimits from(Function<String, String> lookup) {
        int executorThreads = Math.max(1, PostmasterConfig.intValue(lookup, AuthConfig.EXECUTOR_THREADS, 4));
        int checkThreads = PostmasterConfig.intValue(lookup, CHECK_THREADS, Math.max(1, executorThreads / 2));
        if (checkThreads > executorThreads) {
            throw new IllegalArgumentException(CHECK_THREADS + " (" + checkThreads + ") must not exceed "
                    + AuthConfig.EXECUTOR_THREADS + " (" + executorThreads + ")");
        }
        return new LoginLimits(
                PostmasterConfig.intValue(lookup, MAX_PENDING_PER_ADDRESS, 8),
                PostmasterConfig.intValue(lookup, MAX_PENDING_PER_AUTHID, 4),
                PostmasterConfig.intValue(lookup, RATE_PER_ADDRESS, 10),
                PostmasterConfig.intValue(lookup, RATE_PER_AUTHID, 5),
                PostmasterConfig.intValue(lookup, MAX_TRACKED, 10_000),
                PostmasterConfig.intValue(lookup, MAX_FAILURE_DELAY_MS, 5_000),
                checkThreads,
                PostmasterConfig.intValue(lookup, CHECK_QUEUE, 256),
                PostmasterConfig.intValue(lookup, DECOY_ITERATIONS, 1000),
                PostmasterConfig.intValue(lookup, DECOY_KEYLEN, 32));
    }

    private static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", got " + value);
        }
    }
}
