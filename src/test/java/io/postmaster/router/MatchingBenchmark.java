package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Subscribe;
import io.postmaster.message.WampMessage.Subscribed;
import io.postmaster.message.WampMessage.Unsubscribe;
import io.postmaster.message.WampMessage.Unsubscribed;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.router.match.UriTable;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What many patterns cost, printed, not asserted (not a test): {@code mvn test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.postmaster.router.MatchingBenchmark [-Dexec.args="50000 50000"]}.
 * <ol>
 * <li>Matching: nanoseconds of thread CPU time per lookup ({@code forEachMatch}, the broker's, and {@code bestMatch},
 * the dealer's) in a table of 10 and of N (first argument) prefix and N wildcard patterns; best of 15 rounds after a warm-up.</li>
 * <li>Teardown: a session holding M (second argument, N if none) prefix subscriptions leaves (in-process router, in-memory peers, one observer
 * subscribed to {@code wamp.subscription.on_delete}); wall time of its cleanup, and another session's SUBSCRIBE
 * round trips meanwhile (count, p99, max).</li>
 * </ol>
 */
public final class MatchingBenchmark {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static volatile int sink;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        List<String> uris = List.of("com.app.7.x.update", "com.app.4711.y.update", "x.app.y.7", "com.nothing.here",
                "com.app.123.deep.er.than.that");
        int teardownN = args.length > 1 ? Integer.parseInt(args[1]) : n;
        for (int size : new int[] {10, n}) {
            UriTable<String> t = table(size);
            double each = nanosPerLookup(t, uris);
            System.out.printf("matching, %,d prefix + %,d wildcard + %,d exact patterns: %,.0f ns per lookup "
                    + "(forEachMatch + bestMatch)%n", size, size, size, each);
        }
        teardown(teardownN);
    }

    static UriTable<String> table(int n) {
        UriTable<String> t = new UriTable<>();
        synchronized (t) {
            for (int i = 0; i < n; i++) {
                String name = String.valueOf(i);
                t.getOrCreate("com.app." + i, MatchPolicy.EXACT, () -> "e" + name);
                t.getOrCreate("com.app." + i + ".", MatchPolicy.PREFIX, () -> "p" + name);
                t.getOrCreate("com.app." + i + "..update", MatchPolicy.WILDCARD, () -> "w" + name);
            }
        }
        return t;
    }

    private static double nanosPerLookup(UriTable<String> t, List<String> uris) {
        int[] count = new int[1];
        int perRound = Math.max(50, 2_000_000 / Math.max(1, t.entries(MatchPolicy.PREFIX).size()));
        perRound = Math.min(perRound, 200_000);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 20; round++) {
            long start = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < perRound; i++) {
                String uri = uris.get(i % uris.size());
                t.forEachMatch(uri, e -> count[0]++);
                String b = t.bestMatch(uri);
                count[0] += b == null ? 0 : 1;
            }
            long spent = CPU.getCurrentThreadCpuTime() - start;
            if (round >= 5) { // the first rounds warm up
                best = Math.min(best, (double) spent / perRound);
            }
        }
        sink = count[0];
        return best;
    }

    private static void teardown(int n) throws Exception {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        Router router = new Router(PostmasterConfig.defaults(), timers);
        try {
            TestPeer observer = join(router, "observer");
            observer.in(new Subscribe(1, Map.of(), "wamp.subscription.on_delete"));
            TestPeer attacker = join(router, "attacker");
            long setup = System.nanoTime();
            for (int i = 0; i < n; i++) {
                attacker.in(new Subscribe(i + 1, Map.of("match", "prefix"), "com.attack." + i + "."));
            }
            long setupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - setup);
            attacker.received.clear();
            observer.received.clear();
            TestPeer victim = join(router, "victim");
            AtomicBoolean done = new AtomicBoolean();
            List<Long> rtt = Collections.synchronizedList(new ArrayList<>());
            Thread probe = new Thread(() -> {
                long req = 0;
                while (!done.get()) {
                    long start = System.nanoTime();
                    victim.in(new Subscribe(++req, Map.of(), "com.victim.t"));
                    long sub = ((Subscribed) take(victim)).subscription();
                    rtt.add(System.nanoTime() - start);
                    victim.in(new Unsubscribe(++req, sub));
                    if (!(take(victim) instanceof Unsubscribed)) {
                        throw new IllegalStateException("no UNSUBSCRIBED");
                    }
                }
            });
            probe.start();
            Thread.sleep(50);
            rtt.clear();
            long start = System.nanoTime();
            long cpu = CPU.getCurrentThreadCpuTime();
            attacker.connection.onTransportClosed();
            long cleanupCpuMs = TimeUnit.NANOSECONDS.toMillis(CPU.getCurrentThreadCpuTime() - cpu);
            long cleanupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            done.set(true);
            probe.join();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (observer.received.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            long allEventsMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            List<Long> sorted = new ArrayList<>(rtt);
            Collections.sort(sorted);
            long p99 = sorted.isEmpty() ? -1 : sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * 0.99) - 1));
            long max = sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1);
            System.out.printf("teardown of %,d prefix subscriptions (made in %,d ms): cleanup %,d ms (%,d ms CPU on "
                            + "the leaving thread), all %,d on_delete events out after %,d ms; another session's "
                            + "SUBSCRIBE meanwhile: %,d round trips, p99 %.2f ms, max %.2f ms%n",
                    n, setupMs, cleanupMs, cleanupCpuMs, n, allEventsMs, sorted.size(), p99 / 1e6, max / 1e6);
        } finally {
            router.close();
            timers.shutdownNow();
        }
    }

    private static WampMessage take(TestPeer p) {
        try {
            WampMessage m = p.received.poll(10, TimeUnit.MINUTES);
            if (m == null) {
                throw new IllegalStateException("no answer within 10 minutes");
            }
            return m;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TestPeer join(Router router, String name) {
        TestPeer p = TestPeer.connect(router, name);
        p.in(new Hello("realm1", RouterTest.ROLES));
        WampMessage w = p.next();
        if (!(w instanceof Welcome)) {
            throw new IllegalStateException("not welcomed: " + w);
        }
        return p;
    }
}
