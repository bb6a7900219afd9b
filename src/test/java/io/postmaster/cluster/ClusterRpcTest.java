package io.postmaster.cluster;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Interrupt;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.cluster.ClusterFixture.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.postmaster.cluster.ClusterFixture.awaitCallable;
import static io.postmaster.cluster.ClusterFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RPC across two nodes in one JVM (each a router with its own Redis connection) and one real {@code redis-server}:
 * one registration table for the cluster, invocation policies in cluster registration order, atomic refusals,
 * pattern registrations, progressive results and invocations, cancel, timeouts, a caller, a callee or a whole node
 * leaving.
 */
class ClusterRpcTest {
    private final ClusterFixture fixture = new ClusterFixture();

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private static Client rpc(Node n, String name) throws InterruptedException {
        return Client.join(n.router(), name, Client.RPC_ROLES);
    }


    @Test
    void aProcedureRegisteredOnOneNodeIsCalledFromTheOther() throws Exception {
        Node[] n = fixture.twoNodes();
        Client callee = rpc(n[1], "callee");
        long reg = callee.register("com.add", Map.of("disclose_caller", true));
        Client caller = rpc(n[0], "caller");
        awaitCallable(caller, "com.add", callee);

        long call = caller.call("com.add", Map.of(), List.of(2, 3));
        Invocation inv = callee.next(Invocation.class);
        assertEquals(reg, inv.registration(), "the registration ID is the same on every node");
        assertEquals(List.of(2L, 3L), inv.args());
        assertEquals(caller.session, inv.details().get("caller"), "the caller disclosed across nodes");
        callee.yield(inv.request(), Map.of(), List.of(5));
        Result r = caller.next(Result.class);
        assertEquals(call, r.request());
        assertEquals(List.of(5L), r.args());

        long failing = caller.call("com.add", Map.of(), List.of());
        callee.error(callee.next(Invocation.class).request(), "com.error.bad");
        WampMessage.Error e = caller.next(WampMessage.Error.class);
        assertEquals(failing, e.request());
        assertEquals("com.error.bad", e.error());

        callee.unregister(reg);
        callee.next(WampMessage.Unregistered.class);
        await("the registration is gone on node A", () -> {
            caller.call("com.add", Map.of(), List.of());
            try {
                return caller.next(WampMessage.class) instanceof WampMessage.Error err
                        && err.error().equals(ErrorUris.NO_SUCH_PROCEDURE);
            } catch (InterruptedException ex) {
                return false;
            }
        });
    }

    @Test
    void invocationPoliciesFollowTheClusterRegistrationOrder() throws Exception {
        Node[] n = fixture.twoNodes();
        Client a1 = rpc(n[0], "a1");
        Client b1 = rpc(n[1], "b1");
        Client a2 = rpc(n[0], "a2");
        for (String policy : List.of("roundrobin", "first", "last")) {
            String proc = "com.p." + policy;
            a1.register(proc, Map.of("invoke", policy));
            b1.register(proc, Map.of("invoke", policy));
            a2.register(proc, Map.of("invoke", policy));
        }
        Client caller = rpc(n[1], "caller");
        await("node B knows both of A's callees", () -> calleeCount(n[1], "com.p.last") == 3);
        await("node A knows B's callee", () -> calleeCount(n[0], "com.p.last") == 3);

        List<Client> order = List.of(a1, b1, a2, a1, b1, a2);
        for (Node from : n) {
            Client c = from == n[1] ? caller : rpc(from, "callerA");
            for (Client expected : order) {
                long call = c.call("com.p.roundrobin", Map.of(), List.of());
                answer(expected, c, call);
            }
            answer(a1, c, c.call("com.p.first", Map.of(), List.of()));
            answer(a2, c, c.call("com.p.last", Map.of(), List.of()));
        }

        // a policy other than the registration's is refused, by the cluster's table, on either node
        b1.sendRegister("com.p.first", Map.of("invoke", "last"));
        assertEquals(ErrorUris.PROCEDURE_ALREADY_EXISTS, b1.next(WampMessage.Error.class).error());
        Client b2 = rpc(n[1], "b2");
        b2.sendRegister("com.p.roundrobin", Map.of());
        assertEquals(ErrorUris.PROCEDURE_ALREADY_EXISTS, b2.next(WampMessage.Error.class).error());
    }

