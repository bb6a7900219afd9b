package io.postmaster.config;

import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.intValue;
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
 */
public record WebwireConfig(String realm, int maxFrameBytes, int maxPendingRequests, int maxOutbound) {
    public static final String REALM = "postmaster.webwire.realm";
    public static final String MAX_FRAME_BYTES = "postmaster.webwire.max-frame-bytes";
    public static final String MAX_PENDING_REQUESTS = "postmaster.webwire.max-pending-requests";
    public static final String MAX_OUTBOUND = "postmaster.webwire.max-outbound";

    public WebwireConfig {
        atLeast(MAX_FRAME_BYTES, maxFrameBytes, 1024);
        atLeast(MAX_PENDING_REQUESTS, maxPendingRequests, 1);
        atLeast(MAX_OUTBOUND, maxOutbound, 16);
    }

    /** The defaults: no realm served. */
    public static WebwireConfig defaults() {
        return from(k -> null);
    }

    public static WebwireConfig from(Function<String, String> lookup) {
        return new WebwireConfig(value(lookup, REALM, ""), intValue(lookup, MAX_FRAME_BYTES, 1024 * 1024),
                intValue(lookup, MAX_PENDING_REQUESTS, 64), intValue(lookup, MAX_OUTBOUND, 4096));
    }

    /** Whether the endpoint serves a realm. */
    public boolean enabled() {
        return !realm.isEmpty();
    }
}
