package io.postmaster.auth;

import io.postmaster.config.ScramLimits;

import java.util.Base64;

/**
 * Makes the stored form of credentials for the configuration, so that no password is kept in clear:
 * <pre>
 *   java -cp postmaster-classes.jar io.postmaster.auth.Passwords ticket  &lt;realm&gt; &lt;authid&gt; &lt;ticket&gt;
 *   java -cp postmaster-classes.jar io.postmaster.auth.Passwords wampcra &lt;realm&gt; &lt;authid&gt; &lt;password&gt; [iterations]
 *   java -cp postmaster-classes.jar:bcprov-jdk18on.jar io.postmaster.auth.Passwords scram &lt;realm&gt; &lt;authid&gt; &lt;password&gt;
 *        [argon2id13|pbkdf2] [iterations] [memory-KiB]
 * </pre>
 * prints the {@code postmaster.realm.<realm>.user.<authid>.*} lines to add. For {@code scram} the defaults are the
 * router's decoy defaults ({@code postmaster.scram.decoy-*}: Argon2id, 3 passes, 19456 KiB), so that challenges for
 * real and unknown users look alike; parameters beyond the router's default caps are refused. (A password on the
 * command line may stay in the shell's history: clear it, or type it into a script that reads it.)
 */
public final class Passwords {
    private Passwords() {
    }

    public static void main(String[] args) {
        if (args.length < 4 || !(args[0].equals("ticket") || args[0].equals("wampcra") || args[0].equals("scram"))) {
            System.err.println("usage: Passwords ticket <realm> <authid> <ticket>\n"
                    + "       Passwords wampcra <realm> <authid> <password> [iterations]\n"
                    + "       Passwords scram <realm> <authid> <password> [argon2id13|pbkdf2] [iterations] [memory-KiB]");
            System.exit(2);
        }
        String prefix = "postmaster.realm." + args[1] + ".user." + args[2] + ".";
        if (args[0].equals("ticket")) {
            System.out.println(prefix + "ticket=" + Crypto.hashTicket(args[3], 100_000));
        } else if (args[0].equals("wampcra")) {
            int iterations = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
            String salt = Base64.getUrlEncoder().withoutPadding().encodeToString(Crypto.random(12));
            System.out.println(prefix + "wampcra-key=" + Crypto.deriveCraKey(args[3], salt, iterations, 32));
            System.out.println(prefix + "wampcra-salt=" + salt);
            System.out.println(prefix + "wampcra-iterations=" + iterations);
            System.out.println(prefix + "wampcra-keylen=32");
        } else {
            try {
                System.out.println(prefix + "scram=" + scram(args[3], args.length > 4 ? args[4] : null,
                        args.length > 5 ? args[5] : null, args.length > 6 ? args[6] : null, ScramLimits.defaults()));
            } catch (IllegalArgumentException e) {
                System.err.println("Passwords scram: " + e.getMessage());
                System.exit(2);
            }
        }
    }

    /**
     * The stored wamp-scram credential for {@code password}: {@code kdf$iterations$memory$salt$StoredKey$ServerKey}.
     * Null parameters take the decoy defaults of {@code limits} (for the KDF asked for); parameters beyond its caps
     * are refused before any memory is taken.
     *
     * @throws IllegalArgumentException for an unknown KDF, parameters beyond the caps, or a password SASLprep refuses
     */
    static String scram(String password, String kdf, String iterations, String memory, ScramLimits limits) {
        String k = kdf == null ? limits.decoyKdf() : kdf;
        boolean sameKdf = k.equals(limits.decoyKdf());
        int i = iterations != null ? Integer.parseInt(iterations)
                : sameKdf ? limits.decoyIterations() : ScramLimits.PBKDF2.equals(k) ? 100_000 : 3;
        int m = memory != null ? Integer.parseInt(memory) : sameKdf ? limits.decoyMemory() : 19_456;
        String why = limits.outOfBounds(k, i, m);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        return Scram.makeStored(k, password, i, m);
    }
}