    private static void answer(Client expected, Client caller, long call) throws InterruptedException {
        Invocation inv = expected.next(Invocation.class);
        expected.yield(inv.request(), Map.of(), List.of(expected.toString()));
        assertEquals(call, caller.next(Result.class).request());
    }

    private static int calleeCount(Node n, String procedure) {
        try {
            Client probe = rpc(n, "probe");
            probe.call("wamp.registration.match", Map.of(), List.of(procedure));
            Result r = probe.next(Result.class);
            if (r.args() == null || r.args().isEmpty() || r.args().get(0) == null) {
                return 0;
            }
            probe.call("wamp.registration.count_callees", Map.of(), List.of(r.args().get(0)));
            int count = ((Long) probe.next(Result.class).args().get(0)).intValue();
            probe.drop();
            return count;
        } catch (InterruptedException e) {
            return -1;
        }
    }

    @Test
    void randomSpreadsCallsOverTheCalleesOfBothNodes() throws Exception {
        Node[] n = fixture.twoNodes();
        Client onA = rpc(n[0], "onA");
        Client onB = rpc(n[1], "onB");
        onA.register("com.rnd", Map.of("invoke", "random"));
        onB.register("com.rnd", Map.of("invoke", "random"));
        Client caller = rpc(n[0], "caller");
        await("A knows B's callee", () -> calleeCount(n[0], "com.rnd") == 2);
        int[] got = new int[2];
        for (int i = 0; i < 40; i++) {
            long call = caller.call("com.rnd", Map.of(), List.of());
            WampMessage m = onA.received.poll(20, TimeUnit.MILLISECONDS);
            Client callee = m instanceof Invocation ? onA : onB;
            Invocation inv = m instanceof Invocation x ? x : onB.next(Invocation.class);
            got[callee == onA ? 0 : 1]++;
            callee.yield(inv.request(), Map.of(), List.of());
            assertEquals(call, caller.next(Result.class).request());
        }
        assertTrue(got[0] > 0 && got[1] > 0, "both nodes' callees called: " + got[0] + " / " + got[1]);
    }

    @Test
    void registrationsMadeWhileCutOffAreClaimedOnJoinAndAConflictIsRevoked() throws Exception {
        RedisServer redis = fixture.redisNotStarted();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        Client onA = rpc(a, "onA");
        Client onB = rpc(b, "onB");
        onA.register("com.alone", Map.of()); // each node alone: both succeed
        onB.register("com.alone", Map.of());
        redis.run();
        await("both joined", () -> a.cluster().joined() && b.cluster().joined());
        await("one of the two was revoked", () -> onA.received.peek() instanceof WampMessage.Unregistered
                || onB.received.peek() instanceof WampMessage.Unregistered);
        Client revoked = onA.received.peek() instanceof WampMessage.Unregistered ? onA : onB;
        Client kept = revoked == onA ? onB : onA;
        WampMessage.Unregistered u = revoked.next(WampMessage.Unregistered.class);
        assertEquals(0, u.request(), "router-initiated");
        assertTrue(u.details().get("reason") instanceof String, "with a reason: " + u.details());
        await("both nodes route to the one kept", () -> calleeCount(a, "com.alone") == 1
                && calleeCount(b, "com.alone") == 1);
        for (Node from : List.of(a, b)) {
            Client c = rpc(from, "caller");
            answer(kept, c, c.call("com.alone", Map.of(), List.of()));
        }
        revoked.nothingMore(100);
    }

