package io.postmaster.inprocess;

import io.postmaster.config.AuthConfig;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Connection;
import io.postmaster.router.Extensions;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.Action;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.CallOptions;
import io.postmaster.spi.CallResult;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.PublishOptions;
import io.postmaster.router.SessionListener;
import io.postmaster.spi.WampEvent;
import io.postmaster.spi.WampException;
import io.postmaster.spi.WampSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The in-process client against a plain router: the options of publish and call reach the broker and dealer, its
 * actions are authorized by the role given, its handlers run on the executor, what it holds is bounded, and a
 * transport from the network cannot claim its login.
 */
class LocalClientTest {
    static final String EXECUTOR_THREAD = "test-executor-";
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> new Thread(r, EXECUTOR_THREAD + threads.incrementAndGet()));
    Router router;
    LocalClient client;

    /** Roles: {@code service} may do everything, {@code reader} only subscribe, {@code anonymous} everything. */
    void start(Map<String, String> settings) {
        PostmasterConfig config = PostmasterConfig.from(settings::get);
        Map<String, Permissions> roles = Map.of(
                "service", AuthConfig.parsePermissions("service", "* prefix all"),
                "reader", AuthConfig.parsePermissions("reader", "* prefix subscribe"),
                "anonymous", AuthConfig.parsePermissions("anonymous", "* prefix all"));
        Authenticator anonymous = new Authenticator() {
            public String authmethod() { return "anonymous"; }
            public AuthResult hello(HelloDetails h) {
                return AuthResult.accept(new Identity("anon", "anonymous", "static", Map.of()));
            }
            public AuthResult authenticate(HelloDetails h, AuthResult.Challenge c, String s, Map<String, Object> e) {
                return AuthResult.deny("none");
            }
        };
        // The realm even lists "internal" among its methods: a network client still cannot use the in-process login.
        Extensions ext = new Extensions(Map.of("anonymous", anonymous), realm -> Set.of("anonymous", "internal"),
                s -> roles.getOrDefault(s.authrole(), Permissions.NONE), (s, p, uri, a) -> p.decide(uri, a),
                SessionListener.NONE, executor);
        router = new Router(config, timers, ext);
        client = new LocalClient(router, executor, null);
    }

    void start() {
        start(Map.of());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (router != null) {
            router.close();
        }
        timers.shutdownNow();
        executor.shutdownNow();
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    static WampException failure(CompletionStage<?> stage) {
        return assertThrows(WampException.class, () -> await(stage));
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    WampSession join(String authid, String role) throws Exception {
        return await(client.join("realm1", authid, role));
    }

    @Test
    void joinsAsTheIdentityGivenInCode() throws Exception {
        start();
        WampSession s = join("billing", "service");
        assertTrue(s.isOpen());
        assertEquals("billing", s.details().authid());
        assertEquals("service", s.details().authrole());
        assertEquals(LocalClient.AUTHMETHOD, s.details().authmethod());
        assertEquals(1, router.realm("realm1").sessions().size());
        assertEquals(ErrorUris.NO_SUCH_REALM, failure(client.join("nowhere", "billing", "service")).error());
        assertEquals(ErrorUris.INVALID_ARGUMENT, failure(client.join("realm1", "", "service")).error());
        assertEquals(ErrorUris.INVALID_ARGUMENT, failure(s.publish(null, List.of(), null)).error(),
                "an application's mistake fails its request, not its session");
        assertEquals(ErrorUris.INVALID_ARGUMENT, failure(s.call(null, List.of(), null)).error());
        assertTrue(s.isOpen());
    }

    @Test
    void publishOptionsReachTheBroker() throws Exception {
        start();
        WampSession pub = join("pub", "service");
        WampSession a = join("a", "service");
        WampSession b = join("b", "service");
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        List<String> handlerThreads = Collections.synchronizedList(new ArrayList<>());
        for (WampSession s : List.of(pub, a, b)) {
            await(s.subscribe("com.example.topic", e -> {
                handlerThreads.add(Thread.currentThread().getName());
                got.add(s.details().authid() + ":" + e.args() + ":" + e.details().get("publisher_authid"));
            }));
        }
        Long id = await(pub.publish("com.example.topic", List.of(1, "x"), null, PublishOptions.DEFAULTS.acknowledged()));
        assertNotNull(id, "an acknowledged publication has an ID");
        assertEquals(Set.of("a:[1, x]:null", "b:[1, x]:null"), Set.of(got.poll(5, TimeUnit.SECONDS),
                got.poll(5, TimeUnit.SECONDS)), "the publisher is excluded by default; integers arrive as longs");

        await(pub.publish("com.example.topic", List.of(2), null, PublishOptions.DEFAULTS.acknowledged()
                .excludeMe(false).excluding(List.of(a.details().sessionId())).disclosed()));
        assertEquals(Set.of("pub:[2]:pub", "b:[2]:pub"), Set.of(got.poll(5, TimeUnit.SECONDS),
                got.poll(5, TimeUnit.SECONDS)), "exclude_me false, exclude, disclose_me");

        await(pub.publish("com.example.topic", List.of(3), null, PublishOptions.DEFAULTS.acknowledged()
                .eligible(List.of(b.details().sessionId()))));
        assertEquals("b:[3]:null", got.poll(5, TimeUnit.SECONDS), "eligible");
        assertNull(got.poll(100, TimeUnit.MILLISECONDS), "only the eligible session");

        await(pub.publish("com.example.retained", List.of("kept"), null, PublishOptions.DEFAULTS.acknowledged().retained()));
        WirePeer late = WirePeer.join(router, Map.of("subscriber", Map.of()));
        late.in(new WampMessage.Subscribe(1, Map.of("get_retained", true), "com.example.retained"));
        late.next(WampMessage.Subscribed.class);
        assertEquals(List.of("kept"), late.next(WampMessage.Event.class).args(), "retain");

        assertTrue(handlerThreads.stream().allMatch(t -> t.startsWith(EXECUTOR_THREAD)),
                "handlers run on the executor: " + handlerThreads);
    }

    @Test
    void actionsAreAuthorizedByTheRoleGiven() throws Exception {
        start();
        WampSession reader = join("r", "reader");
        assertEquals(ErrorUris.NOT_AUTHORIZED, failure(reader.publish("com.example.t", List.of(), null,
                PublishOptions.DEFAULTS.acknowledged())).error());
        assertEquals(ErrorUris.NOT_AUTHORIZED, failure(reader.call("com.example.p", List.of(), null)).error());
        assertEquals(ErrorUris.NOT_AUTHORIZED, failure(reader.register("com.example.p", i -> null)).error());
        assertNotNull(await(reader.subscribe("com.example.t", e -> { })));
        WampSession nobody = join("n", "no-such-role");
        assertEquals(ErrorUris.NOT_AUTHORIZED, failure(nobody.subscribe("com.example.t", e -> { })).error(),
                "a role without rules may do nothing");
        assertEquals(ErrorUris.INVALID_URI, failure(reader.subscribe("com..bad", e -> { })).error());
    }

    @Test
    void callsRegisteredProceduresAndGetsErrors() throws Exception {
        start();
        WampSession callee = join("callee", "service");
        WampSession caller = join("caller", "service");
        List<String> procedureThreads = Collections.synchronizedList(new ArrayList<>());
        WampSession.Registration reg = await(callee.register("com.example.add", inv -> {
            procedureThreads.add(Thread.currentThread().getName());
            return CallResult.of((Long) inv.args().get(0) + (Long) inv.args().get(1), inv.details().get("caller_authid"));
        }));
        await(callee.register("com.example.fail", inv -> {
            throw new WampException("com.example.error.nope", List.of("why"), Map.of("k", 1L));
        }));
        CallResult r = await(caller.call("com.example.add", List.of(2, 3), null, CallOptions.DEFAULTS.disclosed()));
        assertEquals(List.of(5L, "caller"), r.args());
        WampException e = failure(caller.call("com.example.fail", List.of(), null));
        assertEquals("com.example.error.nope", e.error());
        assertEquals(List.of("why"), e.args());
        assertEquals(ErrorUris.NO_SUCH_PROCEDURE, failure(caller.call("com.example.none", List.of(), null)).error());
        await(reg.unregister());
        assertEquals(ErrorUris.NO_SUCH_PROCEDURE, failure(caller.call("com.example.add", List.of(1, 1), null)).error());
        assertTrue(procedureThreads.stream().allMatch(t -> t.startsWith(EXECUTOR_THREAD)), procedureThreads.toString());
        assertEquals(ErrorUris.INVALID_ARGUMENT, failure(caller.call("com.example.add", List.of(new Object()), null))
                .error(), "a value with no WAMP form is refused before it is sent");
    }

    /** A callee over an in-memory "wire" transport, which answers progressively or never. */
    @Test
    void progressiveResultsInOrderAndCancel() throws Exception {
        start();
        WirePeer callee = WirePeer.join(router, Map.of("callee", Map.of("features",
                Map.of("progressive_call_results", true, "call_canceling", true))));
        callee.in(new WampMessage.Register(1, Map.of(), "com.example.stream"));
        callee.next(WampMessage.Registered.class);
        WampSession caller = join("caller", "service");
        List<Object> progress = Collections.synchronizedList(new ArrayList<>());
        CompletionStage<CallResult> call = caller.call("com.example.stream", List.of(), null,
                CallOptions.DEFAULTS.onProgress(p -> progress.add(p.args().get(0))));
        WampMessage.Invocation inv = callee.next(WampMessage.Invocation.class);
        assertEquals(true, inv.details().get("receive_progress"));
        for (long i = 1; i <= 3; i++) {
            callee.in(new WampMessage.Yield(inv.request(), Map.of("progress", true), List.of(i), null));
        }
        callee.in(new WampMessage.Yield(inv.request(), Map.of(), List.of("done"), null));
        assertEquals(List.of("done"), await(call).args());
        assertEquals(List.of(1L, 2L, 3L), progress, "progressive results, in order, before the final one");

        CompletionStage<CallResult> slow = caller.call("com.example.stream", List.of(), null,
                CallOptions.DEFAULTS.cancelMode("kill"));
        WampMessage.Invocation second = callee.next(WampMessage.Invocation.class);
        assertTrue(slow.toCompletableFuture().cancel(true));
        assertThrows(CancellationException.class, () -> slow.toCompletableFuture().join());
        WampMessage.Interrupt interrupt = callee.next(WampMessage.Interrupt.class);
        assertEquals(second.request(), interrupt.request(), "the callee is told of the cancellation");
        callee.in(new WampMessage.Error(io.postmaster.message.MessageType.INVOCATION.code(), second.request(),
                Map.of(), ErrorUris.CANCELED, null, null));

        CompletionStage<CallResult> timed = caller.call("com.example.stream", List.of(), null,
                CallOptions.DEFAULTS.timeout(Duration.ofMillis(50)));
        callee.next(WampMessage.Invocation.class);
        assertEquals(ErrorUris.TIMEOUT, failure(timed).error(), "the timeout is the router's");
    }

    @Test
    void aHandlerThatCannotKeepUpEndsItsSessionNotTheRouter() throws Exception {
        start(Map.of("postmaster.outbound-queue", "8"));
        WampSession slow = join("slow", "service");
        WampSession pub = join("pub", "service");
        CountDownLatch release = new CountDownLatch(1);
        await(slow.subscribe("com.example.flood", e -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
        }));
        for (int i = 0; i < 20; i++) {
            await(pub.publish("com.example.flood", List.of(i), null, PublishOptions.DEFAULTS.acknowledged()));
        }
        waitFor(() -> router.realm("realm1").sessions().size() == 1, "the slow session to be cut");
        release.countDown();
        waitFor(() -> !slow.isOpen(), "the slow session to learn it ended");
        assertEquals(ErrorUris.CLOSE_LOST, await(slow.ended()), "dropped, not left");
        assertEquals(ErrorUris.CANCELED, failure(slow.subscribe("com.example.x", e -> { })).error());
        assertTrue(pub.isOpen(), "the publisher is not held up");
    }

    @Test
    void leavingAndClosingEndEverySession() throws Exception {
        start();
        WampSession a = join("a", "service");
        WampSession b = join("b", "service");
        await(a.subscribe("com.example.t", e -> { }));
        await(b.register("com.example.p", i -> null));
        await(a.leave());
        assertFalse(a.isOpen());
        assertEquals(ErrorUris.CLOSE_NORMAL, await(a.ended()));
        assertEquals(ErrorUris.CANCELED, failure(a.publish("com.example.t", List.of(), null,
                PublishOptions.DEFAULTS.acknowledged())).error());
        client.close();
        waitFor(() -> router.realm("realm1").sessions().isEmpty(), "every session to leave");
        waitFor(() -> client.sessions() == 0, "the client to forget them");
        WirePeer other = WirePeer.join(router, Map.of("caller", Map.of()));
        other.in(new WampMessage.Call(1, Map.of(), "com.example.p", null, null));
        assertEquals(ErrorUris.NO_SUCH_PROCEDURE, other.next(WampMessage.Error.class).error(),
                "the registration went with its session");
        assertEquals(ErrorUris.SYSTEM_SHUTDOWN, failure(client.join("realm1", "late", "service")).error());

        WampSession c = await(new LocalClient(router, executor, null).join("realm1", "c", "service"));
        router.close();
        assertEquals(ErrorUris.SYSTEM_SHUTDOWN, await(c.ended()), "the router's GOODBYE says why");
    }

    @Test
    void aNetworkTransportCannotClaimTheInProcessLogin() throws Exception {
        start();
        WirePeer p = new WirePeer();
        p.connection = router.connect(p);
        p.in(new WampMessage.Hello("realm1", Map.of("roles", Map.of("caller", Map.of()),
                "authmethods", List.of(LocalClient.AUTHMETHOD), "authid", "billing", "authrole", "service")));
        WampMessage.Abort abort = p.next(WampMessage.Abort.class);
        assertEquals(ErrorUris.NO_AUTH_METHOD, abort.reason());
        assertTrue(router.realm("realm1").sessions().isEmpty());
    }

    /** A transport as the endpoint's are: not an {@code InProcessPeer}; messages go through the JSON codec. */
    static final class WirePeer implements Peer {
        static final JsonSerializer JSON = new JsonSerializer();
        final LinkedBlockingQueue<WampMessage> received = new LinkedBlockingQueue<>();
        Connection connection;

        static WirePeer join(Router router, Map<String, Object> roles) throws Exception {
            WirePeer p = new WirePeer();
            p.connection = router.connect(p);
            p.in(new WampMessage.Hello("realm1", Map.of("roles", roles)));
            p.next(WampMessage.Welcome.class);
            return p;
        }

        void in(WampMessage m) {
            connection.onMessage(m);
        }

        <T extends WampMessage> T next(Class<T> type) throws Exception {
            WampMessage m = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(m, "expected " + type.getSimpleName());
            assertInstanceOf(type, m);
            return type.cast(m);
        }

        @Override
        public void send(Outgoing message) {
            try {
                received.add(JSON.decode(((io.postmaster.serialization.Frame.Text) message.frame(JSON)).text()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close(int code, String reason) {
            executorless(() -> connection.onTransportClosed());
        }

        private static void executorless(Runnable r) {
            CompletableFuture.runAsync(r);
        }

        @Override
        public TransportInfo transport() {
            return new TransportInfo("192.0.2.1:5000", "wamp.2.json");
        }
    }
}
