package io.postmaster.router;

import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import org.junit.jupiter.api.RepeatedTest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The contract "every CALL ends with exactly one RESULT or ERROR", under a random interleaving of calls, yields
 * (progressive and final), callee errors, cancels in every mode, timeouts, the router-wide maximum, and callers and
 * callees leaving. Each repetition uses another seed; a failure names it.
 */
class CallEndsExactlyOnceTest extends RouterFixture {
    private static int repetition;

    @RepeatedTest(5)
    void randomInterleaving() throws Exception {
        long seed = 1000 + repetition++;
        Random r = new Random(seed);
        start(Map.of("postmaster.call-max-pending-ms", "300"));
        try {
            List<TestPeer> callees = new ArrayList<>();
            List<TestPeer> callers = new ArrayList<>();
            Map<TestPeer, Long> nextRequest = new HashMap<>();
            int generation = 0;
            for (int i = 0; i < 3; i++) {
                callees.add(callee(router, r, "callee" + generation++));
                TestPeer c = caller(router, "caller" + i);
                callers.add(c);
                nextRequest.put(c, 1L);
            }
            Map<TestPeer, List<Long>> issued = new HashMap<>();
            Map<TestPeer, List<Invocation>> open = new HashMap<>();
            for (int step = 0; step < 3000; step++) {
                int action = r.nextInt(100);
                if (action < 35) { // call
                    TestPeer c = callers.get(r.nextInt(callers.size()));
                    long id = nextRequest.merge(c, 1L, Long::sum) - 1;
                    Map<String, Object> options = new HashMap<>();
                    if (r.nextInt(5) == 0) {
                        options.put("timeout", (long) (1 + r.nextInt(30)));
                    }
                    if (r.nextBoolean()) {
                        options.put("receive_progress", true);
                    }
                    c.in(new Call(id, options, "com.p" + r.nextInt(3), List.of(id), null));
                    issued.computeIfAbsent(c, k -> new ArrayList<>()).add(id);
                } else if (action < 70) { // a callee answers something
                    TestPeer callee = callees.get(r.nextInt(callees.size()));
                    List<Invocation> invs = open.computeIfAbsent(callee, k -> new ArrayList<>());
                    for (WampMessage m : callee.drain()) {
                        if (m instanceof Invocation inv && !inv.details().containsKey("progress")) {
                            invs.add(inv);
                        }
                    }
                    if (!invs.isEmpty()) {
                        Invocation inv = invs.get(r.nextInt(invs.size()));
                        int how = r.nextInt(10);
                        if (how < 2) {
                            callee.in(new Yield(inv.request(), Map.of("progress", true), List.of("partial"), null));
                        } else {
                            invs.remove(inv);
                            if (how < 8) {
                                callee.in(new Yield(inv.request(), Map.of(), inv.args(), null));
                            } else {
                                callee.in(new WampMessage.Error(68, inv.request(), Map.of(), "com.err", null, null));
                            }
                        }
                    }
                } else if (action < 85) { // cancel
                    TestPeer c = callers.get(r.nextInt(callers.size()));
                    List<Long> mine = issued.getOrDefault(c, List.of());
                    if (!mine.isEmpty()) {
                        String mode = List.of("skip", "kill", "killnowait").get(r.nextInt(3));
                        c.in(new Cancel(mine.get(r.nextInt(mine.size())), Map.of("mode", mode)));
                    }
                } else if (action < 93) { // a callee leaves, another takes its place
                    int i = r.nextInt(callees.size());
                    callees.get(i).connection.onTransportClosed();
                    open.remove(callees.get(i));
                    callees.set(i, callee(router, r, "callee" + generation++));
                } else if (action < 95) { // a caller leaves: its calls need no answer any more
                    int i = r.nextInt(callers.size());
                    TestPeer gone = callers.get(i);
                    gone.connection.onTransportClosed();
                    issued.remove(gone);
                    TestPeer c = caller(router, "caller-" + step);
                    callers.set(i, c);
                    nextRequest.put(c, 1L);
                } else {
                    Thread.sleep(1); // let timeouts fire between steps
                }
            }
            // Past the router-wide maximum every call still open must end: wait for it, then for the timer thread
            // to finish what it is sending (a call leaves the tables just before its answer is queued).
            await(() -> callers.stream().allMatch(RouterFixture::noCallsOf)
                    && callees.stream().allMatch(RouterFixture::noInvocationsOf), "seed " + seed + ": every call ends");
            timers.submit(() -> { }).get();
            for (TestPeer c : callers) {
                Map<Long, Integer> finals = new HashMap<>();
                for (WampMessage m : c.drain()) {
                    if (m instanceof Result res) {
                        if (Boolean.TRUE.equals(res.details().get("progress"))) {
                            assertFalse(finals.containsKey(res.request()), "seed " + seed + ": progress after the end");
                        } else {
                            finals.merge(res.request(), 1, Integer::sum);
                        }
                    } else if (m instanceof WampMessage.Error e) {
                        finals.merge(e.request(), 1, Integer::sum);
                    }
                }
                for (long id : issued.getOrDefault(c, List.of())) {
                    assertEquals(1, finals.getOrDefault(id, 0), "seed " + seed + ": call " + id + " of " + c
                            + " must end exactly once");
                }
                assertTrue(noCallsOf(c), "seed " + seed + ": calls left behind");
            }
            for (TestPeer callee : callees) {
                assertTrue(noInvocationsOf(callee), "seed " + seed);
            }
        } finally {
            router.close();
        }
        Realm realm = router.realm("realm1");
        assertTrue(realm.sessions().isEmpty() && noRegistrations(realm), "seed " + seed + ": tables empty");
    }

    private TestPeer callee(Router router, Random r, String name) {
        TestPeer p = join("realm1", name, r.nextBoolean() ? AdvancedProfileTest.CANCELING_CALLEE : ROLES);
        for (int i = 0; i < 3; i++) {
            p.in(new Register(i + 1, Map.of("invoke", "roundrobin"), "com.p" + i));
            p.next(Registered.class);
        }
        return p;
    }

    private TestPeer caller(Router router, String name) {
        return join(name);
    }
}
