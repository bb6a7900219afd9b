package io.postmaster.endpoint;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.spi.WampEvent;
import io.postmaster.spi.WampSession;
import io.postmaster.spi.WampSubscription;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds the {@link WampSubscription} methods of the application's beans at startup and subscribes each through a
 * session of the {@link ApplicationClient} (one per realm, authid and role), with JSON-B mapping each event's
 * arguments to the method's parameters. A subscription the router refuses fails the deployment.
 */
@ApplicationScoped
public class ServerSubscriptions {
    private static final Logger LOG = Logger.getLogger(ServerSubscriptions.class.getName());
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog DROPPED = new RateLimitedLog(LOG, Level.WARNING);
    /** Joining and subscribing are in-process and quick; this only bounds a deployment that cannot start. */
    private static final long STARTUP_SECONDS = 30;

    @Inject
    BeanManager beans;
    @Inject
    ApplicationClient client;
    @Inject
    PostmasterRuntime runtime;

    private volatile Jsonb jsonb;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        subscribeAll();
    }

    /** The subscriptions of one session: same realm, authid and role. */
    private record Group(String realm, String authid, String authrole, List<Subscriber> subscribers) {
    }

    private record Subscriber(WampSubscription annotation, Object instance, Method method) {
    }

    private void subscribeAll() {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            for (Method m : type.getMethods()) {
                WampSubscription s = m.getAnnotation(WampSubscription.class);
                if (s == null) {
                    continue;
                }
                if (Modifier.isStatic(m.getModifiers())) {
                    throw new IllegalStateException("@WampSubscription " + m + " must not be static");
                }
                Object instance = beans.getReference(bean, type, beans.createCreationalContext(bean));
                List<String> realms = s.realm().isEmpty()
                        ? runtime.router().realms().stream().map(r -> r.name()).toList() : List.of(s.realm());
                for (String realm : realms) {
                    groups.computeIfAbsent(realm + "\n" + s.authid() + "\n" + s.authrole(),
                            k -> new Group(realm, s.authid(), s.authrole(), new ArrayList<>()))
                            .subscribers().add(new Subscriber(s, instance, m));
                }
                LOG.info(() -> "@WampSubscription " + s.value() + " → " + type.getName() + "." + m.getName()
                        + " (as " + s.authid() + ", role " + s.authrole() + ")");
            }
        }
        for (Group g : groups.values()) {
            WampSession session = await(client.join(g.realm(), g.authid(), g.authrole()).toCompletableFuture(),
                    g.subscribers().get(0).method(), "join " + g.realm() + " as " + g.authid() + " (" + g.authrole()
                            + ")");
            for (Subscriber sub : g.subscribers()) {
                await(subscribe(session, sub).toCompletableFuture(), sub.method(), "subscribe to "
                        + sub.annotation().value() + " in " + g.realm());
            }
            rejoinWhenDropped(g, session);
        }
    }

    private CompletionStage<WampSession.Subscription> subscribe(WampSession session, Subscriber sub) {
        return session.subscribe(sub.annotation().value(), sub.annotation().match(),
                e -> deliver(sub.instance(), sub.method(), e));
    }

    /**
     * A session the router dropped because its methods fell behind ({@code wamp.close.lost}) joins and subscribes
     * again: the methods miss what came meanwhile, not every later event. Any other end (the application stopping, an
     * operator's kill) is final.
     */
    private void rejoinWhenDropped(Group g, WampSession session) {
        session.ended().thenAccept(reason -> {
            if (!ErrorUris.CLOSE_LOST.equals(reason)) {
                return;
            }
            DROPPED.log(() -> "the session of the @WampSubscription methods of " + g.authid() + " in " + g.realm()
                    + " was dropped for falling behind; events were missed. Joining again");
            client.join(g.realm(), g.authid(), g.authrole()).thenCompose(s -> {
                CompletableFuture<?>[] all = g.subscribers().stream()
                        .map(sub -> subscribe(s, sub).toCompletableFuture()).toArray(CompletableFuture[]::new);
                return CompletableFuture.allOf(all).thenApply(v -> s);
            }).whenComplete((s, failure) -> {
                if (failure != null) {
                    FAILED.log(() -> "the @WampSubscription methods of " + g.authid() + " in " + g.realm()
                            + " could not subscribe again", failure);
                } else {
                    rejoinWhenDropped(g, s);
                }
            });
        });
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f, Method m, String what) {
        try {
            return f.get(STARTUP_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("@WampSubscription " + m + ": could not " + what + ": " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("@WampSubscription " + m + ": could not " + what + " within "
                    + STARTUP_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("@WampSubscription " + m + ": interrupted", e);
        }
    }

    private Jsonb jsonb() {
        Jsonb j = jsonb;
        if (j == null) {
            synchronized (this) {
                if (jsonb == null) {
                    jsonb = JsonbBuilder.create();
                }
                j = jsonb;
            }
        }
        return j;
    }

    /** Calls the method with the event, as {@link io.postmaster.spi.WampProcedure} methods are called. */
    private void deliver(Object instance, Method m, WampEvent event) {
        Parameter[] params = m.getParameters();
        Object[] values = new Object[params.length];
        List<Integer> dataParams = new ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            if (params[i].getType() == WampEvent.class) {
                values[i] = event;
            } else {
                dataParams.add(i);
            }
        }
        boolean fromKwargs = event.args().isEmpty() && !event.kwargs().isEmpty() && dataParams.size() == 1;
        try {
            for (int k = 0; k < dataParams.size(); k++) {
                int i = dataParams.get(k);
                Object raw = fromKwargs ? event.kwargs() : k < event.args().size() ? event.args().get(k) : null;
                if (raw == null && params[i].getType().isPrimitive()) {
                    throw new IllegalArgumentException("missing argument " + k);
                }
                Jsonb j = jsonb();
                values[i] = raw == null ? null : j.fromJson(j.toJson(raw), params[i].getParameterizedType());
            }
        } catch (RuntimeException e) { // the publisher's payload does not fit: its problem, not the router's
            FAILED.log(() -> "an event on " + event.topic() + " does not fit @WampSubscription " + m + "; skipped ("
                    + e + ")");
            return;
        }
        try {
            m.invoke(instance, values);
        } catch (InvocationTargetException e) {
            FAILED.log(() -> "@WampSubscription " + m + " failed on an event of " + event.topic(), e.getCause());
        } catch (IllegalAccessException e) {
            FAILED.log(() -> "@WampSubscription " + m + " cannot be called", e);
        }
    }
}
