package io.postmaster.endpoint;

import io.postmaster.spi.PublishOptions;
import io.postmaster.spi.WampClient;
import io.postmaster.spi.WampEvent;
import io.postmaster.spi.WampSession;
import io.postmaster.spi.WampSubscription;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code @WampSubscription} beans and the injected {@link WampClient} in a CDI container (Weld SE) with only
 * Postmaster's beans and the bean under test: events reach the method with JSON-B mapping, and a subscription the
 * realm's rules refuse fails the start, naming the method and the refusal. Default settings: {@code realm1} open,
 * role {@code anonymous} may do everything, no other role anything.
 */
class ServerSubscriptionsTest {

    /** Takes the whole event: no JSON-B needed (the unit tests have no JSON-B provider; it/ApplicationClientIT maps). */
    @ApplicationScoped
    public static class OrderDesk {
        final LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();

        @WampSubscription(value = "com.example.orders", realm = "realm1", authid = "desk", authrole = "anonymous")
        public void ordered(WampEvent event) {
            seen.add(event.kwargs().get("item") + "x" + event.kwargs().get("quantity") + " on " + event.topic()
                    + " " + Thread.currentThread().getName());
        }

        String next() throws InterruptedException {
            return seen.poll(5, TimeUnit.SECONDS);
        }
    }

    @ApplicationScoped
    public static class Forbidden {
        @WampSubscription(value = "com.example.orders", realm = "realm1", authrole = "nobody")
        public void ordered(WampEvent event) {
        }
    }

    /** Blocks on its first event until released: its session falls behind. */
    @ApplicationScoped
    public static class Sluggard {
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final LinkedBlockingQueue<Object> seen = new LinkedBlockingQueue<>();

        @WampSubscription(value = "com.example.flood", realm = "realm1", authrole = "anonymous")
        public void flooded(WampEvent event) throws InterruptedException {
            release.await(5, TimeUnit.SECONDS);
            seen.add(event.args().get(0));
        }

        void release() {
            release.countDown();
        }

        Object next(long ms) throws InterruptedException {
            return seen.poll(ms, TimeUnit.MILLISECONDS);
        }
    }

    static Weld weld(String id, Class<?> bean) {
        return new Weld(id).disableDiscovery().addBeanClasses(PostmasterRuntime.class, ExtensionPoints.class,
                ServerProcedures.class, DefaultCredentialStore.class, DefaultPermissionProvider.class,
                DefaultAuthorizer.class, ApplicationClient.class, ServerSubscriptions.class, bean);
    }

    @Test
    void eventsReachTheMethodOnTheExecutor() throws Exception {
        try (WeldContainer c = weld("subscriptions-ok", OrderDesk.class).initialize()) {
            OrderDesk desk = c.select(OrderDesk.class).get();
            WampSession s = c.select(WampClient.class).get().join("realm1", "shop", "anonymous")
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            s.publish("com.example.orders", null, Map.of("item", "tea", "quantity", 2),
                    PublishOptions.DEFAULTS.acknowledged()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            String seen = desk.next(); // through the bean's proxy
            assertNotNull(seen, "the subscribed method was called");
            assertTrue(seen.startsWith("teax2 on com.example.orders postmaster-app-"), seen);
        }
    }

    @Test
    void aSessionDroppedForFallingBehindSubscribesAgain() throws Exception {
        String previous = System.setProperty("postmaster.outbound-queue", "4");
        try (WeldContainer c = weld("subscriptions-dropped", Sluggard.class).initialize()) {
            Sluggard bean = c.select(Sluggard.class).get();
            WampSession s = c.select(WampClient.class).get().join("realm1", "flooder", "anonymous")
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            for (long i = 0; i < 10; i++) {
                s.publish("com.example.flood", java.util.List.of(i), null, PublishOptions.DEFAULTS.acknowledged())
                        .toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            bean.release(); // the session was dropped meanwhile (4 events behind) and joins again
            Object got = null;
            for (int i = 0; i < 100 && !"after".equals(got); i++) {
                s.publish("com.example.flood", java.util.List.of("after"), null);
                got = bean.next(50);
                while (got != null && !"after".equals(got)) {
                    got = bean.next(50); // what it had taken before it was dropped
                }
            }
            assertEquals("after", got, "subscribed again after being dropped");
        } finally {
            if (previous == null) {
                System.clearProperty("postmaster.outbound-queue");
            } else {
                System.setProperty("postmaster.outbound-queue", previous);
            }
        }
    }

    @Test
    void aSubscriptionTheRulesRefuseFailsTheStart() {
        Exception e = assertThrows(Exception.class, () -> weld("subscriptions-refused", Forbidden.class).initialize()
                .close());
        String all = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            all += t.getMessage() + "\n";
        }
        assertTrue(all.contains("Forbidden.ordered") && all.contains("wamp.error.not_authorized"), all);
    }
}
