package io.postmaster.auth;

import io.postmaster.config.ScramLimits;
import io.postmaster.spi.CredentialStore.ScramCredential;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Known-answer tests of the WAMP-SCRAM algorithms. The spec's own exchange (its AUTHENTICATE signature
 * {@code dHzbZapW…} and WELCOME verifier {@code 6rriTRBi…}) is RFC 7677's SCRAM-SHA-256 test vector, which the spec
 * names as the way to check an implementation ("Deviations from RFC5802", 1): user {@code user}, password
 * {@code pencil}. The spec gives no Argon2id vector; those below were computed for the same exchange with the
 * reference Argon2 implementation (libargon2 through argon2-cffi 21.1, {@code hash_secret_raw}, type ID, version 19,
 * parallelism 1, 32-byte output) and Python's hmac/hashlib, independently of this code.
 */
class ScramTest {
    static final HexFormat HEX = HexFormat.of();
    static final String SALT = "W22ZaJ0SNY7soEsUEjb6gQ==";
    static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    static final String SERVER_NONCE = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

    private static byte[] authMessage(int iterations) {
        return Scram.authMessage("user", CLIENT_NONCE, SERVER_NONCE, SALT, iterations, null, null, SERVER_NONCE);
    }

    /** Runs the client's and the server's side of one exchange and checks every value against the vector. */
    private static void exchange(String kdf, int iterations, int memory, String saltedHex, String storedKey,
                                 String serverKey, String proof, String serverSignature) {
        byte[] salted = Scram.saltedPassword(kdf, "pencil", Base64.getDecoder().decode(SALT), iterations, memory);
        assertEquals(saltedHex, HEX.formatHex(salted), "SaltedPassword");
        byte[] clientKey = Scram.clientKey(salted);
        byte[] stored = Scram.storedKey(clientKey);
        byte[] server = Scram.serverKey(salted);
        Base64.Encoder b64 = Base64.getEncoder();
        assertEquals(storedKey, b64.encodeToString(stored), "StoredKey");
        assertEquals(serverKey, b64.encodeToString(server), "ServerKey");
        byte[] am = authMessage(iterations);
        assertEquals(proof, b64.encodeToString(Scram.clientProof(clientKey, am)), "ClientProof");
        assertTrue(Scram.proofMatches(stored, am, Base64.getDecoder().decode(proof)), "the server accepts the proof");
        assertEquals(serverSignature, b64.encodeToString(Scram.serverSignature(server, am)), "ServerSignature");
    }

    @Test
    void authMessageIsRfc5802Syntax() {
        assertEquals("n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
                new String(authMessage(4096), StandardCharsets.UTF_8));
        // a channel binding's flag and data go into c= (CBindInput), Base64
        assertTrue(new String(Scram.authMessage("u", "a", "ab", "s", 1, "tls-unique", new byte[] {1, 2}, "ab"),
                StandardCharsets.UTF_8).endsWith(",c=" + Base64.getEncoder().encodeToString(
                new byte[] {'p', '=', 't', 'l', 's', '-', 'u', 'n', 'i', 'q', 'u', 'e', ',', ',', 1, 2}) + ",r=ab"));
        assertTrue(new String(Scram.authMessage("a,b=c", "n", "nm", "s", 1, null, null, "nm"), StandardCharsets.UTF_8)
                .startsWith("n=a=2Cb=3Dc,r=n,"), "the authid is escaped");
    }

