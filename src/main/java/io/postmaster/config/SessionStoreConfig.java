package io.postmaster.config;

import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.intValue;
import static io.postmaster.config.PostmasterConfig.longValue;

/**
 * The one store of sessions that outlive their connections — webwire sessions and resumable WAMP sessions — bounded
 * as a whole, over the bounds each kind has of its own ({@code postmaster.webwire.max-sessions},
 * {@code postmaster.webwire.max-session-bytes}; {@code postmaster.resume.total-bytes}).
 *
 * @param maxSessions sessions of both kinds kept at once; past it a webwire session is not created (the backend gets
 *                    {@code postmaster.error.limit_reached}) and a WAMP session that asked to be resumable is not
 *                    (WELCOME says {@code resumable: false})
 * @param maxBytes    bytes the sessions of both kinds take together (a webwire session's key, identity and info; what
 *                    a resumable WAMP session keeps for its client); past it the same as above, and a resumable session
 *                    whose message does not fit while its client is away ends
 */
public record SessionStoreConfig(int maxSessions, long maxBytes) {
    static final String MAX_SESSIONS = "postmaster.session-store.max-sessions";
    static final String MAX_BYTES = "postmaster.session-store.max-bytes";

    public SessionStoreConfig {
        if (maxSessions < 1) {
            throw new IllegalArgumentException(MAX_SESSIONS + " must be at least 1, got " + maxSessions);
        }
        if (maxBytes < 1024 * 1024) {
            throw new IllegalArgumentException(MAX_BYTES + " must be at least 1048576 (1 MiB), got " + maxBytes);
        }
    }

    public static SessionStoreConfig defaults() {
        return from(k -> null);
    }

    public static SessionStoreConfig from(Function<String, String> lookup) {
        return new SessionStoreConfig(intValue(lookup, MAX_SESSIONS, 20_000),
                longValue(lookup, MAX_BYTES, 128L * 1024 * 1024));
    }
}
