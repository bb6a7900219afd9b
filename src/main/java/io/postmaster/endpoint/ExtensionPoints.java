package io.postmaster.endpoint;

import io.postmaster.auth.BuiltIns;
import io.postmaster.config.AuthConfig;
import io.postmaster.config.ContainerAuth;
import io.postmaster.config.LoginLimits;
import io.postmaster.config.ScramLimits;
import io.postmaster.router.Extensions;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.Authorizer;
import io.postmaster.spi.CallInterceptor;
import io.postmaster.spi.PublishInterceptor;
import io.postmaster.spi.CredentialStore;
import io.postmaster.spi.PermissionProvider;
import io.postmaster.spi.SessionJoined;
import io.postmaster.spi.SessionLeft;
import io.postmaster.router.SessionListener;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * Collects the application's extension beans into the router's {@link Extensions} (the Soteria pattern: one handler
 * gathers {@code Instance<Plugin>} sorted by priority). The built-in authentication methods come first; an
 * {@link Authenticator} bean for the same method replaces the built-in one, and of two beans for one method the one
 * with the higher {@code @Priority} wins. {@link CredentialStore}, {@link PermissionProvider} and {@link Authorizer}
 * are single beans: the defaults in this package, or an {@code @Alternative @Priority} bean of the application.
 * {@link PublishInterceptor} and {@link CallInterceptor} beans all run, in ascending {@code @Priority} order.
 * Joins and leaves are fired as CDI events twice: to {@code @Observes} observers on Postmaster's executor, and to
 * {@code @ObservesAsync} observers through the container's own asynchronous delivery.
 */
@ApplicationScoped
public class ExtensionPoints {
    private static final Logger LOG = Logger.getLogger(ExtensionPoints.class.getName());
    private static final io.postmaster.logging.RateLimitedLog OBSERVER_FAILED =
            new io.postmaster.logging.RateLimitedLog(LOG, java.util.logging.Level.WARNING);

    @Inject
    Instance<Authenticator> authenticators;
    @Inject
    CredentialStore credentials;
    @Inject
    PermissionProvider permissions;
    @Inject
    Authorizer authorizer;
    @Inject
    Instance<PublishInterceptor> publishInterceptors;
    @Inject
    Instance<CallInterceptor> callInterceptors;
    @Inject
    Event<SessionJoined> joined;
    @Inject
    Event<SessionLeft> left;

    Extensions build(AuthConfig config, LoginLimits login, ScramLimits scram, ContainerAuth container,
                     Executor executor) {
        Map<String, Authenticator> byMethod = new LinkedHashMap<>();
        for (Authenticator a : BuiltIns.authenticators(config, credentials, login, scram, container)) {
            byMethod.put(a.authmethod(), a);
        }
        List<Authenticator> beans = new ArrayList<>();
        authenticators.forEach(beans::add);
        beans.sort(Comparator.comparingInt(ExtensionPoints::priority)); // ascending: the highest is put last and wins
        for (Authenticator a : beans) {
            byMethod.put(a.authmethod(), a);
            LOG.info(() -> "authentication method " + a.authmethod() + " provided by " + a.getClass().getName());
        }
        SessionListener listener = new SessionListener() {
            public void joined(SessionJoined e) {
                joined.fire(e);
                joined.fireAsync(e).exceptionally(ExtensionPoints::observerFailed);
            }

            public void left(SessionLeft e) {
                left.fire(e);
                left.fireAsync(e).exceptionally(ExtensionPoints::observerFailed);
            }
        };
        // a realm removed at runtime while a HELLO for it was on its way has no methods: ABORT no_auth_method
        return new Extensions(Map.copyOf(byMethod), realm -> {
            AuthConfig.RealmAuth r = config.realms().get(realm);
            return r == null ? java.util.Set.<String>of() : r.authmethods();
        }, permissions,
                authorizer, listener, executor).withInterceptors(sorted(publishInterceptors), sorted(callInterceptors));
    }

    /** An {@code @ObservesAsync} observer of a join or leave threw: logged, as CDI leaves it to the one who fired. */
    private static <T> T observerFailed(Throwable t) {
        OBSERVER_FAILED.log(() -> "an @ObservesAsync observer of SessionJoined/SessionLeft failed", t);
        return null;
    }

    /** The beans in ascending {@code @Priority} order (the order they run in). */
    private static <T> List<T> sorted(Instance<T> beans) {
        List<T> list = new ArrayList<>();
        beans.forEach(list::add);
        list.sort(Comparator.comparingInt(ExtensionPoints::priority));
        list.forEach(b -> LOG.info(() -> "interceptor " + b.getClass().getName() + " installed"));
        return list;
    }

    /** A bean's {@code @Priority} (looking through CDI proxy subclasses), 0 without one. */
    static int priority(Object bean) {
        for (Class<?> c = bean.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            Priority p = c.getAnnotation(Priority.class);
            if (p != null) {
                return p.value();
            }
        }
        return 0;
    }
}
