package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.spi.Action;
import io.postmaster.spi.Authorizer;
import io.postmaster.spi.Decision;
import io.postmaster.spi.SessionDetails;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Asks the {@link Authorizer} whether a session may perform an action, caching cacheable answers per realm, role,
 * URI and action. The broker and dealer call {@link #check} once at the top of each handler, after the URI checks
 * and before anything changes, so a "no" has no side effect.
 */
public final class Authorization {
    private static final Logger LOG = Logger.getLogger(Authorization.class.getName());
    /** A broken authorizer fails every request a client sends: rate-limited. */
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);
    private static final int MAX_CACHED = 100_000;

    private record Key(String realm, String role, String uri, Action action) {
    }

    private final Authorizer authorizer;
    private final Map<Key, Decision> cache = new ConcurrentHashMap<>();
    private final Map<Key, Predicate<SessionDetails>> procedureAccess = new ConcurrentHashMap<>();

    Authorization(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    /** Who may call a server-side procedure: decided by {@code access}, not by the authorizer. */
    void restrictCalls(String realm, String procedure, Predicate<SessionDetails> access) {
        procedureAccess.put(new Key(realm, "", procedure, Action.CALL), access);
    }

    /**
     * An answer for the broker or dealer.
     *
     * @param error    null when allowed; otherwise the error URI to answer with: {@code wamp.error.not_authorized} for
     *                 "no", {@code wamp.error.authorization_failed} when the authorizer failed
     * @param disclose whether the rule asks for the caller / publisher to be disclosed (as if it sent
     *                 {@code disclose_me})
     */
    public record Outcome(String error, boolean disclose) {
        static final Outcome ALLOWED = new Outcome(null, false);
        static final Outcome ALLOWED_DISCLOSED = new Outcome(null, true);
        static final Outcome NOT_AUTHORIZED = new Outcome(ErrorUris.NOT_AUTHORIZED, false);
        static final Outcome FAILED = new Outcome(ErrorUris.AUTHORIZATION_FAILED, false);

        /** The options with {@code disclose_me} set when the rule asks for disclosure. */
        public Map<String, Object> options(Map<String, Object> options) {
            if (!disclose || Boolean.TRUE.equals(options.get("disclose_me"))) {
                return options;
            }
            Map<String, Object> o = new java.util.LinkedHashMap<>(options);
            o.put("disclose_me", true);
            return o;
        }
    }

    /** Whether {@code s} may perform {@code action} on {@code uri}. */
    public Outcome check(Session s, Action action, String uri) {
        if (s.peer() instanceof LocalCallee) {
            return Outcome.ALLOWED; // the router's own server-side procedures
        }
        if (action == Action.CALL && !procedureAccess.isEmpty()) {
            Predicate<SessionDetails> access = procedureAccess.get(new Key(s.realm().name(), "", uri, Action.CALL));
            if (access != null) {
                return access.test(s.details()) ? Outcome.ALLOWED : Outcome.NOT_AUTHORIZED;
            }
        }
        // The default authorizer's answers are not cacheable: then the cache stays empty and costs nothing here.
        Decision d = cache.isEmpty() ? null : cache.get(new Key(s.realm().name(), s.authrole(), uri, action));
        if (d == null) {
            try {
                d = authorizer.authorize(s.details(), s.permissions(), uri, action);
            } catch (RuntimeException e) {
                FAILED.log(() -> "the authorizer failed on " + action.wireName() + " " + uri + " for " + s, e);
                return Outcome.FAILED;
            }
            if (d == null) {
                FAILED.log(() -> "the authorizer gave no decision on " + action.wireName() + " " + uri + " for " + s);
                return Outcome.FAILED;
            }
            if (d.cacheable() && cache.size() < MAX_CACHED) {
                cache.put(new Key(s.realm().name(), s.authrole(), uri, action), d);
            }
        }
        return !d.allowed() ? Outcome.NOT_AUTHORIZED : d.disclose() ? Outcome.ALLOWED_DISCLOSED : Outcome.ALLOWED;
    }
}
