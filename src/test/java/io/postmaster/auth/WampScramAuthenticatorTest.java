package io.postmaster.auth;

import io.postmaster.config.AuthConfig;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.config.ScramLimits;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.CredentialStore;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;
import io.postmaster.spi.TransportDetails;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The {@code wamp-scram} method end to end, as a client drives it: a stored credential made by the {@link Passwords}
 * tool, read from the configuration, and a client computing its proof from the password (the spec's client side).
 * PBKDF2 with few iterations keeps the tests fast; the KDFs themselves are pinned by {@link ScramTest}.
 */
class WampScramAuthenticatorTest {
    static final ScramLimits LIMITS = ScramLimits.from(Map.of(
            "postmaster.scram.decoy-kdf", "pbkdf2", "postmaster.scram.decoy-iterations", "4096")::get);
    static final String PASSWORD = "correct horse";
    static final String CLIENT_NONCE = Base64.getEncoder().encodeToString("sixteen byte non".getBytes());

    final String stored = Passwords.scram(PASSWORD, null, null, null, LIMITS);
    final Map<String, String> props = new HashMap<>(Map.of(
            "postmaster.realms", "r",
            "postmaster.realm.r.anonymous", "false",
            "postmaster.realm.r.roles", "user",
            "postmaster.realm.r.role.user.permissions", "com. prefix call",
            "postmaster.realm.r.users", "sam",
            "postmaster.realm.r.user.sam.role", "user",
            "postmaster.realm.r.user.sam.scram", stored));

    private AuthConfig config() {
        Function<String, String> lookup = props::get;
        return AuthConfig.from(lookup, PostmasterConfig.from(lookup));
    }

    private WampScramAuthenticator authenticator(CredentialStore store) {
        return (WampScramAuthenticator) BuiltIns.authenticators(config(), store,
                        PostmasterConfig.defaults().login(), LIMITS).stream()
                .filter(a -> a.authmethod().equals("wamp-scram")).findFirst().orElseThrow();
    }

    private WampScramAuthenticator authenticator() {
        AuthConfig c = config();
        return authenticator(new ConfiguredCredentials(c));
    }

    static HelloDetails hello(String authid, Map<String, Object> authextra) {
        return new HelloDetails("r", authid, null, authextra, Map.of(), 1, new TransportDetails("10.0.0.1:1", "wamp.2.json", false));
    }

    static Map<String, Object> nonce(String nonce) {
        Map<String, Object> m = new HashMap<>();
        m.put("nonce", nonce);
        return m;
    }

    /** The client's side: ClientProof and the ServerSignature it expects, from the password and the challenge. */
    record ClientFinal(String proof, String expectedServerSignature, Map<String, Object> extra) {
        static ClientFinal of(String authid, String password, String clientNonce, Map<String, Object> challenge) {
            String serverNonce = (String) challenge.get("nonce");
            String salt = (String) challenge.get("salt");
            long iterations = ((Number) challenge.get("iterations")).longValue();
            Object memory = challenge.get("memory");
            byte[] salted = Scram.saltedPassword((String) challenge.get("kdf"), password, Base64.getDecoder().decode(salt),
                    (int) iterations, memory == null ? 0 : ((Number) memory).intValue());
            byte[] am = Scram.authMessage(authid, clientNonce, serverNonce, salt, iterations, null, null, serverNonce);
            Map<String, Object> extra = new HashMap<>();
            extra.put("nonce", serverNonce);
            extra.put("channel_binding", null);
            extra.put("cbind_data", null);
            Base64.Encoder b64 = Base64.getEncoder();
            return new ClientFinal(b64.encodeToString(Scram.clientProof(Scram.clientKey(salted), am)),
                    b64.encodeToString(Scram.serverSignature(Scram.serverKey(salted), am)), extra);
        }
    }

    @Test
    void theRightPasswordIsAdmittedAndTheServerProvesItself() throws Exception {
        WampScramAuthenticator a = authenticator();
        HelloDetails h = hello("sam", nonce(CLIENT_NONCE));
        AuthResult.Challenge c = assertInstanceOf(AuthResult.Challenge.class, a.hello(h));
        Map<String, Object> x = c.extra();
        assertTrue(((String) x.get("nonce")).startsWith(CLIENT_NONCE), "the server nonce follows the client's");
        assertEquals(CLIENT_NONCE.length() + 24, ((String) x.get("nonce")).length());
        assertEquals("pbkdf2", x.get("kdf"));
        assertTrue(x.containsKey("memory") && x.get("memory") == null, "memory is null for PBKDF2");
        assertTrue(x.containsKey("channel_binding") && x.get("channel_binding") == null);

        ClientFinal f = ClientFinal.of("sam", PASSWORD, CLIENT_NONCE, x);
        AuthResult.Accept ok = assertInstanceOf(AuthResult.Accept.class, a.authenticate(h, c, f.proof(), f.extra()));
        Identity id = ok.identity();
        assertEquals("sam", id.authid());
        assertEquals("user", id.authrole());
        assertEquals(f.expectedServerSignature(), id.authextra().get("verifier"));
        assertEquals(f.expectedServerSignature(), id.authextra().get("scram_server_signature"));
    }

    @Test
    void argon2CredentialsFromTheToolWorkToo() throws Exception {
        props.put("postmaster.realm.r.user.sam.scram", Passwords.scram(PASSWORD, "argon2id13", "1", "64", LIMITS));
        WampScramAuthenticator a = authenticator();
        HelloDetails h = hello("sam", nonce(CLIENT_NONCE));
        AuthResult.Challenge c = (AuthResult.Challenge) a.hello(h);
        assertEquals("argon2id13", c.extra().get("kdf"));
        assertEquals(64L, c.extra().get("memory"));
        assertEquals(1L, c.extra().get("iterations"));
        ClientFinal f = ClientFinal.of("sam", PASSWORD, CLIENT_NONCE, c.extra());
        assertInstanceOf(AuthResult.Accept.class, a.authenticate(h, c, f.proof(), f.extra()));
    }

    @Test
    void aWrongPasswordIsDenied() throws Exception {
        WampScramAuthenticator a = authenticator();
        HelloDetails h = hello("sam", nonce(CLIENT_NONCE));
        AuthResult.Challenge c = (AuthResult.Challenge) a.hello(h);
        ClientFinal f = ClientFinal.of("sam", "wrong horse", CLIENT_NONCE, c.extra());
        assertInstanceOf(AuthResult.Deny.class, a.authenticate(h, c, f.proof(), f.extra()));
    }

    @Test
    void aReplayedProofIsDenied() throws Exception {
        WampScramAuthenticator a = authenticator();
        HelloDetails h = hello("sam", nonce(CLIENT_NONCE));
        AuthResult.Challenge first = (AuthResult.Challenge) a.hello(h);
        ClientFinal seen = ClientFinal.of("sam", PASSWORD, CLIENT_NONCE, first.extra());
        assertInstanceOf(AuthResult.Accept.class, a.authenticate(h, first, seen.proof(), seen.extra()));

        // An eavesdropper replays the whole exchange with the same client nonce: the router's nonce is new.
        AuthResult.Challenge second = (AuthResult.Challenge) a.hello(h);
        assertNotEquals(first.extra().get("nonce"), second.extra().get("nonce"));
        assertInstanceOf(AuthResult.Deny.class, a.authenticate(h, second, seen.proof(), seen.extra()));
        Map<String, Object> renonced = new HashMap<>(seen.extra());
        renonced.put("nonce", second.extra().get("nonce"));
        assertInstanceOf(AuthResult.Deny.class, a.authenticate(h, second, seen.proof(), renonced));
    }

    @Test
    void anUnknownAuthidGetsAChallengeOfTheSameShape() throws Exception {
        WampScramAuthenticator a = authenticator();
        Map<String, Object> real = ((AuthResult.Challenge) a.hello(hello("sam", nonce(CLIENT_NONCE)))).extra();
        Map<String, Object> decoy = ((AuthResult.Challenge) a.hello(hello("nobody", nonce(CLIENT_NONCE)))).extra();
        assertEquals(List.copyOf(real.keySet()), List.copyOf(decoy.keySet()), "the same members in the same order");
        for (String k : List.of("kdf", "iterations", "memory", "channel_binding")) {
            assertEquals(real.get(k), decoy.get(k), k);
        }
        assertEquals(((String) real.get("salt")).length(), ((String) decoy.get("salt")).length());
        assertEquals(((String) real.get("nonce")).length(), ((String) decoy.get("nonce")).length());
        // the decoy's salt is stable per authid, as a real salt is, and differs between authids
        Map<String, Object> again = ((AuthResult.Challenge) a.hello(hello("nobody", nonce(CLIENT_NONCE)))).extra();
        assertEquals(decoy.get("salt"), again.get("salt"));
        Map<String, Object> other = ((AuthResult.Challenge) a.hello(hello("nobody2", nonce(CLIENT_NONCE)))).extra();
        assertNotEquals(decoy.get("salt"), other.get("salt"));

        // and it admits nobody, whatever the answer
        HelloDetails h = hello("nobody", nonce(CLIENT_NONCE));
        AuthResult.Challenge c = (AuthResult.Challenge) a.hello(h);
        ClientFinal f = ClientFinal.of("nobody", PASSWORD, CLIENT_NONCE, c.extra());
        assertInstanceOf(AuthResult.Deny.class, a.authenticate(h, c, f.proof(), f.extra()));
    }

    @Test
    void aStoredCredentialBeyondTheCapsIsAnsweredAsUnknownWithoutDerivingAnything() throws Exception {
        CredentialStore greedy = new CredentialStore() {
            public CraSecret craSecret(String realm, String authid) { return null; }
            public Identity checkTicket(String realm, String authid, String ticket) { return null; }
            public Identity publicKeyOwner(String realm, String authid, String pubkey) { return null; }
            @Override
            public ScramCredential scramCredential(String realm, String authid) {
                // 2 TiB of Argon2 memory: announced to nobody, derived by nobody
                return new ScramCredential("user", "argon2id13", new byte[16], 3, Integer.MAX_VALUE, new byte[32],
                        new byte[32]);
            }
        };
        WampScramAuthenticator a = authenticator(greedy);
        Map<String, Object> x = ((AuthResult.Challenge) a.hello(hello("sam", nonce(CLIENT_NONCE)))).extra();
        assertEquals(LIMITS.decoyKdf(), x.get("kdf"));
        assertEquals((long) LIMITS.decoyIterations(), x.get("iterations"));
    }

    @Test
    void badHellosAreDenied() throws Exception {
        WampScramAuthenticator a = authenticator();
        assertInstanceOf(AuthResult.Deny.class, a.hello(hello(null, nonce(CLIENT_NONCE))), "no authid");
        assertInstanceOf(AuthResult.Deny.class, a.hello(hello("sam", Map.of())), "no nonce");
        assertInstanceOf(AuthResult.Deny.class, a.hello(hello("sam", nonce("short=="))), "not Base64");
        assertInstanceOf(AuthResult.Deny.class, a.hello(hello("sam", nonce("QUJD"))), "3 bytes: too short");
        assertInstanceOf(AuthResult.Deny.class, a.hello(hello("sam", nonce(
                Base64.getEncoder().encodeToString(new byte[65])))), "65 bytes: too long");
        assertInstanceOf(AuthResult.Deny.class, a.hello(hello("sam", Map.of("nonce", 42))), "not a string");
        for (String binding : List.of("tls-unique", "tls-server-end-point", "bogus")) {
            Map<String, Object> x = nonce(CLIENT_NONCE);
            x.put("channel_binding", binding);
            assertInstanceOf(AuthResult.Deny.class, a.hello(hello("sam", x)), binding);
        }
        Map<String, Object> none = nonce(CLIENT_NONCE);
        none.put("channel_binding", null);
        assertInstanceOf(AuthResult.Challenge.class, a.hello(hello("sam", none)), "null is no binding");
    }

    @Test
    void badAnswersAreDenied() throws Exception {
        WampScramAuthenticator a = authenticator();
        HelloDetails h = hello("sam", nonce(CLIENT_NONCE));
        AuthResult.Challenge c = (AuthResult.Challenge) a.hello(h);
        ClientFinal f = ClientFinal.of("sam", PASSWORD, CLIENT_NONCE, c.extra());
        assertInstanceOf(AuthResult.Deny.class, a.authenticate(h, c, "not base64!", f.extra()));
        assertInstanceOf(AuthResult.Deny.class, a.authenticate(h, c,
                Base64.getEncoder().encodeToString(new byte[33]), f.extra()), "not 32 bytes");
        assertInstanceOf(AuthResult.Deny.class, a.authenticate(h, c, f.proof(), Map.of()), "no nonce");
        Map<String, Object> x = new HashMap<>(f.extra());
        x.put("nonce", CLIENT_NONCE + "AAAAAAAAAAAAAAAAAAAAAA==");
        assertInstanceOf(AuthResult.Deny.class, a.authenticate(h, c, f.proof(), x), "another nonce");
        x = new HashMap<>(f.extra());
        x.put("channel_binding", "tls-unique");
        assertInstanceOf(AuthResult.Deny.class, a.authenticate(h, c, f.proof(), x), "binding changed");
        x = new HashMap<>(f.extra());
        x.put("cbind_data", "AAAA");
        assertInstanceOf(AuthResult.Deny.class, a.authenticate(h, c, f.proof(), x), "binding data without binding");
        assertInstanceOf(AuthResult.Deny.class, a.authenticate(h, new AuthResult.Challenge(Map.of(), null),
                f.proof(), f.extra()), "no pending challenge");
        // and the right answer still works: none of the above consumed anything here (the router allows one answer)
        assertInstanceOf(AuthResult.Accept.class, a.authenticate(h, c, f.proof(), f.extra()));
    }

    @Test
    void aConfiguredCredentialBeyondTheCapsStopsTheStartWithItsKey() {
        props.put("postmaster.realm.r.user.sam.scram", stored.replaceFirst("\\$4096\\$", "\\$9999999\\$"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, this::authenticator);
        assertTrue(e.getMessage().startsWith("postmaster.realm.r.user.sam.scram: PBKDF2 iterations 9999999"),
                e.getMessage());
        props.put("postmaster.realm.r.user.sam.scram", "pbkdf2$4096$0$garbage");
        assertThrows(IllegalArgumentException.class, this::authenticator);
    }

    @Test
    void theToolRefusesParametersBeyondTheCaps() {
        assertThrows(IllegalArgumentException.class,
                () -> Passwords.scram(PASSWORD, "argon2id13", "3", "999999999", ScramLimits.defaults()));
        assertThrows(IllegalArgumentException.class, () -> Passwords.scram(PASSWORD, "md5", null, null, LIMITS));
        String defaults = Passwords.scram(PASSWORD, null, null, null, LIMITS);
        assertTrue(defaults.startsWith("pbkdf2$4096$0$"), "the decoy's defaults: " + defaults);
    }

    @Test
    void theDefaultsAreArgon2id() {
        ScramLimits d = ScramLimits.defaults();
        assertEquals("argon2id13", d.decoyKdf());
        assertEquals(3, d.decoyIterations());
        assertEquals(19456, d.decoyMemory());
        assertEquals(65536, d.argon2MaxMemory());
        assertThrows(IllegalArgumentException.class, () -> ScramLimits.from(Map.of(
                "postmaster.scram.decoy-memory", "100000")::get), "a decoy beyond the caps");
        assertThrows(IllegalArgumentException.class, () -> ScramLimits.from(Map.of(
                "postmaster.scram.decoy-kdf", "scrypt")::get));
        assertTrue(config().realms().get("r").authmethods().contains("wamp-scram"), "on by default in closed realms");
    }
}
