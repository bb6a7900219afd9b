package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.config.RealmConfig;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.Authorizer;
import io.postmaster.spi.PermissionProvider;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.CallInterceptor;
import io.postmaster.spi.PublishInterceptor;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The extension points the router calls, as plain SPI objects (the endpoint layer supplies CDI beans for them).
 *
 * @param authenticators by authmethod
 * @param authmethods    the methods each realm allows, by realm name
 * @param permissions    gives each session its permissions at join
 * @param authorizer     decides each action
 * @param listener       hears joins and leaves
 * @param executor       runs all application code (authenticators, permission lookups, listeners) off the
 *                       routing thread; bounded: a rejected task fails its request, never blocks
 * @param publishInterceptors in the order they run
 * @param callInterceptors    in the order they run
 */
public record Extensions(Map<String, Authenticator> authenticators, Function<String, Set<String>> authmethods,
                         PermissionProvider permissions, Authorizer authorizer, SessionListener listener,
                         Executor executor, List<PublishInterceptor> publishInterceptors,
                         List<CallInterceptor> callInterceptors) {

    /** Without interceptors. */
    public Extensions(Map<String, Authenticator> authenticators, Function<String, Set<String>> authmethods,
                      PermissionProvider permissions, Authorizer authorizer, SessionListener listener,
                      Executor executor) {
        this(authenticators, authmethods, permissions, authorizer, listener, executor, List.of(), List.of());
    }

    /** These extensions with other interceptors. */
    public Extensions withInterceptors(List<PublishInterceptor> publish, List<CallInterceptor> call) {
        return new Extensions(authenticators, authmethods, permissions, authorizer, listener, executor, publish, call);
    }

    /**
     * What the router does without any extension: realms with {@code anonymous} on admit anonymous sessions with
     * role {@code anonymous} and an authid the router makes up, which may do everything but what must be granted on
     * purpose (killing sessions, seeing their addresses); the rest admit nobody. Runs everything inline, on the
     * thread that routes: for a router embedded without a container (the micro-benchmarks, the core's own tests).
     */
    static Extensions openRealms(PostmasterConfig config) {
        return new Extensions(Map.of("anonymous", Authenticator.anonymous(realm -> null)), realm -> {
            RealmConfig rc = config.realms().get(realm);
            return rc != null && rc.anonymous() ? Set.of("anonymous") : Set.of();
        }, s -> Permissions.ALL, (s, p, uri, a) -> p.decide(uri, a), SessionListener.NONE, Runnable::run);
    }
}
