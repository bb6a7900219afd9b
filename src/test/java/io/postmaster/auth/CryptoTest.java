package io.postmaster.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** Known-answer tests: the WAMP spec's cryptosign vectors and Autobahn's wampcra vectors. */
class CryptoTest {
    static final HexFormat HEX = HexFormat.of();

    // --- wampcra (vectors from Autobahn|Python's test suite: derive_key and compute_wcs) ---

    @Test
    void wampcraSaltedKeyDerivation() {
        // derive_key('L3L1YUE8Txlw', 'salt123') with the defaults iterations=1000, keylen=32
        assertEquals("qzcdsr9uu/L5hnss3kjNTRe490ETgA70ZBaB5rvnJ5Y=", Crypto.deriveCraKey("L3L1YUE8Txlw", "salt123", 1000, 32));
        assertNotEquals("qzcdsr9uu/L5hnss3kjNTRe490ETgA70ZBaB5rvnJ5Y=", Crypto.deriveCraKey("L3L1YUE8Txlw", "salt124", 1000, 32));
    }

    @Test
    void wampcraSignature() {
        assertEquals("1njQtmmeYO41N5EWEzD2kAjjEKRZ5kPZt/TzpYXOzR0=",
                Crypto.craSignature("L3L1YUE8Txlw".getBytes(StandardCharsets.UTF_8), "[1, 2, 3]"));
    }

