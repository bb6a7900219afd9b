package io.postmaster.auth;

import io.postmaster.spi.PasswordHashes;

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

    /** PBKDF2 with HMAC-SHA256 (see {@link PasswordHashes#pbkdf2}). */
    public static byte[] pbkdf2(String password, byte[] salt, int iterations, int keylenBytes) {
        return PasswordHashes.pbkdf2(password, salt, iterations, keylenBytes);
    }

    /** The wampcra key derived from a password (see {@link PasswordHashes#wampcraKey}). */
    public static String deriveCraKey(String password, String salt, int iterations, int keylen) {
        return PasswordHashes.wampcraKey(password, salt, iterations, keylen);
    }

    /** The wampcra signature (see {@link PasswordHashes#wampcraSignature}). */
    public static String craSignature(byte[] secret, String challenge) {
        return PasswordHashes.wampcraSignature(secret, challenge);
    }

    /** Constant-time comparison of two strings' UTF-8 bytes. */
    public static boolean equal(String a, String b) {
        return PasswordHashes.equal(a, b);
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

    /** A salted hash of a ticket for the configuration (see {@link PasswordHashes#hash(String, int)}). */
    public static String hashTicket(String ticket, int iterations) {
        return PasswordHashes.hash(ticket, iterations);
    }

    /** Whether {@code ticket} matches a hash made by {@link #hashTicket} (see {@link PasswordHashes#matches}). */
    public static boolean ticketMatches(String ticket, String stored) {
        return PasswordHashes.matches(ticket, stored);
    }
}
