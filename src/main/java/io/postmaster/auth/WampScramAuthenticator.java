package io.postmaster.auth;

import io.postmaster.config.ScramLimits;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.CredentialStore;
import io.postmaster.spi.CredentialStore.ScramCredential;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code wamp-scram}, the spec's Salted Challenge Response Authentication (RFC 5802 / RFC 7677 with SHA-256, Argon2id
 * or PBKDF2 as the KDF). HELLO names the {@code authid} and {@code authextra.nonce} (the client's nonce, canonical
 * Base64 of {@value #MIN_CLIENT_NONCE_BYTES}..{@value #MAX_CLIENT_NONCE_BYTES} bytes); CHALLENGE carries the client's
 * nonce followed by the router's ({@value #SERVER_NONCE_BYTES} random bytes), the user's {@code salt}, {@code kdf},
 * {@code iterations}, {@code memory} (null for PBKDF2) and {@code channel_binding} (null); AUTHENTICATE carries the
 * Base64 ClientProof as its signature and repeats the combined {@code nonce}; WELCOME's {@code authextra} carries the
 * Base64 ServerSignature as {@code verifier} (the spec's name) and as {@code scram_server_signature} (Crossbar's and
 * Autobahn's), so the client can check the router in turn. The router never runs the KDF in a login: it checks the
 * proof against the stored key with one HMAC and one SHA-256.
 *
 * <p>Channel binding: JSR-356 does not expose the TLS channel to an endpoint, so no binding type can be checked; a
 * HELLO asking for one ({@code tls-unique}, {@code tls-server-end-point}) is refused rather than silently
 * authenticated without it. Only {@code channel_binding: null} (none) is accepted.
 *
 * <p>An unknown authid — or one whose stored credential is beyond the caps of {@link ScramLimits} — gets a challenge
 * of the same shape as a real one: the configured decoy KDF and parameters, and a salt derived from the realm, the
 * authid and a server secret, so that it is the same every time (as a real user's is); its AUTHENTICATE is checked
 * with the same work as a real one, against keys nobody knows, and then refused. A challenge takes one answer; every
 * failure is ABORT {@code wamp.error.not_authorized} with the reason in the (rate-limited) log only.
 */
final class WampScramAuthenticator implements Authenticator {
    private static final Logger LOG = Logger.getLogger(WampScramAuthenticator.class.getName());
    /** A stored credential out of bounds is an operator's mistake seen at every login of that user: rate-limited. */
    private static final RateLimitedLog UNUSABLE_LOG = new RateLimitedLog(LOG, Level.WARNING);
    static final String METHOD = "wamp-scram";
    /** The spec recommends 16 bytes per nonce; fewer than 8 is no nonce, more than 64 is only bulk to hold. */
    static final int MIN_CLIENT_NONCE_BYTES = 8;
    static final int MAX_CLIENT_NONCE_BYTES = 64;
    static final int SERVER_NONCE_BYTES = 16;

    private final CredentialStore store;
    private final ScramLimits limits;
    private final byte[] decoyKey;

    /**
     * @param decoyKey the key decoy salts are derived with: the same across restarts (a decoy salt that changes when
     *                 real ones do not gives the decoy away), and secret
     */
    WampScramAuthenticator(CredentialStore store, ScramLimits limits, byte[] decoyKey) {
        this.store = store;
        this.limits = limits;
        this.decoyKey = decoyKey.clone();
    }

    @Override
    public String authmethod() {
        return METHOD;
    }

    @Override
    public AuthResult hello(HelloDetails hello) throws Exception {
        String authid = hello.authid();
        if (authid == null || authid.isEmpty()) {
            return AuthResult.deny("wamp-scram without an authid");
        }
        Object binding = hello.authextra().get("channel_binding");
        if (binding != null) {
            return AuthResult.deny("wamp-scram channel binding '" + shown(binding)
                    + "' requested, but this transport cannot provide any (only null is supported)");
        }
        Object nonce = hello.authextra().get("nonce");
        if (!(nonce instanceof String clientNonce)
                || unbase64(clientNonce, MIN_CLIENT_NONCE_BYTES, MAX_CLIENT_NONCE_BYTES).isEmpty()) {
            return AuthResult.deny("wamp-scram without a valid authextra.nonce (canonical Base64 of "
                    + MIN_CLIENT_NONCE_BYTES + ".." + MAX_CLIENT_NONCE_BYTES + " bytes)");
        }
        ScramCredential c = store.scramCredential(hello.realm(), authid);
        if (c != null) {
            String why = Scram.unusable(c, limits);
            if (why != null) {
                UNUSABLE_LOG.log(() -> "the wamp-scram credential of authid '" + shown(authid) + "' on realm "
                        + hello.realm() + " cannot be used (" + why + "): its logins are refused as for an unknown"
                        + " authid");
                c = null;
            }
        }
        Pending p = c != null ? real(c, authid, clientNonce) : decoy(hello.realm(), authid, clientNonce);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("nonce", p.serverNonce());
        extra.put("salt", p.salt());
        extra.put("kdf", p.kdf());
        extra.put("iterations", (long) p.iterations());
        extra.put("memory", ScramLimits.ARGON2ID13.equals(p.kdf()) ? (Object) (long) p.memory() : null);
        extra.put("channel_binding", null);
        return new AuthResult.Challenge(extra, p);
    }

    private Pending real(ScramCredential c, String authid, String clientNonce) {
        return new Pending(new Identity(authid, c.authrole(), "static", Map.of()), authid, clientNonce,
                serverNonce(clientNonce), c.kdf(), Base64.getEncoder().encodeToString(c.salt()), c.iterations(),
                c.memory(), c.storedKey().clone(), c.serverKey().clone());
    }

    /** A challenge for nobody, shaped like a real user's made with the configured defaults. */
    private Pending decoy(String realm, String authid, String clientNonce) {
        byte[] derived = Crypto.hmacSha256(decoyKey, (realm + '\u0000' + authid).getBytes(StandardCharsets.UTF_8));
        String salt = Base64.getEncoder().encodeToString(Arrays.copyOf(derived, Scram.SALT_BYTES));
        return new Pending(null, authid, clientNonce, serverNonce(clientNonce), limits.decoyKdf(), salt,
                limits.decoyIterations(), limits.decoyMemory(), Crypto.random(Scram.KEY_BYTES),
                Crypto.random(Scram.KEY_BYTES));
    }

    private static String serverNonce(String clientNonce) {
        return clientNonce + Base64.getEncoder().encodeToString(Crypto.random(SERVER_NONCE_BYTES));
    }

    @Override
    public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                   Map<String, Object> extra) {
        if (!(challenge.state() instanceof Pending p)) {
            return AuthResult.deny("wamp-scram: no challenge pending");
        }
        Optional<byte[]> proof = unbase64(signature, Scram.KEY_BYTES, Scram.KEY_BYTES);
        if (proof.isEmpty()) {
            return AuthResult.deny("wamp-scram: the signature is not the Base64 of a 32-byte ClientProof");
        }
        Map<String, Object> x = extra == null ? Map.of() : extra;
        if (!p.serverNonce().equals(x.get("nonce"))) {
            return AuthResult.deny("wamp-scram: AUTHENTICATE.Extra.nonce is not the nonce of the CHALLENGE");
        }
        if (x.get("channel_binding") != null || x.get("cbind_data") != null) {
            return AuthResult.deny("wamp-scram: channel_binding differs from HELLO's (null) or cbind_data is present");
        }
        byte[] authMessage = Scram.authMessage(p.authid(), p.clientNonce(), p.serverNonce(), p.salt(), p.iterations(),
                null, null, p.serverNonce());
        boolean match = Scram.proofMatches(p.storedKey(), authMessage, proof.get()); // the same work for a decoy
        if (p.identity() == null) {
            return AuthResult.deny("wamp-scram: unknown authid");
        }
        if (!match) {
            return AuthResult.deny("wamp-scram: wrong proof");
        }
        String verifier = Base64.getEncoder().encodeToString(Scram.serverSignature(p.serverKey(), authMessage));
        Identity id = p.identity();
        return AuthResult.accept(new Identity(id.authid(), id.authrole(), id.authprovider(),
                Map.of("verifier", verifier, "scram_server_signature", verifier)));
    }

    private static Optional<byte[]> unbase64(String s, int min, int max) {
        return Scram.unbase64(s, min, max);
    }

    /** Client-chosen text as the log shows it: cut short. */
    private static String shown(Object o) {
        String s = String.valueOf(o);
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    /**
     * One challenge's facts, for its single answer.
     *
     * @param identity who a right proof admits; null for a decoy, which admits nobody
     */
    private record Pending(Identity identity, String authid, String clientNonce, String serverNonce, String kdf,
                           String salt, int iterations, int memory, byte[] storedKey, byte[] serverKey) {
    }
}
