package io.postmaster.auth;

import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.CredentialStore;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code cryptosign}: the client names its Ed25519 public key in {@code HELLO.Details.authextra.pubkey}; the router
 * sends 32 random bytes (hex) and the client returns signature ‖ message (96 bytes, hex), verified with the JDK's
 * Ed25519.
 *
 * <p>Channel binding: JSR-356 does not expose the TLS channel ({@code tls-unique} / {@code tls-exporter}) to an
 * endpoint, so no transport here can bind; a client that asks for it is refused rather than silently authenticated
 * without it. An unknown key gets a challenge and then a denial, like a wrong signature.
 */
final class CryptosignAuthenticator implements Authenticator {
    private final CredentialStore store;

    CryptosignAuthenticator(CredentialStore store) {
        this.store = store;
    }

    @Override
    public String authmethod() {
        return "cryptosign";
    }

    @Override
    public AuthResult hello(HelloDetails hello) throws Exception {
        Object pk = hello.authextra().get("pubkey");
        Optional<byte[]> key = pk instanceof String s ? Crypto.unhex(s, 32) : Optional.empty();
        if (key.isEmpty()) {
            return AuthResult.deny("cryptosign without a valid authextra.pubkey");
        }
        byte[] pubkey = key.get();
        if (hello.authextra().get("channel_binding") != null) {
            return AuthResult.deny("cryptosign channel binding requested, but this transport cannot provide it");
        }
        Identity owner = store.publicKeyOwner(hello.realm(), hello.authid(), Crypto.hex(pubkey).toLowerCase(Locale.ROOT));
        byte[] challenge = Crypto.random(32);
        Map<String, Object> extra = new HashMap<>();
        extra.put("challenge", Crypto.hex(challenge));
        extra.put("channel_binding", null);
        return new AuthResult.Challenge(extra, new Pending(owner, pubkey, challenge));
    }

    @Override
    public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                   Map<String, Object> extra) {
        Pending p = (Pending) challenge.state();
        Optional<byte[]> answer = Crypto.unhex(signature, 96);
        if (answer.isEmpty()) {
            return AuthResult.deny("cryptosign: the signature is not 96 bytes of hex");
        }
        byte[] signed = answer.get();
        byte[] sig = Arrays.copyOfRange(signed, 0, 64);
        byte[] message = Arrays.copyOfRange(signed, 64, 96);
        boolean ok = MessageDigest.isEqual(message, p.challenge()) && Crypto.ed25519Verify(p.pubkey(), p.challenge(), sig);
        if (!ok) {
            return AuthResult.deny("cryptosign: bad signature");
        }
        return p.owner() != null ? AuthResult.accept(p.owner()) : AuthResult.deny("cryptosign: unknown public key");
    }

    private record Pending(Identity owner, byte[] pubkey, byte[] challenge) {
    }
}
