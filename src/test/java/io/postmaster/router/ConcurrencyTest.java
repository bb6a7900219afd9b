package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** The routing invariants under real concurrency: ordering per publisher, and every CALL ends exactly once. */
class ConcurrencyTest extends RouterFixture {

    @BeforeEach
    void start() {
        start(PostmasterConfig.defaults());
    }

    @AfterEach
    void stop() {
        router.close();
    }

    /**
     * A peer on another thread (a bridge handing the next pipelined operation to its executor) may act on SUBSCRIBED
     * the moment it is queued, before the SUBSCRIBE's own thread has returned: the subscription must be the
     * session's by then. Deterministic: the UNSUBSCRIBE runs while the subscribing thread is held inside the send of
     * SUBSCRIBED, until the UNSUBSCRIBE is answered or waits for the table.
     */
    @Test
    void anUnsubscribeSentTheMomentSubscribedIsQueuedFindsTheSubscription() throws Exception {
        TestPeer p = join("p");
        AtomicBoolean once = new AtomicBoolean();
        p.onSend = () -> {
            if (!once.compareAndSet(false, true)) {
                return;
            }
            long id = subscription(realm(), "t.ahead").id();
            Thread other = new Thread(() -> p.in(new Unsubscribe(2, id)), "other-thread");
            other.start();
            await(() -> other.getState() == Thread.State.TERMINATED || other.getState() == Thread.State.BLOCKED,
                    "the UNSUBSCRIBE answered or waiting for the table");
        };
        p.in(new Subscribe(1, Map.of(), "t.ahead"));
        assertInstanceOf(Subscribed.class, p.next(), "SUBSCRIBED first");
        assertInstanceOf(Unsubscribed.class, p.next(), "then UNSUBSCRIBED, not ERROR no_such_subscription");
        await(() -> noSubscriptions(realm()), "the subscription removed");
    }