    @Test
    void twoNodesRegisteringOneProcedureAtOnceGetOneRegistration() throws Exception {
        Node[] n = fixture.twoNodes();
        for (int round = 0; round < 20; round++) {
            Client a = rpc(n[0], "a" + round);
            Client b = rpc(n[1], "b" + round);
            String proc = "com.race." + round;
            a.sendRegister(proc, Map.of());
            b.sendRegister(proc, Map.of());
            WampMessage ra = a.next(WampMessage.class);
            WampMessage rb = b.next(WampMessage.class);
            assertTrue(ra instanceof WampMessage.Registered ^ rb instanceof WampMessage.Registered,
                    "exactly one of two single registrations wins: " + ra + " / " + rb);
            WampMessage.Error lost = (WampMessage.Error) (ra instanceof WampMessage.Error ? ra : rb);
            assertEquals(ErrorUris.PROCEDURE_ALREADY_EXISTS, lost.error());
        }
    }

    @Test
    void patternRegistrationsMatchCallsFromTheOtherNode() throws Exception {
        Node[] n = fixture.twoNodes();
        Client prefix = rpc(n[1], "prefix");
        prefix.register("com.pat", Map.of("match", "prefix"));
        Client wildcard = rpc(n[1], "wildcard");
        wildcard.register("com..run", Map.of("match", "wildcard"));
        Client caller = rpc(n[0], "caller");
        await("A knows both patterns", () -> calleeCount(n[0], "com.pat.x") == 1
                && calleeCount(n[0], "org.x.run") == 0 && calleeCount(n[0], "com.y.run") == 1);

        caller.call("com.pat.x.y", Map.of(), List.of());
        Invocation inv = prefix.next(Invocation.class);
        assertEquals("com.pat.x.y", inv.details().get("procedure"));
        prefix.yield(inv.request(), Map.of(), List.of());
        caller.next(Result.class);
        caller.call("com.y.run", Map.of(), List.of());
        Invocation w = wildcard.next(Invocation.class);
        assertEquals("com.y.run", w.details().get("procedure"));
    }

    @Test
    void progressiveResultsAndInvocationsCrossNodesInOrder() throws Exception {
        Node[] n = fixture.twoNodes();
        Client callee = rpc(n[1], "callee");
        callee.register("com.stream", Map.of());
        Client caller = rpc(n[0], "caller");
        awaitCallable(caller, "com.stream", callee);

        long call = caller.call("com.stream", Map.of("receive_progress", true, "progress", true), List.of(0));
        Invocation first = callee.next(Invocation.class);
        assertEquals(Boolean.TRUE, first.details().get("progress"));
        for (int i = 1; i < 5; i++) {
            caller.callAgain(call, "com.stream", Map.of("receive_progress", true, "progress", i < 4), List.of(i));
        }
        for (int i = 1; i < 5; i++) {
            Invocation chunk = callee.next(Invocation.class);
            assertEquals(first.request(), chunk.request());
            assertEquals(List.of((long) i), chunk.args(), "invocation chunks in order");
        }
        for (int i = 0; i < 20; i++) {
            callee.yield(first.request(), Map.of("progress", true), List.of(i));
        }
        callee.yield(first.request(), Map.of(), List.of("done"));
        for (int i = 0; i < 20; i++) {
            Result r = caller.next(Result.class);
            assertEquals(Boolean.TRUE, r.details().get("progress"));
            assertEquals(List.of((long) i), r.args(), "progressive results in order");
        }
        assertEquals(List.of("done"), caller.next(Result.class).args());
        caller.nothingMore(100);
    }

