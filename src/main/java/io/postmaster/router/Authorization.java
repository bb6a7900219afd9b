package io.postmaster.router;

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
     * @return null when {@code s} may perform {@code action} on {@code uri}; otherwise the error URI to answer with:
     * {@code wamp.error.not_authorized} for "no", {@code wamp.error.authorization_failed} when the authorizer failed
     */
    public String check(Session s, Action action, String uri) {
        if (s.peer() instanceof LocalCallee) {
            return null; // the router's own server-side procedures
        }
        if (action == Action.CALL && !procedureAccess.isEmpty()) {
            Predicate<SessionDetails> access = procedureAccess.get(new Key(s.realm().name(), "", uri, Action.CALL));
            if (access != null) {
                return access.test(s.details()) ? null : ErrorUris.NOT_AUTHORIZED;
            }
        }
        Key key = new Key(s.realm().name(), s.authrole(), uri, action);
        Decision d = cache.get(key);
        if (d == null) {
            try {
                d = authorizer.authorize(s.details(), s.permissions(), uri, action);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the authorizer failed on " + action.wireName() + " " + uri + " for " + s, e);
                return ErrorUris.AUTHORIZATION_FAILED;
            }
            if (d == null) {
                LOG.warning(() -> "the authorizer gave no decision on " + action.wireName() + " " + uri + " for " + s);
                return ErrorUris.AUTHORIZATION_FAILED;
            }
            if (d.cacheable() && cache.size() < MAX_CACHED) {
                cache.put(key, d);
            }
        }
        return d.allowed() ? null : ErrorUris.NOT_AUTHORIZED;
    }
}
