package io.postmaster.config;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.boolValue;
import static io.postmaster.config.PostmasterConfig.intValue;
import static io.postmaster.config.PostmasterConfig.list;
import static io.postmaster.config.PostmasterConfig.value;
import static io.postmaster.config.WebrocketConfig.atLeast;

/**
 * The webwire endpoint. A webwire client always dials the root of its server ({@code ws://host:port/}, and the HTTP
 * method {@code WEBWIRE} on {@code /} for the protocol version), so the WAR serves one realm to webwire clients, at
 * its context root.
 *
 * @param realm              the realm webwire clients join; empty (the default) disables the endpoint: the
 *                           {@code WEBWIRE} method gets 404 and a handshake is closed with 1008
 * @param maxFrameBytes      the largest frame a client may send; bigger closes the connection with 1009
 * @param maxPendingRequests requests one connection may have waiting for their replies; past it a request gets the
 *                           error reply {@code TOO_MANY_REQUESTS}
 * @param maxOutbound        frames that may wait to be written to one connection; past it (a client that does not
 *                           read) the connection is closed with 1008
 * @param sessions           whether webwire sessions exist; without, a restoration gets "sessions disabled" and
 *                           {@code webwire.session.create} fails
 * @param maxSessions        sessions the store keeps; past it a creation fails ({@code postmaster.error.limit_reached}
 *                           to the backend that asked), after the expired ones were dropped
 * @param maxSessionBytes    bytes all stored sessions may take (key, authid, role and info measured as JSON)
 * @param maxInfoBytes       bytes one session's info may take (measured as JSON); more is refused at creation
 * @param maxConnections     connections one session may have at once; a restoration past it gets "max session
 *                           connections reached"
 * @param sessionIdle        how long a session with no connection is kept after it was last used; then it is gone
 *                           and a restoration gets "session not found"
 * @param backendRoles       the roles that may call the router procedures {@code webwire.session.create},
 *                           {@code webwire.session.close} and {@code webwire.signal}
 * @param bufferedSignals    signals to a session that has no connection kept for its next restoration, in order;
 *                           one more (or more bytes than below) drops them all and the session with them: the
 *                           restoration then gets "session not found" and the client starts afresh
 * @param bufferedBytes      the bytes of those signals per session
 * @param bufferedTotalBytes the bytes of the signals kept for all sessions together; past it the session whose signal
 *                           does not fit is dropped as above
 */
public record WebwireConfig(String realm, int maxFrameBytes, int maxPendingRequests, int maxOutbound,
                            boolean sessions, int maxSessions, int maxSessionBytes, int maxInfoBytes,
                            int maxConnections, Duration sessionIdle, List<String> backendRoles,
                            int bufferedSignals, int bufferedBytes, long bufferedTotalBytes) {
    public static final String REALM = "postmaster.webwire.realm";
    public static final String MAX_FRAME_BYTES = "postmaster.webwire.max-frame-bytes";
    public static final String MAX_PENDING_REQUESTS = "postmaster.webwire.max-pending-requests";
    public static final String MAX_OUTBOUND = "postmaster.webwire.max-outbound";
    public static final String SESSIONS = "postmaster.webwire.sessions";
    public static final String MAX_SESSIONS = "postmaster.webwire.max-sessions";
    public static final String MAX_SESSION_BYTES = "postmaster.webwire.max-session-bytes";
    public static final String MAX_INFO_BYTES = "postmaster.webwire.max-info-bytes";
    public static final String MAX_CONNECTIONS_PER_SESSION = "postmaster.webwire.max-connections-per-session";
    public static final String SESSION_IDLE_MS = "postmaster.webwire.session-idle-ms";
    public static final String BACKEND_ROLES = "postmaster.webwire.backend-roles";
    public static final String MAX_BUFFERED_SIGNALS = "postmaster.webwire.max-buffered-signals";
    public static final String MAX_BUFFERED_BYTES = "postmaster.webwire.max-buffered-bytes";
    public static final String MAX_BUFFERED_TOTAL_BYTES = "postmaster.webwire.max-buffered-total-bytes";

    public WebwireConfig {
        atLeast(MAX_FRAME_BYTES, maxFrameBytes, 1024);
        atLeast(MAX_PENDING_REQUESTS, maxPendingRequests, 1);
        atLeast(MAX_OUTBOUND, maxOutbound, 16);
        atLeast(MAX_SESSIONS, maxSessions, 1);
        atLeast(MAX_INFO_BYTES, maxInfoBytes, 2);
        atLeast(MAX_SESSION_BYTES, maxSessionBytes, maxInfoBytes);
        atLeast(MAX_CONNECTIONS_PER_SESSION, maxConnections, 1);
        if (sessionIdle.toMillis() < 1000) {
            throw new IllegalArgumentException(SESSION_IDLE_MS + " must be at least 1000, got " + sessionIdle.toMillis());
        }
        backendRoles = List.copyOf(backendRoles);
        atLeast(MAX_BUFFERED_SIGNALS, bufferedSignals, 0);
        atLeast(MAX_BUFFERED_BYTES, bufferedBytes, 0);
        if (bufferedTotalBytes < bufferedBytes) {
            throw new IllegalArgumentException(MAX_BUFFERED_TOTAL_BYTES + " must be at least "
                    + MAX_BUFFERED_BYTES + " (" + bufferedBytes + "), got " + bufferedTotalBytes);
        }
    }

    /** The defaults: no realm served. */
    public static WebwireConfig defaults() {
        return from(k -> null);
    }

    public static WebwireConfig from(Function<String, String> lookup) {
        return new WebwireConfig(value(lookup, REALM, ""), intValue(lookup, MAX_FRAME_BYTES, 1024 * 1024),
                intValue(lookup, MAX_PENDING_REQUESTS, 64), intValue(lookup, MAX_OUTBOUND, 4096),
                boolValue(lookup, SESSIONS, true), intValue(lookup, MAX_SESSIONS, 10_000),
                intValue(lookup, MAX_SESSION_BYTES, 16 * 1024 * 1024), intValue(lookup, MAX_INFO_BYTES, 4096),
                intValue(lookup, MAX_CONNECTIONS_PER_SESSION, 4),
                Duration.ofMillis(intValue(lookup, SESSION_IDLE_MS, 30 * 60 * 1000)),
                list(lookup.apply(BACKEND_ROLES), "webwire-backend"), intValue(lookup, MAX_BUFFERED_SIGNALS, 256),
                intValue(lookup, MAX_BUFFERED_BYTES, 256 * 1024),
                PostmasterConfig.longValue(lookup, MAX_BUFFERED_TOTAL_BYTES, 64L * 1024 * 1024));
    }

    /** Whether the endpoint serves a realm. */
    public boolean enabled() {
        return !realm.isEmpty();
    }
}