    @Test
    void cancelInEveryModeAndTimeoutsCrossNodes() throws Exception {
        Node[] n = fixture.twoNodes();
        Client callee = rpc(n[1], "callee");
        callee.register("com.slow", Map.of());
        Client caller = rpc(n[0], "caller");
        awaitCallable(caller, "com.slow", callee);

        // killnowait: the caller is answered at once, the callee interrupted
        long c1 = caller.call("com.slow", Map.of(), List.of());
        Invocation i1 = callee.next(Invocation.class);
        caller.cancel(c1, "killnowait");
        assertEquals(ErrorUris.CANCELED, caller.next(WampMessage.Error.class).error());
        Interrupt int1 = callee.next(Interrupt.class);
        assertEquals(i1.request(), int1.request());
        assertEquals("killnowait", int1.options().get("mode"));

        // kill: the callee is interrupted, its answer ends the call
        long c2 = caller.call("com.slow", Map.of(), List.of());
        Invocation i2 = callee.next(Invocation.class);
        caller.cancel(c2, "kill");
        assertEquals("kill", callee.next(Interrupt.class).options().get("mode"));
        callee.error(i2.request(), ErrorUris.CANCELED);
        WampMessage.Error e2 = caller.next(WampMessage.Error.class);
        assertEquals(c2, e2.request());
        assertEquals(ErrorUris.CANCELED, e2.error());

        // skip: the caller is answered, the callee not told; its late answer goes nowhere
        long c3 = caller.call("com.slow", Map.of(), List.of());
        Invocation i3 = callee.next(Invocation.class);
        caller.cancel(c3, "skip");
        assertEquals(ErrorUris.CANCELED, caller.next(WampMessage.Error.class).error());
        callee.yield(i3.request(), Map.of(), List.of("late"));
        callee.nothingMore(100);

        // timeout: the caller's node ends the call and interrupts the callee
        long c4 = caller.call("com.slow", Map.of("timeout", 200L), List.of());
        Invocation i4 = callee.next(Invocation.class);
        assertEquals(200L, i4.details().get("timeout"));
        WampMessage.Error e4 = caller.next(WampMessage.Error.class);
        assertEquals(c4, e4.request());
        assertEquals(ErrorUris.TIMEOUT, e4.error());
        assertEquals(i4.request(), callee.next(Interrupt.class).request());
        caller.nothingMore(100);
    }

    @Test
    void aCalleeOrCallerLeavingEndsTheCallOnTheOtherNode() throws Exception {
        Node[] n = fixture.twoNodes();
        Client callee = rpc(n[1], "callee");
        callee.register("com.leave", Map.of("invoke", "roundrobin"));
        Client caller = rpc(n[0], "caller");
        awaitCallable(caller, "com.leave", callee);

        long call = caller.call("com.leave", Map.of(), List.of());
        callee.next(Invocation.class);
        callee.drop();
        WampMessage.Error e = caller.next(WampMessage.Error.class);
        assertEquals(call, e.request());
        assertEquals(ErrorUris.CANCELED, e.error());

        Client callee2 = rpc(n[1], "callee2");
        callee2.register("com.leave", Map.of("invoke", "roundrobin"));
        awaitCallable(caller, "com.leave", callee2);
        caller.call("com.leave", Map.of(), List.of());
        Invocation inv = callee2.next(Invocation.class);
        caller.drop();
        Interrupt interrupt = callee2.next(Interrupt.class);
        assertEquals(inv.request(), interrupt.request());
    }