    @Test
    void eventsOfEachPublisherArriveInOrderWhileSubscriptionsChurn() throws Exception {
        int publishers = 4, perPublisher = 3000;
        List<TestPeer> subs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestPeer s = join("sub" + i);
            s.in(new Subscribe(1, Map.of(), "com.t"));
            s.next(Subscribed.class);
            subs.add(s);
        }
        AtomicBoolean done = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> churnFailure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread churn = new Thread(() -> { // subscribe/unsubscribe on the same topic from other sessions meanwhile
            try {
                TestPeer c = join("churn");
                long req = 10;
                while (!done.get()) {
                    c.in(new Subscribe(++req, Map.of(), "com.t"));
                    // No EVENT may precede SUBSCRIBED, nor follow UNSUBSCRIBED.
                    WampMessage m = c.next();
                    assertInstanceOf(Subscribed.class, m, "the first message after SUBSCRIBE");
                    c.in(new Unsubscribe(++req, ((Subscribed) m).subscription()));
                    while ((m = c.next()) instanceof Event) {
                        // events queued before UNSUBSCRIBED are fine
                    }
                    assertInstanceOf(Unsubscribed.class, m);
                }
                c.connection.onTransportClosed();
            } catch (Throwable t) {
                churnFailure.set(t);
            }
        });
        churn.start();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int pi = p;
            TestPeer pub = join("pub" + p);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long i = 0; i < perPublisher; i++) {
                    pub.in(new Publish(i + 1, Map.of(), "com.t", List.of((long) pi, i), null));
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        done.set(true);
        churn.join();
        assertNull(churnFailure.get(), () -> "churn thread failed: " + churnFailure.get());
        for (TestPeer s : subs) {
            long[] last = new long[publishers];
            java.util.Arrays.fill(last, -1);
            int count = 0;
            for (WampMessage m : s.drain()) {
                Event e = (Event) m;
                int pi = ((Long) e.args().get(0)).intValue();
                long seq = (Long) e.args().get(1);
                assertEquals(last[pi] + 1, seq, "publisher " + pi + " out of order at subscriber");
                last[pi] = seq;
                count++;
            }
            assertEquals(publishers * perPublisher, count, "every event reaches a subscriber that keeps up");
        }
    }

    @Test
    void everyCallEndsExactlyOnceWhileCalleesComeAndGo() throws Exception {
        Random random = new Random(7);
        int callers = 3, callsPerCaller = 1500;
        List<TestPeer> callerPeers = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            callerPeers.add(join("caller" + i));
        }
        AtomicBoolean done = new AtomicBoolean();
        // Callees answer on their own threads; every so often one leaves mid-flight and a new one takes over.
        java.util.concurrent.atomic.AtomicReference<Throwable> calleeFailure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread calleeDriver = new Thread(() -> {
          try {
            int generation = 0;
            while (!done.get()) {
                TestPeer callee = join("callee" + generation++);
                callee.in(new Register(1, Map.of(), "com.p"));
                WampMessage reply = callee.next();
                if (!(reply instanceof Registered)) {
                    callee.connection.onTransportClosed(); // the previous one had not left yet: try again
                    continue;
                }
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5 + random.nextInt(20));
                while (System.nanoTime() < until) {
                    WampMessage m;
                    try {
                        m = callee.received.poll(1, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (m instanceof Invocation inv) {
                        if (random.nextInt(10) == 0) {
                            callee.in(new WampMessage.Error(68, inv.request(), Map.of(), "com.err", null, null));
                        } else if (random.nextInt(10) != 0) { // and sometimes no answer at all
                            callee.in(new Yield(inv.request(), Map.of(), inv.args(), null));
                        }
                    }
                }
                callee.connection.onTransportClosed();
            }
          } catch (Throwable t) {
            calleeFailure.set(t);
          }
        });
        calleeDriver.start();
        List<Thread> threads = new ArrayList<>();
        for (TestPeer caller : callerPeers) {
            Thread t = new Thread(() -> {
                for (long i = 1; i <= callsPerCaller; i++) {
                    caller.in(new Call(i, Map.of(), "com.p", List.of(i), null));
                    if (i % 50 == 0) {
                        Thread.onSpinWait();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        // The callees go on answering and leaving until no call waits any more (a leaving callee cancels its calls).
        await(() -> callerPeers.stream().allMatch(RouterFixture::noCallsOf), "every call ends");
        done.set(true);
        calleeDriver.join();
        assertNull(calleeFailure.get(), () -> "callee thread failed: " + calleeFailure.get());
        for (TestPeer caller : callerPeers) {
            Map<Long, Integer> answers = new HashMap<>();
            for (WampMessage m : caller.drain()) {
                long request;
                if (m instanceof Result r) {
                    request = r.request();
                    assertEquals(List.of(request), r.args(), "a result belongs to its own call");
                } else {
                    WampMessage.Error e = (WampMessage.Error) m;
                    request = e.request();
                    assertTrue(List.of(ErrorUris.CANCELED, ErrorUris.NO_SUCH_PROCEDURE, "com.err").contains(e.error()),
                            e.error());
                }
                answers.merge(request, 1, Integer::sum);
            }
            for (long i = 1; i <= callsPerCaller; i++) {
                assertEquals(1, answers.getOrDefault(i, 0), "call " + i + " must end exactly once");
            }
            assertTrue(noCallsOf(caller));
        }
    }

    /**
     * Subscription and registration meta events, while sessions subscribe to one topic, register one procedure (a
     * shared registration) and leave, all at the same time: each entry's events form a valid history (on_create,
     * then on_subscribe/on_register and on_unsubscribe/on_unregister with the count never below zero, then on_delete
     * at zero), and none is published while a table's monitor is held.
     */
    @Test
    void metaEventsComeInTheOrderOfTheChangesAndOutsideTheTablesMonitors() throws Exception {
        Realm realm = router.realm("realm1");
        TestPeer observer = join("observer");
        List<String> metaTopics = List.of("wamp.subscription.on_create", "wamp.subscription.on_subscribe",
                "wamp.subscription.on_unsubscribe", "wamp.subscription.on_delete", "wamp.registration.on_create",
                "wamp.registration.on_register", "wamp.registration.on_unregister", "wamp.registration.on_delete");
        Map<Long, String> topicOf = new HashMap<>();
        long req = 0;
        for (String t : metaTopics) {
            observer.in(new Subscribe(++req, Map.of(), t));
            WampMessage m;
            while (!((m = observer.next()) instanceof Subscribed)) {
                assertInstanceOf(Event.class, m); // meta events about the observer's own subscriptions
            }
            topicOf.put(((Subscribed) m).subscription(), t);
        }
        observer.drain();
        AtomicBoolean underMonitor = new AtomicBoolean(); // from here on, the observer receives only meta events
        observer.onSend = () -> {
            if (holdsATableMonitor(realm)) {
                underMonitor.set(true);
            }
        };
        int threads = 4, rounds = 300;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (int w = 0; w < threads; w++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    for (int r = 0; r < rounds; r++) {
                        TestPeer p = join("w");
                        p.in(new Subscribe(1, Map.of(), "com.churn"));
                        p.in(new Subscribe(2, Map.of("match", "prefix"), "com.churn"));
                        p.in(new Register(4, Map.of("match", "prefix", "invoke", "roundrobin"), "com.churn"));
                        long exact = p.next(Subscribed.class).subscription();
                        p.next(Subscribed.class);
                        p.next(Registered.class);
                        if (r % 2 == 0) {
                            p.in(new Unsubscribe(3, exact));
                            p.next(Unsubscribed.class);
                        }
                        p.connection.onTransportClosed(); // leaves: the rest is cleaned up
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            workers.add(t);
        }
        go.countDown();
        for (Thread t : workers) {
            t.join();
        }
        assertNull(failure.get(), () -> "a worker failed: " + failure.get());
        Map<String, Integer> count = new HashMap<>(); // live subscriptions/registrations -> holders, per the events
        Map<String, Integer> events = new HashMap<>();
        // A thread that met a backlog handed the rest to the timer thread: wait for the last leave's on_delete.
        int leaves = threads * rounds * 3;
        WampMessage m;
        while ((m = observer.received.poll(5, TimeUnit.SECONDS)) != null) {
            if (!(m instanceof Event e) || !topicOf.containsKey(e.subscription())) {
                continue;
            }
            String topic = topicOf.get(e.subscription());
            events.merge(topic, 1, Integer::sum);
            String kind = topic.substring(topic.lastIndexOf('.') + 1);
            String sub = topic.charAt(5) + ":" + (kind.equals("on_create") ? ((Map<?, ?>) e.args().get(1)).get("id")
                    : e.args().get(1));
            switch (kind) {
                case "on_create" -> assertNull(count.put(sub, 0), "on_create of a live entry " + sub);
                case "on_subscribe", "on_register" -> count.merge(sub, 1, (a, b) -> {
                    assertNotNull(a);
                    return a + b;
                });
                case "on_unsubscribe", "on_unregister" -> {
                    Integer c = count.get(sub);
                    assertNotNull(c, "on_unsubscribe of an unknown subscription " + sub);
                    assertTrue(c > 0, "on_unsubscribe with no subscriber left");
                    count.put(sub, c - 1);
                }
                default -> assertEquals(0, count.remove(sub), "on_delete while held");
            }
            if (events.getOrDefault("wamp.subscription.on_unsubscribe", 0)
                    + events.getOrDefault("wamp.registration.on_unregister", 0) == leaves && count.isEmpty()) {
                break;
            }
        }
        assertEquals(threads * rounds * 2, events.get("wamp.subscription.on_subscribe"));
        assertEquals(threads * rounds * 2, events.get("wamp.subscription.on_unsubscribe"));
        assertEquals(events.get("wamp.subscription.on_create"), events.get("wamp.subscription.on_delete"));
        assertEquals(threads * rounds, events.get("wamp.registration.on_register"));
        assertEquals(threads * rounds, events.get("wamp.registration.on_unregister"));
        assertEquals(events.get("wamp.registration.on_create"), events.get("wamp.registration.on_delete"));
        assertTrue(count.isEmpty(), "entries left according to the events: " + count);
        assertFalse(underMonitor.get(), "a meta event was published holding a table's monitor");
    }
}
