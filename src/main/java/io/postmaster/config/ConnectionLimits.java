package io.postmaster.config;

import java.time.Duration;
import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.intValue;

/**
 * What one WebSocket connection, and one client address, may hold of the server.
 *
 * @param maxPerAddress the WebSocket connections that may be open at once from one client address (IPv6: one /64),
 *                      {@code 0} for no limit; past it the handshake is refused with HTTP 429. Generous by default:
 *                      many users may share one address behind NAT, and behind a reverse proxy every client has the
 *                      proxy's address (raise it or set 0 there, and let the proxy limit)
 * @param pingInterval  how long a connection may be silent (nothing received) before the router sends a WebSocket
 *                      ping; {@link Duration#ZERO} sends none
 * @param pingMaxMissed pings in a row that may stay unanswered (nothing received since); at the next interval the
 *                      connection is closed (1001) and its session ends
 */
public record ConnectionLimits(int maxPerAddress, Duration pingInterval, int pingMaxMissed) {
    static final String MAX_PER_ADDRESS = "postmaster.max-connections-per-address";
    static final String PING_INTERVAL_MS = "postmaster.ping-interval-ms";
    static final String PING_MAX_MISSED = "postmaster.ping-max-missed";

    public ConnectionLimits {
        if (maxPerAddress < 0) {
            throw new IllegalArgumentException(MAX_PER_ADDRESS + " must be 0 (no limit) or positive, got "
                    + maxPerAddress);
        }
        if (pingInterval.isNegative() || (!pingInterval.isZero() && pingInterval.toMillis() < 100)) {
            throw new IllegalArgumentException(PING_INTERVAL_MS + " must be 0 (no pings) or at least 100, got "
                    + pingInterval.toMillis());
        }
        if (pingMaxMissed < 1) {
            throw new IllegalArgumentException(PING_MAX_MISSED + " must be at least 1, got " + pingMaxMissed);
        }
    }

    public static ConnectionLimits from(Function<String, String> lookup) {
        return new ConnectionLimits(intValue(lookup, MAX_PER_ADDRESS, 1000),
                Duration.ofMillis(intValue(lookup, PING_INTERVAL_MS, 30_000)), intValue(lookup, PING_MAX_MISSED, 2));
    }

    /** Whether the router pings silent connections at all. */
    public boolean pings() {
        return !pingInterval.isZero();
    }
}