    @Test
    void callsPendingToAnotherNodeEndWhenRedisIsLost() throws Exception {
        RedisServer redis = fixture.redis();
        Node a = fixture.node(redis.uri());
        Node b = fixture.node(redis.uri());
        await("both joined", () -> a.cluster().joined() && b.cluster().joined());
        Client callee = rpc(b, "callee");
        callee.register("com.cut", Map.of());
        Client caller = rpc(a, "caller");
        awaitCallable(caller, "com.cut", callee);
        long call = caller.call("com.cut", Map.of(), List.of());
        callee.next(Invocation.class);

        long t0 = System.nanoTime();
        redis.kill();
        WampMessage.Error e = caller.next(WampMessage.Error.class);
        assertEquals(call, e.request());
        assertEquals(ErrorUris.CANCELED, e.error());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 5000, "ended after " + ms + " ms");
        // the callee's side: its caller's node is out of reach, the call is interrupted
        assertEquals(Interrupt.class, callee.next(WampMessage.class).getClass());
    }

    @Test
    void callsPendingToADeadNodeEndWithinFiveSecondsAndItsRegistrationsGo() throws Exception {
        Node[] n = fixture.twoNodes();
        Client onB = rpc(n[1], "onB");
        onB.register("com.dies", Map.of("invoke", "roundrobin"));
        Client onA = rpc(n[0], "onA");
        Client caller = rpc(n[0], "caller");
        awaitCallable(caller, "com.dies", onB);
        onA.register("com.dies", Map.of("invoke", "roundrobin"));
        await("A sees both callees", () -> calleeCount(n[0], "com.dies") == 2);

        long pending = -1;
        for (int i = 0; i < 2; i++) { // one of two calls goes to B
            long call = caller.call("com.dies", Map.of(), List.of());
            if (onA.received.poll(200, TimeUnit.MILLISECONDS) instanceof Invocation inv) {
                onA.yield(inv.request(), Map.of(), List.of());
                caller.next(Result.class);
            } else {
                onB.next(Invocation.class);
                pending = call;
            }
        }
        assertTrue(pending > 0, "a call went to node B");
        long t0 = System.nanoTime();
        n[1].cluster().crash();
        WampMessage.Error e = caller.next(WampMessage.Error.class);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(pending, e.request());
        assertEquals(ErrorUris.CANCELED, e.error());
        assertTrue(ms < 5000, "ended after " + ms + " ms");
        assertEquals(1, calleeCount(n[0], "com.dies"), "the dead node's callee is gone");
        for (int i = 0; i < 3; i++) { // the next calls go to the survivor
            answer(onA, caller, caller.call("com.dies", Map.of(), List.of()));
        }
        assertFalse(onB.received.stream().anyMatch(m -> m instanceof Invocation inv && inv.request() > 1));
    }

    /**
     * An event-loop thread (XNIO's I/O threads are Executors) queues what it sends to other nodes until its pass ends,
     * then hands it to Redis as one batch: all of it arrives, in the order sent, a CANCEL after its CALL.
     */
    @Test
    void whatAnEventLoopSendsInOnePassArrivesWholeAndInOrder() throws Exception {
        Node[] n = fixture.twoNodes();
        Client callee = rpc(n[1], "callee");
        callee.register("com.batch", Map.of());
        Client caller = rpc(n[0], "caller");
        awaitCallable(caller, "com.batch", callee);

        java.util.concurrent.LinkedBlockingQueue<Runnable> tasks = new java.util.concurrent.LinkedBlockingQueue<>();
        class Loop extends Thread implements java.util.concurrent.Executor {
            @Override
            public void execute(Runnable r) {
                tasks.add(r);
            }

            @Override
            public void run() {
                try {
                    for (Runnable r; (r = tasks.poll(10, TimeUnit.SECONDS)) != null; ) {
                        r.run();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        long[] calls = new long[50];
        tasks.add(() -> { // one pass: 50 calls and a cancel of the last, queued until the pass ends
            for (int i = 0; i < calls.length; i++) {
                calls[i] = caller.call("com.batch", Map.of(), List.of(i));
            }
            caller.cancel(calls[calls.length - 1], "kill");
        });
        Loop loop = new Loop();
        loop.start();
        for (int i = 0; i < calls.length; i++) {
            Invocation inv = callee.next(Invocation.class);
            assertEquals(List.of((long) i), inv.args(), "the INVOCATIONs arrive in the order of the CALLs");
            if (i < calls.length - 1) {
                callee.yield(inv.request(), Map.of(), List.of(i));
            } else {
                assertEquals(inv.request(), callee.next(Interrupt.class).request(), "then the INTERRUPT");
                callee.error(inv.request(), ErrorUris.CANCELED); // "kill": the caller's ERROR follows the callee's
            }
        }
        for (int i = 0; i < calls.length - 1; i++) {
            Result r = caller.next(Result.class);
            assertEquals(calls[i], r.request());
        }
        WampMessage.Error canceled = caller.next(WampMessage.Error.class);
        assertEquals(calls[calls.length - 1], canceled.request());
        assertEquals(ErrorUris.CANCELED, canceled.error());
        loop.interrupt();
        loop.join(5000);
    }
}
