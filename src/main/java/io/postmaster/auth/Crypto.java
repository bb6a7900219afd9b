package io.postmaster.auth;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/** The JDK's crypto, wrapped for the authentication methods. Nothing is implemented here, only called. */
public final class Crypto {
    private Crypto() {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410): the raw 32-byte key follows. */
    private static final byte[] ED25519_SPKI_PREFIX = HEX.parseHex("302a300506032b6570032100");

    /** {@code n} random bytes from a {@link SecureRandom}. */
    public static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    /** The bytes {@code s} spells in hex, if it is hex of exactly {@code bytes} bytes (either case). */
    static Optional<byte[]> unhex(String s, int bytes) {
        if (s == null || s.length() != bytes * 2) {
            return Optional.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            if (!HexFormat.isHexDigit(s.charAt(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(HEX.parseHex(s));
    }

    /** HMAC-SHA256 of {@code data} under {@code key}. */
    static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** PBKDF2 with HMAC-SHA256. The password is taken as UTF-8 (as Autobahn does); so is the salt. */
    public static byte[] pbkdf2(String password, byte[] salt, int iterations, int keylenBytes) {
        try {
            // PBEKeySpec takes chars and the JDK's PBKDF2 encodes them as UTF-8.
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, keylenBytes * 8);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        }
    }

    /**
     * The wampcra key derived from a password, as the spec's salted WAMP-CRA and every client compute it: the Base64
     * text of PBKDF2-HMAC-SHA256(password, salt, iterations, keylen). Its ASCII bytes are the HMAC key.
     */
    public static String deriveCraKey(String password, String salt, int iterations, int keylen) {
        return Base64.getEncoder().encodeToString(
                pbkdf2(password, salt.getBytes(StandardCharsets.UTF_8), iterations, keylen));
    }

    /** The wampcra signature: Base64 of HMAC-SHA256(secret, challenge as UTF-8). */
    public static String craSignature(byte[] secret, String challenge) {
        return Base64.getEncoder().encodeToString(hmacSha256(secret, challenge.getBytes(StandardCharsets.UTF_8)));
    }

    /** Constant-time comparison of two strings' UTF-8 bytes. */
    public static boolean equal(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The Ed25519 public key with this raw 32-byte encoding. */
    static PublicKey ed25519PublicKey(byte[] raw) throws GeneralSecurityException {
        byte[] der = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, der, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, der, ED25519_SPKI_PREFIX.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    }

    /** Whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code publicKey} (raw). */
    static boolean ed25519Verify(byte[] publicKey, byte[] message, byte[] signature) {
        try {
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(ed25519PublicKey(publicKey));
            v.update(message);
            return v.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // a malformed key or signature is simply not valid
        }
    }

    // ---------------------------------------------------------------------------------------- stored tickets

    private static final String TICKET_SCHEME = "pbkdf2-sha256";

    /** A salted hash of a ticket for the configuration: {@code pbkdf2-sha256$iterations$salt$hash} (Base64). */
    public static String hashTicket(String ticket, int iterations) {
        byte[] salt = random(16);
        byte[] hash = pbkdf2(ticket, salt, iterations, 32);
        Base64.Encoder b64 = Base64.getEncoder();
        return TICKET_SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Whether {@code ticket} matches a hash made by {@link #hashTicket}. Malformed hashes never match. */
    public static boolean ticketMatches(String ticket, String stored) {
        if (ticket == null) {
            return false;
        }
        return StoredTicket.parse(stored)
                .map(t -> MessageDigest.isEqual(pbkdf2(ticket, t.salt(), t.iterations(), t.hash().length), t.hash()))
                .orElse(false);
    }

    /** A ticket hash as {@link #hashTicket} writes it, taken apart. */
    private record StoredTicket(int iterations, byte[] salt, byte[] hash) {
        /** The parts of {@code stored}, if it is a well-formed hash: positive iterations, a salt and a hash. */
        static Optional<StoredTicket> parse(String stored) {
            String[] p = stored == null ? new String[0] : stored.split("\\$");
            if (p.length != 4 || !p[0].equals(TICKET_SCHEME)) {
                return Optional.empty();
            }
            StoredTicket t;
            try { // the JDK's parsers say "malformed" only by throwing; the answer here is a value
                t = new StoredTicket(Integer.parseInt(p[1]), Base64.getDecoder().decode(p[2]),
                        Base64.getDecoder().decode(p[3]));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            return t.iterations > 0 && t.salt.length > 0 && t.hash.length > 0 ? Optional.of(t) : Optional.empty();
        }
    }
}
