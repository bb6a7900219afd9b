package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.spi.Action;
import io.postmaster.spi.Authorizer;
import io.postmaster.spi.Decision;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Asks the {@link Authorizer} whether a session may perform an action, caching cacheable answers per realm, role,
 * URI and action. The {@link Gate} asks once per request, after the URI checks and before anything changes, so a
 * "no" has no side effect.
 */
final class Authorization {
    private static final Logger LOG = Logger.getLogger(Authorization.class.getName());
    /** A broken authorizer fails every request a client sends: rate-limited. */
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);
    private static final int MAX_CACHED = 100_000;
    /** "No": nothing more is said, so nothing leaks to an attacker. */
    static final Refusal NOT_AUTHORIZED = new Refusal(ErrorUris.NOT_AUTHORIZED, null);
    /** "Could not decide": the authorizer failed (logged, not sent). */
    private static final Refusal FAILURE = new Refusal(ErrorUris.AUTHORIZATION_FAILED, null);

    private record Key(String realm, String role, String uri, Action action) {
    }

    private final Authorizer authorizer;
    private final Map<Key, Decision> cache = new ConcurrentHashMap<>();

    Authorization(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    /**
     * Whether {@code s} may perform {@code action} on {@code uri}.
     *
     * @return whether the rule that allowed it asks for the caller / publisher to be disclosed (as if it sent
     *         {@code disclose_me})
     * @throws Refusal {@code wamp.error.not_authorized} for "no", {@code wamp.error.authorization_failed} when the
     *                 authorizer failed or gave no decision
     */
    boolean check(Session s, Action action, String uri) {
        // The default authorizer's answers are not cacheable: then the cache stays empty and costs nothing here.
        Decision d = cache.isEmpty() ? null : cache.get(new Key(s.details().realm(), s.authrole(), uri, action));
        if (d == null) {
            try {
                d = authorizer.authorize(s.details(), s.permissions(), uri, action);
            } catch (RuntimeException e) {
                FAILED.log(() -> "the authorizer failed on " + action.wireName() + " " + uri + " for " + s, e);
                throw FAILURE;
            }
            if (d == null) {
                FAILED.log(() -> "the authorizer gave no decision on " + action.wireName() + " " + uri + " for " + s);
                throw FAILURE;
            }
            if (d.cacheable() && cache.size() < MAX_CACHED) {
                cache.put(new Key(s.details().realm(), s.authrole(), uri, action), d);
            }
        }
        if (!d.allowed()) {
            throw NOT_AUTHORIZED;
        }
        return d.disclose();
    }
}
