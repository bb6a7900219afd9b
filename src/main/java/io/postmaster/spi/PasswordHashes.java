package io.postmaster.spi;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Password hashing and verification for a {@link CredentialStore} or {@link Authenticator} of the application's own:
 * the salted form Postmaster stores tickets in ({@code pbkdf2-sha256$iterations$salt$hash}, Base64), checked in
 * constant time, and the wampcra derivations every WAMP client computes. A store that keeps {@link #hash} values
 * (never passwords) answers {@link CredentialStore#checkTicket} with {@link #matches}.
 */
public final class PasswordHashes {
    /** The scheme of stored hashes. */
    public static final String SCHEME = "pbkdf2-sha256";
    /** The iterations {@link #hash(String)} uses. */
    public static final int DEFAULT_ITERATIONS = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHashes() {
    }

    /** A salted hash of {@code secret} to store: {@code pbkdf2-sha256$100000$salt$hash} (Base64). */
    public static String hash(String secret) {
        return hash(secret, DEFAULT_ITERATIONS);
    }

    /** A salted hash of {@code secret} with {@code iterations} of PBKDF2-HMAC-SHA256. */
    public static String hash(String secret, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive, got " + iterations);
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] hash = pbkdf2(secret, salt, iterations, 32);
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Whether {@code secret} matches {@code stored}, a {@link #hash}; in constant time. Malformed hashes never match. */
    public static boolean matches(String secret, String stored) {
        if (secret == null) {
            return false;
        }
        return Stored.parse(stored)
                .map(t -> MessageDigest.isEqual(pbkdf2(secret, t.salt(), t.iterations(), t.hash().length), t.hash()))
                .orElse(false);
    }

    /** PBKDF2 with HMAC-SHA256; the password taken as UTF-8 (as Autobahn does). */
    public static byte[] pbkdf2(String password, byte[] salt, int iterations, int keylenBytes) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, keylenBytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }

    /**
     * The wampcra key derived from a password, as salted WAMP-CRA and every client compute it: the Base64 text of
     * PBKDF2-HMAC-SHA256(password, salt, iterations, keylen). Its ASCII bytes are the HMAC key.
     */
    public static String wampcraKey(String password, String salt, int iterations, int keylen) {
        return Base64.getEncoder().encodeToString(
                pbkdf2(password, salt.getBytes(StandardCharsets.UTF_8), iterations, keylen));
    }

    /** The wampcra signature of {@code challenge}: Base64 of HMAC-SHA256(secret, challenge as UTF-8). */
    public static String wampcraSignature(byte[] secret, String challenge) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(challenge.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Constant-time comparison of two strings' UTF-8 bytes; false when either is null. */
    public static boolean equal(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** A stored hash taken apart. */
    private record Stored(int iterations, byte[] salt, byte[] hash) {
        /** The parts of {@code stored}, if it is well formed: positive iterations, a salt and a hash. */
        static Optional<Stored> parse(String stored) {
            String[] p = stored == null ? new String[0] : stored.split("\\$");
            if (p.length != 4 || !p[0].equals(SCHEME)) {
                return Optional.empty();
            }
            Stored t;
            try { // the JDK's parsers say "malformed" only by throwing; the answer here is a value
                t = new Stored(Integer.parseInt(p[1]), Base64.getDecoder().decode(p[2]), Base64.getDecoder().decode(p[3]));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            return t.iterations > 0 && t.salt.length > 0 && t.hash.length > 0 ? Optional.of(t) : Optional.empty();
        }
    }
}
