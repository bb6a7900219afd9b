/**
 * What extension authors compile against: the authentication SPI ({@link io.postmaster.spi.Authenticator},
 * {@link io.postmaster.spi.CredentialStore}), authorization ({@link io.postmaster.spi.PermissionProvider},
 * {@link io.postmaster.spi.Authorizer}, {@link io.postmaster.spi.Permissions}), the lifecycle events
 * ({@link io.postmaster.spi.SessionJoined}, {@link io.postmaster.spi.SessionLeft}), the publish and call
 * interceptors, server-side procedures and subscribers ({@link io.postmaster.spi.WampProcedure},
 * {@link io.postmaster.spi.WampSubscription}), and the {@link io.postmaster.spi.WampClient} application code
 * injects to publish, call, subscribe and register as a session of the router. Plain Java: the routing core takes these interfaces, the endpoint layer supplies CDI beans for them
 * (replace a built-in one with {@code @Alternative @Priority}). Depends on nothing but {@code message}.
 *
 * <p>Threading, for every bean here unless its Javadoc says otherwise: Postmaster calls it on its own bounded
 * executor ({@code postmaster.executor-threads}), never on the container's I/O thread, so it may block (look up a
 * database, call a service); it may be called concurrently for different sessions.
 *
 * <p>The defaults that both the built-in beans and a router without any extension use live here too, once: the
 * {@code anonymous} method ({@link io.postmaster.spi.Authenticator#anonymous}) and the rule set that allows
 * everything ({@link io.postmaster.spi.Permissions#ALL}).
 */
package io.postmaster.spi;
