package io.postmaster.auth;

import java.util.Base64;

/**
 * Makes the stored form of credentials for the configuration, so that no password is kept in clear:
 * <pre>
 *   java -cp postmaster-classes.jar io.postmaster.auth.Passwords ticket  &lt;realm&gt; &lt;authid&gt; &lt;ticket&gt;
 *   java -cp postmaster-classes.jar io.postmaster.auth.Passwords wampcra &lt;realm&gt; &lt;authid&gt; &lt;password&gt; [iterations]
 * </pre>
 * prints the {@code postmaster.realm.<realm>.user.<authid>.*} lines to add. (A password on the command line may
 * stay in the shell's history: clear it, or type it into a script that reads it.)
 */
public final class Passwords {
    private Passwords() {
    }

    public static void main(String[] args) {
        if (args.length < 4 || !(args[0].equals("ticket") || args[0].equals("wampcra"))) {
            System.err.println("usage: Passwords ticket <realm> <authid> <ticket>\n"
                    + "       Passwords wampcra <realm> <authid> <password> [iterations]");
            System.exit(2);
        }
        String prefix = "postmaster.realm." + args[1] + ".user." + args[2] + ".";
        if (args[0].equals("ticket")) {
            System.out.println(prefix + "ticket=" + Crypto.hashTicket(args[3], 100_000));
        } else {
            int iterations = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
            String salt = Base64.getUrlEncoder().withoutPadding().encodeToString(Crypto.random(12));
            System.out.println(prefix + "wampcra-key=" + Crypto.deriveCraKey(args[3], salt, iterations, 32));
            System.out.println(prefix + "wampcra-salt=" + salt);
            System.out.println(prefix + "wampcra-iterations=" + iterations);
            System.out.println(prefix + "wampcra-keylen=32");
        }
    }
}
