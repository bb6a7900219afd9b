package io.postmaster.config;

import java.util.function.Function;

/**
 * How Postmaster uses what the application server offers. Read through {@link PostmasterConfig#sources()} like every
 * other key; every key is in the README.
 *
 * @param logins          logins the server vouches for: authmethods {@code container} and {@code tls}
 *                        ({@link ContainerAuth})
 * @param managedExecutor {@code postmaster.managed-executor}: run application code (authenticators, interceptors,
 *                        observers, procedures, the in-process client's callbacks) on the server's
 *                        {@code java:comp/DefaultManagedExecutorService} where it offers one, so it sees the EE
 *                        context (default true); false, or a server without one: Postmaster's own threads. Either way
 *                        within {@code postmaster.executor-threads} and {@code postmaster.executor-queue}
 */
public record ServerIntegration(ContainerAuth logins, boolean managedExecutor) {
    static final String MANAGED_EXECUTOR = "postmaster.managed-executor";

    public ServerIntegration {
        java.util.Objects.requireNonNull(logins, "logins");
    }

    /** Reads the settings through {@code lookup}. */
    public static ServerIntegration from(Function<String, String> lookup) {
        return new ServerIntegration(ContainerAuth.from(lookup),
                PostmasterConfig.boolValue(lookup, MANAGED_EXECUTOR, true));
    }
}
