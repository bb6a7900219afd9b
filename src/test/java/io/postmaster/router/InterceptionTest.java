package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.spi.CallInterceptor;
import io.postmaster.spi.PublishInterceptor;
import io.postmaster.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Publish and call interceptors: pass, replace, reject, drop, failure, and publication order per publisher. */
class InterceptionTest extends RouterFixture {

    ExecutorService executor = Executors.newFixedThreadPool(4);

    static final PublishInterceptor PUBLISH = p -> switch (p.topic()) {
        case "com.replace" -> Verdict.replace(List.of("replaced", p.publisher().authid()), Map.of("k", "v"));
        case "com.reject" -> new Verdict.Reject("com.example.error.rejected", List.of("no"), null);
        case "com.drop" -> Verdict.drop();
        case "com.boom" -> throw new IllegalStateException("secret detail");
        case "com.slow" -> {
            Thread.sleep(ThreadLocalRandom.current().nextInt(2));
            yield Verdict.pass();
        }
        default -> Verdict.pass();
    };

    static final CallInterceptor CALL = c -> switch (c.procedure()) {
        case "com.p.replace" -> Verdict.replace(List.of(42), null);
        case "com.p.reject" -> Verdict.reject("com.example.error.nope");
        case "com.p.drop" -> Verdict.drop();
        default -> Verdict.pass();
    };

    void start() {
        PostmasterConfig config = PostmasterConfig.from(k -> null);
        Extensions open = ClaimedAuthids.of(config);
        start(config, new Extensions(open.authenticators(), open.authmethods(),
                open.permissions(), open.authorizer(), open.listener(), executor)
                .withInterceptors(List.of(PUBLISH), List.of(CALL)));
    }

    @AfterEach
    void stop() {
        router.close();
        executor.shutdownNow();
    }

    @Override
    TestPeer join(String name) {
        return join("realm1", name, ROLES, name);
    }

    TestPeer subscriber(String topic) {
        TestPeer s = join("sub-" + topic);
        s.in(new Subscribe(1, Map.of(), topic));
        s.next(Subscribed.class);
        return s;
    }

    @Test
    void publishVerdicts() {
        start();
        TestPeer pub = join("pub");
        TestPeer replace = subscriber("com.replace");
        TestPeer reject = subscriber("com.reject");
        TestPeer drop = subscriber("com.drop");
        TestPeer boom = subscriber("com.boom");
        Map<String, Object> ack = Map.of("acknowledge", true);

        pub.in(new Publish(1, ack, "com.replace", List.of("original"), null));
        pub.next(Published.class);
        Event e = replace.next(Event.class);
        assertEquals(List.of("replaced", "pub"), e.args());
        assertEquals(Map.of("k", "v"), e.kwargs());

        pub.in(new Publish(2, ack, "com.reject", List.of(1), null));
        WampMessage.Error err = pub.next(WampMessage.Error.class);
        assertEquals("com.example.error.rejected", err.error());
        assertEquals(List.of("no"), err.args());

        pub.in(new Publish(3, ack, "com.drop", List.of(1), null));
        pub.next(Published.class); // acknowledged, but delivered to nobody

        pub.in(new Publish(4, ack, "com.boom", List.of(1), null));
        WampMessage.Error boomErr = pub.next(WampMessage.Error.class);
        assertEquals(ErrorUris.RUNTIME_ERROR, boomErr.error());
        assertFalse(boomErr.toString().contains("secret detail"), "the exception is not sent");

        pub.in(new Publish(5, Map.of(), "com.reject", List.of(1), null)); // not acknowledged: no answer
        pub.nothingMore(100);
        reject.nothingMore(10);
        drop.nothingMore(10);
        boom.nothingMore(10);
    }

    @Test
    void onePublishersEventsKeepTheirOrderThroughInterceptors() {
        start();
        TestPeer sub = subscriber("com.slow");
        TestPeer pub = join("pub");
        int n = 300;
        for (int i = 0; i < n; i++) {
            pub.in(new Publish(i + 1, Map.of(), "com.slow", List.of((long) i), null));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(List.of((long) i), sub.next(Event.class).args(), "event " + i);
        }
    }

    @Test
    void callVerdicts() {
        start();
        TestPeer callee = join("callee");
        for (String p : List.of("com.p.replace", "com.p.reject", "com.p.drop", "com.p.pass")) {
            callee.in(new Register(1, Map.of(), p));
            callee.next(Registered.class);
        }
        TestPeer caller = join("caller");
        caller.in(new Call(1, Map.of(), "com.p.replace", List.of(1), null));
        Invocation inv = callee.next(Invocation.class);
        assertEquals(List.of(42L), inv.args());
        callee.in(new Yield(inv.request(), Map.of(), List.of("r"), null));
        assertEquals(List.of("r"), caller.next(Result.class).args());

        caller.in(new Call(2, Map.of(), "com.p.reject", List.of(1), null));
        assertEquals("com.example.error.nope", caller.next(WampMessage.Error.class).error());
        caller.in(new Call(3, Map.of(), "com.p.drop", List.of(1), null));
        assertEquals(ErrorUris.CANCELED, caller.next(WampMessage.Error.class).error(), "every call ends");
        callee.nothingMore(100);

        caller.in(new Call(4, Map.of(), "com.p.pass", List.of(7), null));
        assertEquals(List.of(7L), callee.next(Invocation.class).args());
    }
}
