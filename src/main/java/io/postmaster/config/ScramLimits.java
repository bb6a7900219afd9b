package io.postmaster.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * The bounds of {@code wamp-scram}: the largest key-derivation parameters a stored credential may ask a client for,
 * and the parameters a challenge for an unknown authid announces. The router itself never runs the key derivation
 * during a login (SCRAM checks the proof with HMAC-SHA256 and SHA-256 against the stored key), so the caps protect the
 * clients, which do the work, and whatever derives keys on the server (the {@code Passwords} tool, an application's
 * credential store); a credential beyond them is refused at startup (configured users) or treated as unknown (a
 * credential store's). Read through {@link PostmasterConfig#sources()} like every other key; every key is in the
 * README.
 *
 * @param pbkdf2MaxIterations {@code postmaster.scram.pbkdf2-max-iterations}: the most PBKDF2 iterations a credential
 *                            may ask for
 * @param argon2MaxIterations {@code postmaster.scram.argon2-max-iterations}: the most Argon2id passes (time cost)
 * @param argon2MaxMemory     {@code postmaster.scram.argon2-max-memory}: the most Argon2id memory, in KiB
 * @param decoyKdf            {@code postmaster.scram.decoy-kdf}: the KDF ({@code argon2id13} or {@code pbkdf2}) a
 *                            challenge for an unknown authid announces; also what the {@code Passwords} tool uses by
 *                            default, so that real and decoy challenges look alike out of the box
 * @param decoyIterations     {@code postmaster.scram.decoy-iterations}: the iterations it announces
 * @param decoyMemory         {@code postmaster.scram.decoy-memory}: the memory (KiB) it announces for Argon2id
 */
public record ScramLimits(int pbkdf2MaxIterations, int argon2MaxIterations, int argon2MaxMemory,
                          String decoyKdf, int decoyIterations, int decoyMemory) {

    public static final String PREFIX = "postmaster.scram.";
    static final String PBKDF2_MAX_ITERATIONS = PREFIX + "pbkdf2-max-iterations";
    static final String ARGON2_MAX_ITERATIONS = PREFIX + "argon2-max-iterations";
    static final String ARGON2_MAX_MEMORY = PREFIX + "argon2-max-memory";
    static final String DECOY_KDF = PREFIX + "decoy-kdf";
    static final String DECOY_ITERATIONS = PREFIX + "decoy-iterations";
    static final String DECOY_MEMORY = PREFIX + "decoy-memory";

    /** The KDF names of the spec. */
    public static final String ARGON2ID13 = "argon2id13";
    public static final String PBKDF2 = "pbkdf2";
    /** Argon2's least memory with one lane: 8 KiB. */
    public static final int ARGON2_MIN_MEMORY = 8;

    public ScramLimits {
        atLeast(PBKDF2_MAX_ITERATIONS, pbkdf2MaxIterations, 1);
        atLeast(ARGON2_MAX_ITERATIONS, argon2MaxIterations, 1);
        atLeast(ARGON2_MAX_MEMORY, argon2MaxMemory, ARGON2_MIN_MEMORY);
        if (!ARGON2ID13.equals(decoyKdf) && !PBKDF2.equals(decoyKdf)) {
            throw new IllegalArgumentException(DECOY_KDF + " must be " + ARGON2ID13 + " or " + PBKDF2 + ", got '"
                    + decoyKdf + "'");
        }
        // (the fields are not assigned yet in a compact constructor: the caps are passed as they are)
        String why = outOfBounds(decoyKdf, decoyIterations, decoyMemory, pbkdf2MaxIterations, argon2MaxIterations,
                argon2MaxMemory);
        if (why != null) {
            throw new IllegalArgumentException(DECOY_ITERATIONS + "/" + DECOY_MEMORY + ": " + why);
        }
    }

    /** The defaults. */
    public static ScramLimits defaults() {
        return from(k -> null);
    }

    /** Reads the settings; the decoy's defaults depend on its KDF. */
    public static ScramLimits from(Function<String, String> lookup) {
        String kdf = PostmasterConfig.value(lookup, DECOY_KDF, ARGON2ID13).toLowerCase(Locale.ROOT);
        boolean argon = ARGON2ID13.equals(kdf);
        return new ScramLimits(
                PostmasterConfig.intValue(lookup, PBKDF2_MAX_ITERATIONS, 1_000_000),
                PostmasterConfig.intValue(lookup, ARGON2_MAX_ITERATIONS, 16),
                PostmasterConfig.intValue(lookup, ARGON2_MAX_MEMORY, 65_536),
                kdf,
                PostmasterConfig.intValue(lookup, DECOY_ITERATIONS, argon ? 3 : 100_000),
                PostmasterConfig.intValue(lookup, DECOY_MEMORY, argon ? 19_456 : 0));
    }

    /**
     * Why a credential with these parameters is beyond the caps (or malformed), or null when it is within them.
     * {@code memory} counts only for Argon2id.
     */
    public String outOfBounds(String kdf, int iterations, int memory) {
        return outOfBounds(kdf, iterations, memory, pbkdf2MaxIterations, argon2MaxIterations, argon2MaxMemory);
    }

    private static String outOfBounds(String kdf, int iterations, int memory, int pbkdf2MaxIterations,
                                      int argon2MaxIterations, int argon2MaxMemory) {
        if (PBKDF2.equals(kdf)) {
            return iterations < 1 || iterations > pbkdf2MaxIterations
                    ? "PBKDF2 iterations " + iterations + " outside 1.." + pbkdf2MaxIterations + " ("
                    + PBKDF2_MAX_ITERATIONS + ")" : null;
        }
        if (ARGON2ID13.equals(kdf)) {
            if (iterations < 1 || iterations > argon2MaxIterations) {
                return "Argon2id iterations " + iterations + " outside 1.." + argon2MaxIterations + " ("
                        + ARGON2_MAX_ITERATIONS + ")";
            }
            return memory < ARGON2_MIN_MEMORY || memory > argon2MaxMemory
                    ? "Argon2id memory " + memory + " KiB outside " + ARGON2_MIN_MEMORY + ".." + argon2MaxMemory
                    + " (" + ARGON2_MAX_MEMORY + ")" : null;
        }
        return "unknown KDF '" + kdf + "'";
    }

    private static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", got " + value);
        }
    }
}