    @Test
    void pbkdf2IsTheSpecsExchangeRfc7677() {
        exchange(ScramLimits.PBKDF2, 4096, 0,
                "c4a49510323ab4f952cac1fa99441939e78ea74d6be81ddf7096e87513dc615d",
                "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=", "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
                "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    @Test
    void argon2idWithTheDefaultParameters() {
        exchange(ScramLimits.ARGON2ID13, 3, 19456,
                "7c485dbcc4e31f18c0877d3113a23ca2504d6ae1abd9c57d951ae347bee20c51",
                "FFS+MK0i/ZJhoC7WHhyRFLHAW8CGfwtRpet4zdGQRJg=", "GsPc4CoJVPA5RJIJ+cxPijX2Jh9N2J6UMEX8sKngRCI=",
                "moa7A7+3ULwu+0v9M0vmFZlgW0ZBIQi/QbuyEIgjw6Y=", "aOuC//Iu+wmGhVdqcFFO3gWpNKI8ONxq4Dmff3+Zx3U=");
    }

    @Test
    void argon2idWithTheLeastParameters() {
        exchange(ScramLimits.ARGON2ID13, 1, 8,
                "27acc3739d3cf9a38d27138fbafbcc0dc65e9530d37806fc9184f8742601db60",
                "Qp+E2NUU2XKnytU9lktntIy2qrF1JX90S6enoJWTwf4=", "IipYN2mbnxLyGDndSaitsZHFukQEiD4LwE4pU2g3oaA=",
                "DhkLqGNKgHnQD9ZYFFHTglNsdG6H3YimZw2qMbUJcoE=", "SUOKZYJa6tITGwEL2VodmCI12ge88RbYJSv2BSffbrQ=");
    }

    @Test
    void aWrongProofNeverMatches() {
        byte[] stored = Base64.getDecoder().decode("WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=");
        byte[] proof = Base64.getDecoder().decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        assertTrue(Scram.proofMatches(stored, authMessage(4096), proof));
        proof[31] ^= 1;
        assertFalse(Scram.proofMatches(stored, authMessage(4096), proof));
        assertFalse(Scram.proofMatches(stored, authMessage(4096), new byte[31]));
        assertFalse(Scram.proofMatches(stored, authMessage(4096), new byte[0]));
        proof[31] ^= 1;
        assertFalse(Scram.proofMatches(stored, authMessage(4097), proof), "the proof is bound to the AuthMessage");
    }

    @Test
    void storedCredentialsRoundTrip() {
        String stored = Scram.makeStored(ScramLimits.PBKDF2, "pencil", 4096, 0);
        assertFalse(stored.contains("pencil"));
        ScramCredential c = Scram.parseStored("user", stored).orElseThrow();
        assertEquals(ScramLimits.PBKDF2, c.kdf());
        assertEquals(4096, c.iterations());
        assertEquals(Scram.SALT_BYTES, c.salt().length);
        assertNull(Scram.unusable(c, ScramLimits.defaults()));
        byte[] clientKey = Scram.clientKey(Scram.saltedPassword(c.kdf(), "pencil", c.salt(), 4096, 0));
        byte[] am = Scram.authMessage("user", "bm9uY2Vub25jZQ==", "bm9uY2Vub25jZQ==c2VydmVy", "x", 4096, null, null,
                "bm9uY2Vub25jZQ==c2VydmVy");
        assertTrue(Scram.proofMatches(c.storedKey(), am, Scram.clientProof(clientKey, am)));
        assertNotEquals(stored, Scram.makeStored(ScramLimits.PBKDF2, "pencil", 4096, 0), "a random salt each time");

        assertTrue(Scram.parseStored("user", "pbkdf2$4096$0$" + "AAAA$AAAA$AAAA").isEmpty(), "short salt and keys");
        assertTrue(Scram.parseStored("user", "scrypt" + stored.substring(6)).isEmpty(), "unknown KDF");
        assertTrue(Scram.parseStored("user", stored + "$").isEmpty());
        assertTrue(Scram.parseStored("user", "pbkdf2$x$0$a$b$c").isEmpty());
        assertTrue(Scram.parseStored("user", null).isEmpty());
    }

    @Test
    void credentialsBeyondTheCapsAreUnusable() {
        ScramLimits limits = ScramLimits.defaults();
        ScramCredential huge = new ScramCredential("user", ScramLimits.ARGON2ID13, new byte[16], 3, 4 * 1024 * 1024,
                new byte[32], new byte[32]);
        assertNotNull(Scram.unusable(huge, limits));
        assertNotNull(Scram.unusable(new ScramCredential("user", ScramLimits.ARGON2ID13, new byte[16], 100, 19456,
                new byte[32], new byte[32]), limits));
        assertNotNull(Scram.unusable(new ScramCredential("user", ScramLimits.PBKDF2, new byte[16], 2_000_000_000, 0,
                new byte[32], new byte[32]), limits));
        assertNotNull(Scram.unusable(new ScramCredential("user", ScramLimits.PBKDF2, new byte[4], 4096, 0,
                new byte[32], new byte[32]), limits), "salt too short");
        assertNotNull(Scram.unusable(new ScramCredential("user", "md5", new byte[16], 4096, 0,
                new byte[32], new byte[32]), limits));
        assertNull(Scram.unusable(new ScramCredential("user", ScramLimits.ARGON2ID13, new byte[16], 3, 19456,
                new byte[32], new byte[32]), limits));
    }

    @Test
    void base64MustBeCanonical() {
        assertArrayEquals(new byte[] {'A'}, Scram.unbase64("QQ==", 1, 1).orElseThrow());
        assertTrue(Scram.unbase64("QQ", 1, 1).isEmpty(), "no padding");
        assertTrue(Scram.unbase64("QR==", 1, 1).isEmpty(), "stray bits");
        assertTrue(Scram.unbase64("QQ==\n", 1, 1).isEmpty(), "whitespace");
        assertTrue(Scram.unbase64("QUJD", 1, 2).isEmpty(), "too long");
        assertTrue(Scram.unbase64("QUJD", 4, 8).isEmpty(), "too short");
        assertTrue(Scram.unbase64("A".repeat(1_000_000), 1, 64).isEmpty(), "bulk refused before decoding");
        assertTrue(Scram.unbase64("", 0, 1).isEmpty());
    }

    @Test
    void saslPrepAsRfc4013Shows() {
        // RFC 4013 section 3, examples 1 to 5
        assertEquals("IX", Scram.saslPrep("I\u00ADX"));
        assertEquals("user", Scram.saslPrep("user"));
        assertEquals("USER", Scram.saslPrep("USER"));
        assertEquals("a", Scram.saslPrep("\u00AA"));
        assertEquals("IX", Scram.saslPrep("\u2168"));
        assertThrows(IllegalArgumentException.class, () -> Scram.saslPrep("\u0007"));
        assertThrows(IllegalArgumentException.class, () -> Scram.saslPrep("\u0627\u0031"));
        assertEquals("a b", Scram.saslPrep("a\u00A0b"), "a non-ASCII space is a space");
        assertEquals("pencil", Scram.saslPrep("pencil"));
    }
}
