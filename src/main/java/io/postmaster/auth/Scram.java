package io.postmaster.auth;

import io.postmaster.config.ScramLimits;
import io.postmaster.spi.CredentialStore.ScramCredential;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The algorithms of WAMP-SCRAM (the spec's "SCRAM Algorithms", after RFC 5802 and RFC 7677 with SHA-256): the KDFs,
 * the keys the server stores, the AuthMessage, the client's proof and the server's signature; and the stored form of
 * a credential. Argon2id comes from Bouncy Castle's lightweight API (called directly, never as a JCE provider),
 * PBKDF2-HMAC-SHA256, HMAC and SHA-256 from the JDK; nothing is implemented here but the spec's glue.
 */
final class Scram {
    private Scram() {
    }

    /** Every key of SCRAM-SHA-256 (SaltedPassword, ClientKey, StoredKey, ServerKey, proofs) is 32 bytes. */
    static final int KEY_BYTES = 32;
    /** The salt the tool makes: 128 bits, as the Argon2 draft recommends. */
    static final int SALT_BYTES = 16;
    /** The shortest salt a stored credential may have (RFC 2898: at least 64 bits) and the longest. */
    static final int MIN_SALT_BYTES = 8;
    static final int MAX_SALT_BYTES = 64;
    private static final String STORED_SEPARATOR = "$";

    // ------------------------------------------------------------------------------------------------ the KDFs

    /**
     * SaltedPassword = KDF(Normalize(password), salt, params): Argon2id v1.3 with parallelism 1 and a 32-byte output,
     * or PBKDF2-HMAC-SHA256 with a 32-byte output. The password is SASLprep'ed here; the caller checked the
     * parameters against the caps ({@link ScramLimits#outOfBounds}).
     */
    static byte[] saltedPassword(String kdf, String password, byte[] salt, int iterations, int memory) {
        String normalized = saslPrep(password);
        if (ScramLimits.PBKDF2.equals(kdf)) {
            return Crypto.pbkdf2(normalized, salt, iterations, KEY_BYTES);
        }
        if (ScramLimits.ARGON2ID13.equals(kdf)) {
            Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withIterations(iterations)
                    .withMemoryAsKB(memory)
                    .withParallelism(1)
                    .withSalt(salt)
                    .build();
            Argon2BytesGenerator g = new Argon2BytesGenerator();
            g.init(p);
            byte[] out = new byte[KEY_BYTES];
            byte[] pw = normalized.getBytes(StandardCharsets.UTF_8);
            try {
                g.generateBytes(pw, out);
            } finally {
                Arrays.fill(pw, (byte) 0);
            }
            return out;
        }
        throw new IllegalArgumentException("unknown KDF '" + kdf + "'");
    }

    /** ClientKey = HMAC(SaltedPassword, "Client Key"). */
    static byte[] clientKey(byte[] saltedPassword) {
        return Crypto.hmacSha256(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
    }

    /** StoredKey = SHA256(ClientKey). */
    static byte[] storedKey(byte[] clientKey) {
        return sha256(clientKey);
    }

    /** ServerKey = HMAC(SaltedPassword, "Server Key"). */
    static byte[] serverKey(byte[] saltedPassword) {
        return Crypto.hmacSha256(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
    }

    // ------------------------------------------------------------------------------------------- the exchange

    /**
     * The AuthMessage, as the spec builds it from HELLO, CHALLENGE and AUTHENTICATE:
     * {@code n=Escape(authid),r=clientNonce,r=serverNonce,s=salt,i=iterations,c=Base64(CBindInput),r=finalNonce}.
     *
     * @param saltBase64  the salt exactly as CHALLENGE carried it
     * @param cbindName   AUTHENTICATE's {@code channel_binding}, or null
     * @param cbindData   the decoded {@code cbind_data}, or null
     * @param finalNonce  AUTHENTICATE's {@code nonce}
     */
    static byte[] authMessage(String authid, String clientNonce, String serverNonce, String saltBase64, long iterations,
                              String cbindName, byte[] cbindData, String finalNonce) {
        ByteArrayOutputStream cbindInput = new ByteArrayOutputStream();
        cbindInput.writeBytes((cbindName == null ? "n" : "p=" + cbindName).getBytes(StandardCharsets.UTF_8));
        cbindInput.writeBytes(",,".getBytes(StandardCharsets.US_ASCII));
        if (cbindData != null) {
            cbindInput.writeBytes(cbindData);
        }
        String m = "n=" + escape(authid) + ",r=" + clientNonce
                + ",r=" + serverNonce + ",s=" + saltBase64 + ",i=" + iterations
                + ",c=" + Base64.getEncoder().encodeToString(cbindInput.toByteArray()) + ",r=" + finalNonce;
        return m.getBytes(StandardCharsets.UTF_8);
    }

    /** ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage): what a client sends. */
    static byte[] clientProof(byte[] clientKey, byte[] authMessage) {
        return xor(clientKey, Crypto.hmacSha256(storedKey(clientKey), authMessage));
    }

    /**
     * The server's check: SHA256(HMAC(StoredKey, AuthMessage) XOR ClientProof) equals StoredKey, compared in
     * constant time. A proof of the wrong length never matches.
     */
    static boolean proofMatches(byte[] storedKey, byte[] authMessage, byte[] clientProof) {
        byte[] signature = Crypto.hmacSha256(storedKey, authMessage);
        if (clientProof.length != signature.length) {
            return false;
        }
        return MessageDigest.isEqual(sha256(xor(signature, clientProof)), storedKey);
    }

    /** ServerSignature = HMAC(ServerKey, AuthMessage): what WELCOME carries, for the client to check the server. */
    static byte[] serverSignature(byte[] serverKey, byte[] authMessage) {
        return Crypto.hmacSha256(serverKey, authMessage);
    }

    // ------------------------------------------------------------------------------------ the stored credential

    /**
     * The stored form of a new credential for {@code password}, with a random salt:
     * {@code kdf$iterations$memory$salt$StoredKey$ServerKey} (Base64; memory 0 for PBKDF2).
     */
    static String makeStored(String kdf, String password, int iterations, int memory) {
        byte[] salt = Crypto.random(SALT_BYTES);
        byte[] salted = saltedPassword(kdf, password, salt, iterations, memory);
        byte[] clientKey = clientKey(salted);
        Base64.Encoder b64 = Base64.getEncoder();
        String stored = String.join(STORED_SEPARATOR, kdf, Integer.toString(iterations),
                Integer.toString(ScramLimits.PBKDF2.equals(kdf) ? 0 : memory), b64.encodeToString(salt),
                b64.encodeToString(storedKey(clientKey)), b64.encodeToString(serverKey(salted)));
        Arrays.fill(salted, (byte) 0);
        Arrays.fill(clientKey, (byte) 0);
        return stored;
    }

    /** A stored credential taken apart, if it is well formed (caps are checked by the caller). */
    static Optional<ScramCredential> parseStored(String authrole, String stored) {
        String[] p = stored == null ? new String[0] : stored.split("\\$", -1);
        if (p.length != 6 || !(ScramLimits.PBKDF2.equals(p[0]) || ScramLimits.ARGON2ID13.equals(p[0]))) {
            return Optional.empty();
        }
        int iterations;
        int memory;
        try { // the JDK's parser says "not a number" only by throwing; the answer here is a value
            iterations = Integer.parseInt(p[1]);
            memory = Integer.parseInt(p[2]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Optional<byte[]> salt = unbase64(p[3], MIN_SALT_BYTES, MAX_SALT_BYTES);
        Optional<byte[]> storedKey = unbase64(p[4], KEY_BYTES, KEY_BYTES);
        Optional<byte[]> serverKey = unbase64(p[5], KEY_BYTES, KEY_BYTES);
        if (salt.isEmpty() || storedKey.isEmpty() || serverKey.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ScramCredential(authrole, p[0], salt.get(), iterations, memory, storedKey.get(),
                serverKey.get()));
    }

    /** Why {@code c} cannot be used (malformed or beyond the caps), or null when it can. */
    static String unusable(ScramCredential c, ScramLimits limits) {
        if (c.salt() == null || c.salt().length < MIN_SALT_BYTES || c.salt().length > MAX_SALT_BYTES) {
            return "the salt must have " + MIN_SALT_BYTES + ".." + MAX_SALT_BYTES + " bytes";
        }
        if (c.storedKey() == null || c.storedKey().length != KEY_BYTES || c.serverKey() == null
                || c.serverKey().length != KEY_BYTES) {
            return "StoredKey and ServerKey must have " + KEY_BYTES + " bytes";
        }
        if (c.authrole() == null || c.authrole().isEmpty()) {
            return "no authrole";
        }
        return limits.outOfBounds(c.kdf(), c.iterations(), c.memory());
    }

    // -------------------------------------------------------------------------------------------------- helpers

    /**
     * The bytes {@code s} spells in canonical Base64 (RFC 4648, padded, no whitespace), if it spells between
     * {@code min} and {@code max} bytes. The length is checked before anything is decoded.
     */
    static Optional<byte[]> unbase64(String s, int min, int max) {
        if (s == null || s.isEmpty() || s.length() % 4 != 0 || s.length() / 4 * 3 > max + 2) {
            return Optional.empty();
        }
        byte[] b;
        try { // the JDK's decoder says "malformed" only by throwing; the answer here is a value
            b = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // Canonical: only one spelling per byte string (no stray bits in the last character).
        if (b.length < min || b.length > max || !Base64.getEncoder().encodeToString(b).equals(s)) {
            return Optional.empty();
        }
        return Optional.of(b);
    }

    /** The spec's Escape: {@code ,} and {@code =} as {@code =2C} and {@code =3D} (RFC 5802's saslname). */
    static String escape(String s) {
        return s.replace("=", "=3D").replace(",", "=2C");
    }

    /**
     * SASLprep (RFC 4013, the stringprep profile of RFC 3454) for stored strings: non-ASCII spaces become a space,
     * the characters "commonly mapped to nothing" go, the rest is NFKC-normalized; prohibited output (controls,
     * private use, non-characters, surrogates, unassigned code points, …) and mixed-direction text are refused.
     * ASCII text without control characters comes out unchanged.
     *
     * @throws IllegalArgumentException if the string holds what SASLprep prohibits
     */
    static String saslPrep(String s) {
        StringBuilder mapped = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (mappedToNothing(c)) {
                return;
            }
            mapped.appendCodePoint(nonAsciiSpace(c) ? ' ' : c);
        });
        String n = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        boolean randAl = false;
        boolean l = false;
        for (int i = 0; i < n.length(); ) {
            int c = n.codePointAt(i);
            i += Character.charCount(c);
            if (prohibited(c)) {
                throw new IllegalArgumentException(String.format("SASLprep prohibits U+%04X", c));
            }
            byte d = Character.getDirectionality(c);
            randAl |= d == Character.DIRECTIONALITY_RIGHT_TO_LEFT || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
            l |= d == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
        }
        if (randAl && (l || !rtl(n.codePointAt(0)) || !rtl(n.codePointBefore(n.length())))) {
            throw new IllegalArgumentException("SASLprep refuses mixed-direction text (RFC 3454, section 6)");
        }
        return n;
    }

    private static boolean rtl(int c) {
        byte d = Character.getDirectionality(c);
        return d == Character.DIRECTIONALITY_RIGHT_TO_LEFT || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /** RFC 3454 table B.1. */
    private static boolean mappedToNothing(int c) {
        return c == 0x00AD || c == 0x034F || c == 0x1806 || (c >= 0x180B && c <= 0x180D) || (c >= 0x200B && c <= 0x200D)
                || c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
    }

    /** RFC 3454 table C.1.2. */
    private static boolean nonAsciiSpace(int c) {
        return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /** RFC 3454 tables C.1.2, C.2.1, C.2.2, C.3 to C.9, and unassigned code points (A.1, as the JDK knows them). */
    private static boolean prohibited(int c) {
        return nonAsciiSpace(c)
                || c < 0x20 || c == 0x7F                                                    // C.2.1
                || (c >= 0x80 && c <= 0x9F) || c == 0x06DD || c == 0x070F || c == 0x180E  // C.2.2
                || c == 0x200C || c == 0x200D || c == 0x2028 || c == 0x2029
                || (c >= 0x2060 && c <= 0x2063) || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF
                || (c >= 0xFFF9 && c <= 0xFFFD) || (c >= 0x1D173 && c <= 0x1D17A)        // C.2.2, C.6
                || Character.getType(c) == Character.PRIVATE_USE                           // C.3
                || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE                  // C.4
                || Character.getType(c) == Character.SURROGATE                             // C.5
                || (c >= 0x2FF0 && c <= 0x2FFB)                                            // C.7
                || c == 0x0340 || c == 0x0341 || c == 0x200E || c == 0x200F                // C.8
                || (c >= 0x202A && c <= 0x202E)
                || c == 0xE0001 || (c >= 0xE0020 && c <= 0xE007F)                          // C.9
                || Character.getType(c) == Character.UNASSIGNED;                           // A.1
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
