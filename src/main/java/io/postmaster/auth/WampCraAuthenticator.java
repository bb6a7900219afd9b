package io.postmaster.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.CredentialStore;
import io.postmaster.spi.CredentialStore.CraSecret;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code wampcra}: the router sends a JSON challenge (authid, authrole, authmethod, authprovider, a 128-bit nonce,
 * timestamp, session ID); the client answers with Base64(HMAC-SHA256(secret, challenge)). With a salted secret the
 * CHALLENGE also carries {@code salt}, {@code iterations} and {@code keylen}, and the secret is the Base64 PBKDF2 key
 * derived from the password (the spec's "Password Salting").
 *
 * <p>An unknown authid gets a challenge too, and then a denial: nothing in the answer tells whether the authid
 * exists. The decoy is salted, with a salt of the shape {@link Passwords} makes (12 bytes, URL-safe Base64: 16
 * characters) derived from the realm, the authid and a server secret, so that it is the same every time; it announces
 * the configured decoy iterations and key length ({@code postmaster.login.decoy-*}); and its AUTHENTICATE is checked
 * with the same work as a real one. The challenge's {@code authrole} is the role the client asked for in HELLO, or
 * {@code user} — for known and unknown authids alike (the role granted is in WELCOME).
 */
final class WampCraAuthenticator implements Authenticator {
    private static final JsonFactory JSON = new JsonFactory();
    static final String DEFAULT_CHALLENGE_ROLE = "user";
    private final CredentialStore store;
    private final int decoyIterations;
    private final int decoyKeylen;
    private final byte[] decoySecret;

    /**
     * @param decoySecret the key decoy salts are derived with: keep it the same across restarts (a decoy salt that
     *                    changes when real ones do not gives the decoy away), and secret
     */
    WampCraAuthenticator(CredentialStore store, int decoyIterations, int decoyKeylen, byte[] decoySecret) {
        this.store = store;
        this.decoyIterations = decoyIterations;
        this.decoyKeylen = decoyKeylen;
        this.decoySecret = decoySecret.clone();
    }

    @Override
    public String authmethod() {
        return "wampcra";
    }

    @Override
    public AuthResult hello(HelloDetails hello) throws Exception {
        String authid = hello.authid();
        if (authid == null || authid.isEmpty()) {
            return AuthResult.deny("wampcra without an authid");
        }
        CraSecret secret = store.craSecret(hello.realm(), authid);
        String shownRole = hello.authrole() != null && !hello.authrole().isEmpty() ? hello.authrole()
                : DEFAULT_CHALLENGE_ROLE;
        String challenge = challengeJson(authid, shownRole, hello.sessionId());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("challenge", challenge);
        if (secret == null) {
            // Decoy: salted like the users Passwords makes, with a stable salt per realm and authid.
            byte[] derived = Crypto.hmacSha256(decoySecret,
                    (hello.realm() + '\u0000' + authid).getBytes(StandardCharsets.UTF_8));
            extra.put("salt", Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(derived, 12)));
            extra.put("iterations", (long) decoyIterations);
            extra.put("keylen", (long) decoyKeylen);
            // The expected answer is computed as for a real user, under a key nobody knows.
            String expected = Crypto.craSignature(Crypto.random(32), challenge);
            return new AuthResult.Challenge(extra, new Pending(null, expected));
        }
        if (secret.salt() != null) {
            extra.put("salt", secret.salt());
            extra.put("iterations", (long) secret.iterations());
            extra.put("keylen", (long) secret.keylen());
        }
        String expected = Crypto.craSignature(secret.secret(), challenge);
        return new AuthResult.Challenge(extra,
                new Pending(new Identity(authid, secret.authrole(), "static", Map.of()), expected));
    }

    @Override
    public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                   Map<String, Object> extra) {
        if (!(challenge.state() instanceof Pending p)) {
            return AuthResult.deny("wampcra: no challenge pending");
        }
        boolean match = Crypto.equal(p.expectedSignature(), signature); // the same work for a decoy
        if (p.identity() == null) {
            return AuthResult.deny("wampcra: unknown authid");
        }
        return match ? AuthResult.accept(p.identity()) : AuthResult.deny("wampcra: wrong signature");
    }

    /** @param identity who the answer admits; null for a decoy, which admits nobody */
    private record Pending(Identity identity, String expectedSignature) {
    }

    private static String challengeJson(String authid, String authrole, long session) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("authid", authid);
            g.writeStringField("authrole", authrole);
            g.writeStringField("authmethod", "wampcra");
            g.writeStringField("authprovider", "static");
            g.writeStringField("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(Crypto.random(16)));
            g.writeStringField("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
            g.writeNumberField("session", session);
            g.writeEndObject();
        }
        return w.toString();
    }
}
