package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.spi.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The router's own bursts go out paced (not as traffic to judge a slow consumer by), and a message whose handling
 * fails — even with an {@link Error} — ends in an answer or a close, logged at WARNING.
 */
class RouterBurstsAndFailuresTest extends RouterFixture {


    @BeforeEach
    void start() {
        start(PostmasterConfig.defaults());
    }

    @AfterEach
    void stop() {
        router.close();
    }


    @Test
    void whatALeavingSessionLeavesBehindIsSentPaced() {
        TestPeer callee = join("callee");
        callee.in(new Register(1, Map.of(), "com.p"));
        callee.next(Registered.class);
        callee.in(new Call(1, Map.of(), "wamp.session.add_testament", List.of("com.t", List.of("bye"), Map.of()), null));
        callee.next(Result.class);
        TestPeer caller = join("caller");
        TestPeer subscriber = join("subscriber");
        subscriber.in(new Subscribe(1, Map.of(), "com.t"));
        subscriber.next(Subscribed.class);
        for (long i = 1; i <= 100; i++) {
            caller.in(new Call(i, Map.of(), "com.p", List.of(i), null));
        }
        for (int i = 0; i < 100; i++) {
            callee.next(Invocation.class);
        }
        assertTrue(caller.paced.isEmpty() && subscriber.paced.isEmpty(), "nothing paced while clients route");
        callee.close(1000, "gone");
        for (long i = 1; i <= 100; i++) {
            WampMessage.Error e = caller.next(WampMessage.Error.class);
            assertEquals(i, e.request());
            assertEquals(ErrorUris.CANCELED, e.error());
        }
        assertEquals(100, caller.paced.size(), "the callers' errors are the router's burst");
        assertEquals(List.of("bye"), subscriber.next(Event.class).args());
        assertEquals(1, subscriber.paced.size(), "so is the testament");
        caller.in(new Call(101, Map.of(), "com.other", null, null));
        assertEquals(ErrorUris.NO_SUCH_PROCEDURE, caller.next(WampMessage.Error.class).error());
        assertEquals(100, caller.paced.size(), "answers to the caller's own requests are not");
    }

    @Test
    void anErrorWhileRoutingClosesTheConnectionWith1011AndIsLogged() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        List<LogRecord> warnings = new ArrayList<>();
        Handler capture = capture(warnings, Logger.getLogger(Connection.class.getName()));
        try {
            PostmasterConfig config = PostmasterConfig.defaults();
            Extensions open = Extensions.openRealms(config);
            router.close();
            start(config, new Extensions(open.authenticators(), open.authmethods(),
                    open.permissions(), (s, p, uri, a) -> {
                        if (uri.startsWith("com.oom.")) {
                            throw new OutOfMemoryError("simulated");
                        }
                        return p.decide(uri, a);
                    }, open.listener(), executor));
            TestPeer victim = join("victim");
            TestPeer bystander = join("bystander");
            victim.in(new Subscribe(1, Map.of(), "com.oom.topic"));
            assertEquals(1011, victim.closeCode, "not left waiting: closed as an internal error");
            assertNull(victim.connection.session(), "the session and what it held are gone");
            assertTrue(warnings.stream().anyMatch(r -> r.getLevel() == Level.WARNING
                    && r.getMessage().contains("SUBSCRIBE")), "logged at WARNING");
            bystander.in(new Subscribe(1, Map.of(), "com.fine"));
            bystander.next(Subscribed.class);
        } finally {
            Logger.getLogger(Connection.class.getName()).removeHandler(capture);
            executor.shutdownNow();
        }
    }

    @Test
    void anInterceptorThatThrowsAnErrorRejectsThePublicationAndTheLaneGoesOn() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            PostmasterConfig config = PostmasterConfig.defaults();
            Extensions open = Extensions.openRealms(config);
            router.close();
            start(config, new Extensions(open.authenticators(), open.authmethods(),
                    open.permissions(), open.authorizer(), open.listener(), executor)
                    .withInterceptors(List.of(p -> {
                        if (p.topic().equals("com.oom")) {
                            throw new OutOfMemoryError("simulated");
                        }
                        if (p.topic().equals("com.soe")) {
                            throw new StackOverflowError();
                        }
                        return Verdict.pass();
                    }), List.of()));
            TestPeer pub = join("pub");
            pub.in(new Publish(1, Map.of("acknowledge", true), "com.oom", List.of(), null));
            pub.in(new Publish(2, Map.of("acknowledge", true), "com.soe", List.of(), null));
            pub.in(new Publish(3, Map.of("acknowledge", true), "com.fine", List.of(), null));
            WampMessage.Error e1 = pub.next(WampMessage.Error.class);
            assertEquals(1, e1.request());
            assertEquals(ErrorUris.RUNTIME_ERROR, e1.error());
            WampMessage.Error e2 = pub.next(WampMessage.Error.class);
            assertEquals(2, e2.request());
            assertEquals(MessageType.PUBLISH.code(), e2.requestType());
            assertEquals(3, pub.next(Published.class).request(), "the session's lane goes on");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aLaneSurvivesATaskThatThrowsAnError() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor lane = new SerialExecutor(pool);
            CountDownLatch after = new CountDownLatch(1);
            AtomicBoolean ran = new AtomicBoolean();
            lane.execute(() -> {
                throw new OutOfMemoryError("simulated");
            });
            lane.execute(() -> {
                ran.set(true);
                after.countDown();
            });
            assertTrue(after.await(2, TimeUnit.SECONDS), "the task after the failing one ran");
            assertTrue(ran.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Handler capture(List<LogRecord> into, Logger logger) {
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (into) {
                    into.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(h);
        return h;
    }
}
