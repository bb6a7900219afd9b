package io.postmaster.webwire;

import java.time.Instant;
import java.util.Map;

/**
 * A webwire session as the {@link io.postmaster.adapter.SessionStore} keeps it: what a restoration gives back.
 *
 * @param key      the session key (64 characters of Base64url, from 48 random bytes)
 * @param realm    the realm it belongs to
 * @param authid   the WAMP authid its connections join with
 * @param authrole the WAMP role its connections join with
 * @param info     the session info, a JSON object (webwire's {@code "i"}); its connections' {@code authextra}
 * @param lastUsed its last lookup (webwire's {@code "l"})
 * @param bytes    what it counts against the store's byte bounds
 */
record StoredSession(String key, String realm, String authid, String authrole, Map<String, Object> info,
                     Instant created, Instant lastUsed, int bytes) {
    StoredSession used(Instant now) {
        return new StoredSession(key, realm, authid, authrole, info, created, now, bytes);
    }
}