    @Test
    void pbkdf2Sha256Rfc7914Vector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1, dkLen=64)
        assertEquals("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
                HEX.formatHex(Crypto.pbkdf2("passwd", "salt".getBytes(StandardCharsets.UTF_8), 1, 64)));
    }

    @Test
    void ticketHashes() {
        String stored = Crypto.hashTicket("s3cret-ticket", 1000);
        assertTrue(Crypto.ticketMatches("s3cret-ticket", stored));
        assertFalse(Crypto.ticketMatches("s3cret-ticket2", stored));
        assertFalse(Crypto.ticketMatches("s3cret-ticket", "plain"));
        assertNotEquals(stored, Crypto.hashTicket("s3cret-ticket", 1000), "salted: two hashes differ");
    }

    // --- cryptosign: the test vectors of the WAMP spec (authentication_cryptosign.md) ---

    static final String[][] CRYPTOSIGN = {
            // channel_id, private_key, challenge, signature
            {null, "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510",
                    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                    "b32675b221f08593213737bef8240e7c15228b07028e19595294678c90d11c0cae80a357331bfc5cc9fb71081464e6e75013517c2cf067ad566a6b7b728e5d03ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"},
            {null, "d511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd",
                    "b26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d",
                    "d4209ad10d5aff6bfbc009d7e924795de138a63515efc7afc6b01b7fe5201372190374886a70207b042294af5bd64ce725cd8dceb344e6d11c09d1aaaf4d660fb26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d"},
            {null, "6e1fde9cf9e2359a87420b65a87dc0c66136e66945196ba2475990d8a0c3a25b",
                    "b05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2",
                    "7beb282184baadd08f166f16dd683b39cab53816ed81e6955def951cb2ddad1ec184e206746fd82bda075af03711d3d5658fc84a76196b0fa8d1ebc92ef9f30bb05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2"},
            {"62e935ae755f3d48f80d4d59f6121358c435722a67e859cc0caa8b539027f2ff",
                    "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510",
                    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                    "9b6f41540c9b95b4b7b281c3042fa9c54cef43c842d62ea3fd6030fcb66e70b3e80d49d44c29d1635da9348d02ec93f3ed1ef227dfb59a07b580095c2b82f80f9d16ca518aa0c2b707f2b2a609edeca73bca8dd59817a633f35574ac6fd80d00"},
            {"62e935ae755f3d48f80d4d59f6121358c435722a67e859cc0caa8b539027f2ff",
                    "d511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd",
                    "b26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d",
                    "305aaa3ac25e98f651427688b3fc43fe7d8a68a7ec1d7d61c61517c519bd4a427c3015599d83ca28b4c652333920223844ef0725eb5dc2febfd6af7677b73f01d0852a29b460fc92ec943242ac638a053bbacc200512b18b30d15083cbdc9282"},
            {"62e935ae755f3d48f80d4d59f6121358c435722a67e859cc0caa8b539027f2ff",
                    "6e1fde9cf9e2359a87420b65a87dc0c66136e66945196ba2475990d8a0c3a25b",
                    "b05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2",
                    "ee3c7644fd8070532bc1fde3d70d742267da545d8c8f03e63bda63f1ad4214f4d2c4bfdb4eb9526def42deeb7e31602a6ff99eba893e0a4ad4d45892ca75e608d2b75e24a189a7f78ca776ba36fc53f6c3e31c32f251f2c524f0a44202f2902d"},
    };

    /** signature ‖ message over challenge (XOR channel_id), as a client computes it. */
    static String sign(String privateSeedHex, String challengeHex, String channelIdHex) throws Exception {
        byte[] message = HEX.parseHex(challengeHex);
        if (channelIdHex != null) {
            byte[] cb = HEX.parseHex(channelIdHex);
            for (int i = 0; i < message.length; i++) {
                message[i] ^= cb[i];
            }
        }
        PrivateKey key = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, HEX.parseHex(privateSeedHex)));
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(message);
        return HEX.formatHex(s.sign()) + HEX.formatHex(message);
    }

    /** The key pair of an Ed25519 seed (the JDK derives the public key only in key generation). */
    static KeyPair keyPair(byte[] seed) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, bytes.length);
            }
        });
        return g.generateKeyPair();
    }

    /** The raw 32-byte public key (the last 32 bytes of its X.509 encoding). */
    static byte[] rawPublicKey(KeyPair kp) {
        byte[] x509 = kp.getPublic().getEncoded();
        return Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    }

    @Test
    void cryptosignSignaturesMatchTheSpecVectors() throws Exception {
        for (String[] v : CRYPTOSIGN) {
            assertEquals(v[3], sign(v[1], v[2], v[0]), "vector with private key " + v[1].substring(0, 8));
        }
    }

    @Test
    void cryptosignVerificationAcceptsTheSpecVectorsAndRejectsTampering() throws Exception {
        for (String[] v : CRYPTOSIGN) {
            byte[] pub = rawPublicKey(keyPair(HEX.parseHex(v[1])));
            byte[] all = HEX.parseHex(v[3]);
            byte[] sig = Arrays.copyOfRange(all, 0, 64);
            byte[] msg = Arrays.copyOfRange(all, 64, 96);
            assertTrue(Crypto.ed25519Verify(pub, msg, sig), "vector " + v[1].substring(0, 8));
            msg[0] ^= 1;
            assertFalse(Crypto.ed25519Verify(pub, msg, sig), "tampered message");
            msg[0] ^= 1;
            sig[5] ^= 1;
            assertFalse(Crypto.ed25519Verify(pub, msg, sig), "tampered signature");
        }
        assertFalse(Crypto.ed25519Verify(new byte[3], new byte[32], new byte[64]), "malformed key");
    }

    @Test
    void hexIsParsedToAValueNeverToAnException() {
        assertArrayEquals(new byte[] {0x0a, (byte) 0xbc}, Crypto.unhex("0aBC", 2).orElseThrow());
        assertTrue(Crypto.unhex("0abc", 3).isEmpty(), "wrong length");
        assertTrue(Crypto.unhex("0abg", 2).isEmpty(), "not hex");
        assertTrue(Crypto.unhex("0a\uff10\uff10", 2).isEmpty(), "digits of another script are not hex");
        assertTrue(Crypto.unhex(null, 2).isEmpty());
    }

    @Test
    void malformedStoredTicketsNeverMatch() {
        String good = Crypto.hashTicket("t", 1000);
        String[] parts = good.split("\\$");
        for (String stored : new String[] {
                null, "", "plain", good + "$x", "pbkdf2-sha1$1000$" + parts[2] + "$" + parts[3],
                "pbkdf2-sha256$many$" + parts[2] + "$" + parts[3],
                "pbkdf2-sha256$0$" + parts[2] + "$" + parts[3],
                "pbkdf2-sha256$-5$" + parts[2] + "$" + parts[3],
                "pbkdf2-sha256$1000$$" + parts[3],
                "pbkdf2-sha256$1000$" + parts[2] + "$",
                "pbkdf2-sha256$1000$not*base64$" + parts[3]}) {
            assertFalse(Crypto.ticketMatches("t", stored), String.valueOf(stored));
        }
        assertTrue(Crypto.ticketMatches("t", good));
        assertFalse(Crypto.ticketMatches(null, good));
    }
}
