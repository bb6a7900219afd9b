package io.postmaster.config;

import java.time.Duration;
import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.boolValue;
import static io.postmaster.config.PostmasterConfig.intValue;
import static io.postmaster.config.PostmasterConfig.value;

/**
 * What operators reach over HTTP and how the router stops.
 *
 * @param metricsEnabled whether {@code <context>/metrics} answers (Prometheus text); 404 when off
 * @param healthEnabled  whether {@code <context>/health/live}, {@code /ready}, {@code /started} answer; 404 when off
 * @param role           the container role a caller of the metrics and health endpoints must have; empty (the
 *                       default) leaves them open to whoever reaches the server's HTTP port — the servers as
 *                       {@code mvn -Prun} starts them listen on the loopback only. Without the role: 401 (not
 *                       authenticated) or 403
 * @param drainGrace     when the application stops: how long calls already routed may take to finish after new
 *                       sessions and calls are refused, before every session gets GOODBYE
 *                       {@code wamp.close.system_shutdown}
 * @param liveTimeout    the liveness check's bound: a task on the extensions' executor must run within it
 */
public record OperatorSettings(boolean metricsEnabled, boolean healthEnabled, String role, Duration drainGrace,
                               Duration liveTimeout) {
    static final String METRICS_ENABLED = "postmaster.metrics.enabled";
    static final String HEALTH_ENABLED = "postmaster.health.enabled";
    static final String ROLE = "postmaster.operator.role";
    static final String DRAIN_GRACE_MS = "postmaster.drain-grace-ms";
    static final String LIVE_TIMEOUT_MS = "postmaster.health.live-timeout-ms";

    public OperatorSettings {
        role = role == null ? "" : role.trim();
        if (drainGrace.isNegative() || drainGrace.toMillis() > 600_000) {
            throw new IllegalArgumentException(DRAIN_GRACE_MS + " must be between 0 and 600000, got "
                    + drainGrace.toMillis());
        }
        if (liveTimeout.toMillis() < 10 || liveTimeout.toMillis() > 60_000) {
            throw new IllegalArgumentException(LIVE_TIMEOUT_MS + " must be between 10 and 60000, got "
                    + liveTimeout.toMillis());
        }
    }

    public static OperatorSettings from(Function<String, String> lookup) {
        return new OperatorSettings(boolValue(lookup, METRICS_ENABLED, true), boolValue(lookup, HEALTH_ENABLED, true),
                value(lookup, ROLE, ""), Duration.ofMillis(intValue(lookup, DRAIN_GRACE_MS, 5000)),
                Duration.ofMillis(intValue(lookup, LIVE_TIMEOUT_MS, 1000)));
    }

    /** Whether the endpoints require a role. */
    public boolean protectedByRole() {
        return !role.isEmpty();
    }
}
