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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code wampcra}: the router sends a JSON challenge (authid, authrole, authmethod, authprovider, a 128-bit nonce,
 * timestamp, session ID); the client answers with Base64(HMAC-SHA256(secret, challenge)). With a salted secret the
 * CHALLENGE also carries {@code salt}, {@code iterations} and {@code keylen}, and the secret is the Base64 PBKDF2 key
 * derived from the password (the spec's "Password Salting").
 *
 * <p>An unknown authid gets a challenge too — with a salt derived from the authid and a server secret, so it looks
 * the same every time — and then a denial: the answer does not tell whether the authid exists.
 */
public final class WampCraAuthenticator implements Authenticator {
    private static final JsonFactory JSON = new JsonFactory();
    private final CredentialStore store;
    private final byte[] decoySecret = Crypto.random(32);

    public WampCraAuthenticator(CredentialStore store) {
        this.store = store;
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
        String role = secret != null ? secret.authrole() : "user";
        String challenge = challengeJson(authid, role, hello.sessionId());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("challenge", challenge);
        if (secret == null) {
            // Decoy: salted, like most real users, with a stable salt per authid.
            String salt = Base64.getEncoder().encodeToString(Crypto.hmacSha256(decoySecret,
                    authid.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
            extra.put("salt", salt);
            extra.put("iterations", 1000L);
            extra.put("keylen", 32L);
            return new AuthResult.Challenge(extra, null);
        }
        if (secret.salt() != null) {
            extra.put("salt", secret.salt());
            extra.put("iterations", (long) secret.iterations());
            extra.put("keylen", (long) secret.keylen());
        }
        String expected = Crypto.craSignature(secret.secret(), challenge);
        return new AuthResult.Challenge(extra, new Pending(new Identity(authid, role, "static", Map.of()), expected));
    }

    @Override
    public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                   Map<String, Object> extra) {
        if (!(challenge.state() instanceof Pending p)) {
            return AuthResult.deny("wampcra: unknown authid");
        }
        return Crypto.equal(p.expectedSignature(), signature) ? AuthResult.accept(p.identity())
                : AuthResult.deny("wampcra: wrong signature");
    }

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
