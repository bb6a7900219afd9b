package io.postmaster.it;

import io.postmaster.testing.RawWebSocket;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Abort;
import io.postmaster.message.WampMessage.Authenticate;
import io.postmaster.message.WampMessage.Challenge;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.testing.WampTestClient;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code wamp-scram} as a client and as an attacker see it, over real sockets against the deployed WAR (realm
 * {@code authrealm} of {@code src/test/resources/postmaster-it.properties}: {@code sam} with a PBKDF2 credential,
 * {@code sally} with an Argon2id one made with the tool's defaults). The client side is written here from the spec,
 * apart from the router's code: the JDK's PBKDF2 and HMAC, Bouncy Castle's Argon2id. Each test dials from its own
 * loopback address ({@code 127.0.13.x}) and {@code sam} logs in at most five times in all (the guard's rate per
 * authid), so the login guard's delays for one test's failures never slow another.
 */
class HostileScramIT extends ContainerBase {
    private static final JsonSerializer JSON = new JsonSerializer();
    private static final SecureRandom RANDOM = new SecureRandom();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    private RawWebSocket open(String from) throws IOException {
        RawWebSocket c = new RawWebSocket(ws(), InetAddress.getByName(from), JsonSerializer.SUBPROTOCOL);
        c.setReadTimeout(10_000);
        return c;
    }

    private static String newNonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private static void hello(RawWebSocket c, String authid, Map<String, Object> authextra) throws Exception {
        Map<String, Object> d = new HashMap<>(WampTestClient.ROLES);
        d.put("authid", authid);
        d.put("authmethods", List.of("wamp-scram"));
        d.put("authextra", authextra);
        c.sendText(JSON.encodeToString(new WampMessage.Hello("authrealm", d)));
    }

    private static Map<String, Object> nonce(String n) {
        Map<String, Object> m = new HashMap<>();
        m.put("nonce", n);
        m.put("channel_binding", null);
        return m;
    }

    // ------------------------------------------------------------------------------- the spec's client side

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] saltedPassword(Map<String, Object> challenge, String password) throws Exception {
        byte[] salt = Base64.getDecoder().decode((String) challenge.get("salt"));
        int iterations = ((Number) challenge.get("iterations")).intValue();
        if ("pbkdf2".equals(challenge.get("kdf"))) {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        }
        assertEquals("argon2id13", challenge.get("kdf"));
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withIterations(iterations).withMemoryAsKB(((Number) challenge.get("memory")).intValue())
                .withParallelism(1).withSalt(salt).build());
        byte[] out = new byte[32];
        g.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    /** AUTHENTICATE for {@code challenge}, and the ServerSignature WELCOME must carry. */
    private record Answer(Authenticate message, String serverSignature) {
    }

    private static Answer answer(String authid, String clientNonce, Map<String, Object> challenge, String password)
            throws Exception {
        String serverNonce = (String) challenge.get("nonce");
        String authMessage = "n=" + authid + ",r=" + clientNonce + ",r=" + serverNonce + ",s=" + challenge.get("salt")
                + ",i=" + challenge.get("iterations") + ",c=biws,r=" + serverNonce;
        byte[] salted = saltedPassword(challenge, password);
        byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
        byte[] signature = hmac(storedKey, authMessage.getBytes(StandardCharsets.UTF_8));
        byte[] proof = new byte[32];
        for (int i = 0; i < 32; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        Map<String, Object> extra = new HashMap<>();
        extra.put("nonce", serverNonce);
        extra.put("channel_binding", null);
        extra.put("cbind_data", null);
        Base64.Encoder b64 = Base64.getEncoder();
        return new Answer(new Authenticate(b64.encodeToString(proof), extra),
                b64.encodeToString(hmac(serverKey, authMessage.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * The next message is ABORT {@code not_authorized}. On Payara (Tyrus) the close that follows an ABORT sent at once
     * can overtake it; there the close's reason, which carries the same URI, is taken instead (a known difference
     * of that server, listed in the project notes), on no other server.
     */
    private static void assertRefused(RawWebSocket c) throws Exception {
        try {
            assertNotAuthorized(read(c));
        } catch (RawWebSocket.Closed closed) {
            if (!"payara".equals(container())) {
                throw closed;
            }
            assertTrue(closed.getMessage().endsWith(ErrorUris.NOT_AUTHORIZED), closed.getMessage());
        }
    }

    private static void assertNotAuthorized(WampMessage m) {
        Abort a = assertInstanceOf(Abort.class, m);
        assertEquals(ErrorUris.NOT_AUTHORIZED, a.reason());
    }

    // ----------------------------------------------------------------------------------------------- tests

    /** The right password, both KDFs: WELCOME as the user, with the ServerSignature the client expects. */
    @Test
    void theRightPasswordJoinsAndTheRouterProvesItKnowsTheKey() throws Exception {
        String[][] users = {{"sam", "sam-password", "user", "pbkdf2"}, {"sally", "sally-password", "admin", "argon2id13"}};
        for (String[] u : users) {
            try (RawWebSocket c = open("127.0.13.1")) {
                String clientNonce = newNonce();
                hello(c, u[0], nonce(clientNonce));
                Challenge ch = assertInstanceOf(Challenge.class, read(c), u[0]);
                assertEquals("wamp-scram", ch.authMethod());
                assertEquals(u[3], ch.extra().get("kdf"));
                assertTrue(((String) ch.extra().get("nonce")).startsWith(clientNonce));
                Answer a = answer(u[0], clientNonce, ch.extra(), u[1]);
                c.sendText(JSON.encodeToString(a.message()));
                Welcome w = assertInstanceOf(Welcome.class, read(c), u[0]);
                assertEquals(u[0], w.details().get("authid"));
                assertEquals(u[2], w.details().get("authrole"));
                assertEquals("wamp-scram", w.details().get("authmethod"));
                Map<?, ?> authextra = (Map<?, ?>) w.details().get("authextra");
                assertEquals(a.serverSignature(), authextra.get("verifier"));
                assertEquals(a.serverSignature(), authextra.get("scram_server_signature"));
            }
        }
    }

    /** A wrong password: ABORT not_authorized, nothing more. */
    @Test
    void aWrongPasswordIsRefused() throws Exception {
        try (RawWebSocket c = open("127.0.13.2")) {
            String clientNonce = newNonce();
            hello(c, "sam", nonce(clientNonce));
            Challenge ch = assertInstanceOf(Challenge.class, read(c));
            c.sendText(JSON.encodeToString(answer("sam", clientNonce, ch.extra(), "sam-passw0rd").message()));
            assertRefused(c);
        }
    }

    /**
     * An eavesdropper who saw a whole successful exchange replays it, client nonce and all: the router's part of the
     * nonce is new, so the old proof proves nothing.
     */
    @Test
    void aReplayedExchangeIsRefused() throws Exception {
        String clientNonce = newNonce();
        Authenticate seen;
        try (RawWebSocket c = open("127.0.13.3")) {
            hello(c, "sam", nonce(clientNonce));
            Challenge ch = assertInstanceOf(Challenge.class, read(c));
            seen = answer("sam", clientNonce, ch.extra(), "sam-password").message();
            c.sendText(JSON.encodeToString(seen));
            assertInstanceOf(Welcome.class, read(c));
        }
        try (RawWebSocket c = open("127.0.13.3")) {
            hello(c, "sam", nonce(clientNonce));
            Challenge ch = assertInstanceOf(Challenge.class, read(c));
            assertNotEquals(seen.extra().get("nonce"), ch.extra().get("nonce"));
            c.sendText(JSON.encodeToString(seen));
            assertRefused(c);
        }
    }

    /**
     * Probing for users: an unknown authid gets a CHALLENGE of the same shape as a user made with the defaults (same
     * members, KDF, iterations, memory, salt and nonce lengths; a salt that stays the same), then the same ABORT.
     */
    @Test
    void unknownUsersCannotBeToldApart() throws Exception {
        Map<String, Map<String, Object>> seen = new HashMap<>();
        for (String authid : List.of("sally", "nobody-scram", "nobody-scram")) {
            try (RawWebSocket c = open("127.0.13.4")) {
                String clientNonce = newNonce();
                hello(c, authid, nonce(clientNonce));
                Challenge ch = assertInstanceOf(Challenge.class, read(c), authid);
                if (seen.containsKey(authid)) {
                    assertEquals(seen.get(authid).get("salt"), ch.extra().get("salt"), "a stable salt");
                }
                seen.put(authid, ch.extra());
                c.sendText(JSON.encodeToString(answer(authid, clientNonce, ch.extra(), "guess").message()));
                assertRefused(c);
            }
        }
        Map<String, Object> real = seen.get("sally");
        Map<String, Object> decoy = seen.get("nobody-scram");
        assertEquals(real.keySet(), decoy.keySet());
        for (String k : List.of("kdf", "iterations", "memory", "channel_binding")) {
            assertEquals(real.get(k), decoy.get(k), k);
        }
        assertEquals(((String) real.get("salt")).length(), ((String) decoy.get("salt")).length());
        assertEquals(((String) real.get("nonce")).length(), ((String) decoy.get("nonce")).length());
    }

    /** Channel binding the router cannot check, a missing or oversized nonce: ABORT at HELLO, no CHALLENGE. */
    @Test
    void whatTheRouterCannotHonourIsRefusedAtHello() throws Exception {
        Map<String, Object> tlsUnique = nonce(newNonce());
        tlsUnique.put("channel_binding", "tls-unique");
        byte[] big = new byte[4096];
        List<Map<String, Object>> hostile = List.of(tlsUnique, Map.of(),
                nonce(Base64.getEncoder().encodeToString(big)), nonce("not base64"));
        int i = 10;
        for (Map<String, Object> authextra : hostile) {
            try (RawWebSocket c = open("127.0.13." + i++)) {
                hello(c, "probe-scram", authextra);
                assertRefused(c);
            }
        }
    }

    /** An answer for another challenge's nonce, or a second answer: refused. */
    @Test
    void oneAnswerPerChallengeForThatChallengeOnly() throws Exception {
        try (RawWebSocket c = open("127.0.13.20")) {
            String clientNonce = newNonce();
            hello(c, "once-scram", nonce(clientNonce));
            Challenge ch = assertInstanceOf(Challenge.class, read(c));
            Authenticate right = answer("once-scram", clientNonce, ch.extra(), "guess").message();
            Map<String, Object> other = new HashMap<>(right.extra());
            other.put("nonce", clientNonce + newNonce());
            c.sendText(JSON.encodeToString(new Authenticate(right.signature(), other)));
            c.sendText(JSON.encodeToString(right)); // too late: the challenge took its one answer
            WampMessage m = read(c);
            Abort a = assertInstanceOf(Abort.class, m);
            assertTrue(List.of(ErrorUris.NOT_AUTHORIZED, ErrorUris.PROTOCOL_VIOLATION).contains(a.reason()), a.reason());
        }
    }
}
