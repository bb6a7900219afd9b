package io.postmaster.spi;

import java.util.Map;

/** What an {@link Authenticator} decided. */
public sealed interface AuthResult {

    /** Admit the session as {@code identity}. */
    record Accept(Identity identity) implements AuthResult {
    }

    /**
     * Send CHALLENGE with {@code extra}; the client's AUTHENTICATE goes to
     * {@link Authenticator#authenticate(HelloDetails, Challenge, String, Map)} with this object, so {@code state} can
     * carry what the check needs (the expected signature, the pending identity). A challenge is used once.
     */
    record Challenge(Map<String, Object> extra, Object state) implements AuthResult {
    }

    /**
     * Refuse: ABORT {@code wamp.error.not_authorized}. The client learns nothing more (not whether the authid
     * exists); {@code logReason} goes to the server log only, so never put a secret in it.
     */
    record Deny(String logReason) implements AuthResult {
    }

    /** This method cannot handle the HELLO (e.g. no credentials of this kind for the authid): try the next one. */
    record Skip() implements AuthResult {
    }

    static AuthResult accept(Identity identity) { return new Accept(identity); }
    static AuthResult deny(String logReason) { return new Deny(logReason); }
    static AuthResult skip() { return new Skip(); }
}
