package io.postmaster.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load scenarios, each against one router: open its sessions, run, measure over a window, close everything.
 * Router CPU is read from {@code /proc/<pid>/stat} of the router process around the measuring window only.
 */
final class Scenarios {
    private final LoadClient.Pool pool;
    /** A JVM router's safepoint log, null if none. */
    private final java.util.function.Function<Target, java.nio.file.Path> routerSafepoints;

    Scenarios(LoadClient.Pool pool) {
        this(pool, target -> null);
    }

    Scenarios(LoadClient.Pool pool, java.util.function.Function<Target, java.nio.file.Path> routerSafepoints) {
        this.pool = pool;
        this.routerSafepoints = routerSafepoints;
    }

    /** One router under test, and the serializer its sessions speak (json, msgpack or cbor). */
    record Target(String name, URI uri, String realm, long pid, boolean jvm, String serializer) {
        Target(String name, URI uri, String realm, long pid, boolean jvm) {
            this(name, uri, realm, pid, jvm, "json");
        }

        /** The same router, its sessions speaking {@code ser}. */
        Target speaking(String ser) {
            return new Target(name, uri, realm, pid, jvm, ser);
        }
    }

    /**
     * @param errorsBy what the ERRORs were, by error URI, and which of the scenario's sessions the router closed
     *                 meanwhile (code and reason); empty when all went well
     */
    record Rpc(double callsPerSecond, double routerCpuPercent, double kernelShare, double p50Ms, double p99Ms,
               long errors, String errorsBy, Latency latency) {
        Rpc(double callsPerSecond, double routerCpuPercent, double kernelShare, double p50Ms, double p99Ms,
            long errors, String errorsBy) {
            this(callsPerSecond, routerCpuPercent, kernelShare, p50Ms, p99Ms, errors, errorsBy, null);
        }

        double perCpuSecond() {
            return callsPerSecond / (routerCpuPercent / 100.0);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0f calls/s, router CPU %.1f %% (kernel %.2f), p50 %.3f ms, p99 %.3f ms",
                    callsPerSecond, routerCpuPercent, kernelShare, p50Ms, p99Ms)
                    + (latency == null ? "" : ", " + latency)
                    + (errors == 0 && errorsBy.isEmpty() ? "" : ", errors " + errors + " " + errorsBy);
        }
    }

    /**
     * The latencies of an open-loop run in more detail: every sample (ns, sorted), the tail beyond p99, the stops
     * (safepoints, collections included) of the router's JVM and of this load client during the window, and which
     * share of the calls slower than the run's p99 overlapped one; and the bytes the router allocated per call (JVM
     * routers: from its threads' allocation counters, {@code jcmd Thread.print -e}), NaN if unknown.
     */
    record Latency(long[] sortedNanos, double p999Ms, double maxMs, Pauses router, Pauses client,
                   double slowInRouterPause, double slowInClientPause, double allocatedPerCall, String jit) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p99.9 %.3f ms, max %.3f ms; router stops %s, client stops %s;"
                            + " calls over p99 in a router stop %.0f %%, in a client stop %.0f %%%s%s",
                    p999Ms, maxMs, router.summary(), client.summary(), 100 * slowInRouterPause,
                    100 * slowInClientPause, Double.isNaN(allocatedPerCall) ? ""
                            : String.format(Locale.ROOT, "; router allocated %.0f B per call", allocatedPerCall),
                    jit == null ? "" : "; router JIT " + jit);
        }
    }

    record PubSub(double publishedPerSecond, double deliveredPerSecond, double routerCpuPercent, double kernelShare,
                  double p99Ms) {
        double perCpuSecond() {
            return deliveredPerSecond / (routerCpuPercent / 100.0);
        }
    }

    record Echo(double echoesPerSecond, double serverCpuPercent, double kernelShare) {
        double perCpuSecond() {
            return echoesPerSecond / (serverCpuPercent / 100.0);
        }
    }

    /**
     * @param router what the router's threads spent from the publication until the last EVENT arrived (and the
     *               readings after it)
     * @param client what this load generator's threads spent over the same window
     * @param receiver the receiving client: lean ({@link FanOutReceiver}) or jdk ({@link LoadClient})
     * @param firstMs  the first publication to these sessions (the figure is of a later one): until all had it, ms
     */
    record FanOut(int sessions, double allDeliveredMs, int received, double heapKiBPerSession,
                  double rssKiBPerSession, double openSeconds, Procs.CpuSpent router, Procs.CpuSpent client,
                  String receiver, double firstMs) {
    }

    // ------------------------------------------------------------------------------------------ RPC

    /**
     * One callee registers {@code bench.echo}; {@code callers} sessions call it. {@code rate} 0: closed loop, each
     * caller has one call in flight and calls again on RESULT; otherwise open loop at {@code rate} calls/s in total.
     */
    Rpc rpc(Target t, int callers, int rate, double warmupS, double durationS) throws Exception {
        LoadClient callee = LoadClient.connect(pool, t.uri(), t.realm(), t.serializer(), (c, m) -> {
            if (LoadClient.type(m) == 68) { // [INVOCATION, Request, Registration, Details, Arguments]
                c.send("[70," + LoadClient.longAt(m, 1, -1) + ",{},[1]]");
            }
        }).get();
        CompletableFuture<Void> registered = new CompletableFuture<>();
        callee.handler((c, m) -> {
            int type = LoadClient.type(m);
            if (type == 68) {
                c.send("[70," + LoadClient.longAt(m, 1, -1) + ",{},[1]]");
            } else if (type == 65) {
                registered.complete(null);
            } else if (type == 8) {
                registered.completeExceptionally(new IllegalStateException("REGISTER failed: " + m));
            }
        });
        callee.send("[64,1,{},\"bench.echo\"]");
        registered.get(30, TimeUnit.SECONDS);

        Recorder latencies = new Recorder(rate == 0 ? 1 << 16 : (int) Math.min(20_000_000, (long) rate * (durationS + 2)));
        AtomicLong completed = new AtomicLong();
        AtomicLong replies = new AtomicLong(); // all RESULTs, measuring or not: the calls the router's allocation covers
        AtomicLong errors = new AtomicLong();
        java.util.Map<String, AtomicLong> errorUris = new java.util.concurrent.ConcurrentHashMap<>();
        boolean[] running = {true};
        boolean[] measuring = {false};
        LoadClient.Handler onReply = (c, m) -> {
            int type = LoadClient.type(m);
            if (type != 50 && type != 8) {
                return;
            }
            long req = LoadClient.longAt(m, type == 50 ? 1 : 2, -1);
            if (type == 50) {
                replies.incrementAndGet();
            }
            if (measuring[0]) {
                if (type == 50) {
                    completed.incrementAndGet();
                    long sent = c.sentAt()[(int) (req & 0xFFFF)];
                    latencies.add(sent, System.nanoTime() - sent);
                } else {
                    errors.incrementAndGet();
                }
            }
            if (type == 8) { // [ERROR, CALL, Request, Details, Error]: counted during warm-up too
                errorUris.computeIfAbsent(String.valueOf(LoadClient.stringAt(m, 4)), k -> new AtomicLong())
                        .incrementAndGet();
            }
            if (rate == 0 && running[0]) {
                call(c);
            }
        };
        List<LoadClient> clients = open(t, callers, onReply, null);
        if (rate > 0) {
            // the load client's own collection before the load starts, not in the window: its young generation
            // (see the pom) then holds the rest of the run
            System.gc();
        }
        Thread pacer = null;
        if (rate == 0) {
            clients.forEach(Scenarios::call);
        } else {
            pacer = pace(rate, running, i -> call(clients.get((int) (i % clients.size()))));
        }
        sleep(warmupS);
        java.util.Map<String, Long> allocated0 = null;
        long replies0 = 0;
        long[] jit0 = null;
        if (rate > 0 && t.jvm()) { // a thread dump stops the router: before the window, which starts once it is over
            replies0 = replies.get();
            allocated0 = Procs.allocatedBytes(t.pid());
            jit0 = Procs.compilations(t.pid());
            sleep(0.5);
        }
        long wall0 = System.currentTimeMillis();
        long nano0 = System.nanoTime();
        measuring[0] = true;
        latencies.reset();
        Window w = Window.measure(t.pid(), durationS, completed);
        measuring[0] = false;
        long wall1 = System.currentTimeMillis();
        double allocatedPerCall = Double.NaN;
        String jit = null;
        long[] jit1 = jit0 == null ? null : Procs.compilations(t.pid());
        if (jit0 != null && jit1 != null) { // compiling on the router's core takes CPU from its I/O thread
            jit = (jit1[0] - jit0[0]) + " compilations (" + (jit1[1] - jit0[1]) + " ms)";
        }
        if (allocated0 != null) {
            long calls = replies.get() - replies0;
            allocatedPerCall = (double) Procs.allocatedBetween(allocated0, Procs.allocatedBytes(t.pid())) / calls;
        }
        running[0] = false;
        if (pacer != null) {
            pacer.join();
        }
        sleep(0.3);
        String errorsBy = closedByRouter("callee", List.of(callee)) + closedByRouter("caller", clients)
                + (errorUris.isEmpty() ? "" : "ERRORs " + errorUris);
        clients.forEach(LoadClient::close);
        callee.close();
        Latency latency = null;
        if (rate > 0) {
            Pauses router = Pauses.read(t.jvm() ? routerSafepoints.apply(t) : null, wall0, wall1);
            Pauses client = Pauses.read(clientSafepoints(), wall0, wall1);
            latency = latencies.latency(nano0, wall0, router, client, allocatedPerCall, jit);
        }
        return new Rpc(w.rate(0), w.cpuPercent(), w.kernelShare(), latencies.percentileMs(50),
                latencies.percentileMs(99), errors.get(), errorsBy, latency);
    }

    /** This load client's safepoint log (the pom's {@code -Xlog:safepoint:file=...}), or null. */
    private static java.nio.file.Path clientSafepoints() {
        String f = Procs.prop("bench.client.safepoints", "");
        return f.isEmpty() ? null : java.nio.file.Path.of(f);
    }

    /** Which of {@code sessions} the router closed (or dropped) before the scenario's end, and how. */
    private static String closedByRouter(String role, List<LoadClient> sessions) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sessions.size(); i++) {
            LoadClient c = sessions.get(i);
            if (c.closed) {
                b.append(role).append(' ').append(i).append(" closed (").append(c.closeCode).append(' ')
                        .append(c.closeReason).append("); ");
            }
        }
        return b.toString();
    }

    private static void call(LoadClient c) {
        long req = c.nextRequest();
        c.sentAt()[(int) (req & 0xFFFF)] = System.nanoTime();
        c.send("[48," + req + ",{},\"bench.echo\",[1]]");
    }

    // ------------------------------------------------------------------------------------------ pub/sub

    /**
     * {@code subs} sessions subscribe to {@code bench.topic}; one publisher publishes {@code [timestamp]}.
     * {@code rate} 0: flood — with acknowledgement, at most {@code window} publications ahead of what the
     * subscribers received (so no router queue overflows because the client is slower); otherwise open loop.
     */
    PubSub pubsub(Target t, int subs, int rate, int window, double warmupS, double durationS) throws Exception {
        AtomicLong delivered = new AtomicLong();
        AtomicLong published = new AtomicLong();
        Recorder latencies = new Recorder((int) Math.min(20_000_000, Math.max(1 << 16, (long) rate * subs * (durationS + 2))));
        boolean[] running = {true};
        boolean[] measuring = {false};
        LoadClient[] publisher = new LoadClient[1];
        Object publishLock = new Object();
        Runnable flood = () -> {
            if (!running[0]) {
                return;
            }
            synchronized (publishLock) {
                while (published.get() - delivered.get() / subs < window) {
                    publish(publisher[0], true);
                    published.incrementAndGet();
                }
            }
        };
        LoadClient.Handler onEvent = (c, m) -> {
            if (LoadClient.type(m) != 36) { // [EVENT, Subscription, Publication, Details, Arguments]
                return;
            }
            long n = delivered.incrementAndGet();
            if (measuring[0]) {
                latencies.add(System.nanoTime() - LoadClient.longAt(m, 4, 0));
            }
            if (rate == 0 && (n & 15) == 0) {
                flood.run();
            }
        };
        List<LoadClient> subscribers = open(t, subs, onEvent, "bench.topic");
        publisher[0] = LoadClient.connect(pool, t.uri(), t.realm(), t.serializer(), (c, m) -> {
            if (rate == 0 && LoadClient.type(m) == 17) {
                flood.run();
            }
        }).get();
        Thread pacer = null;
        if (rate == 0) {
            flood.run();
        } else {
            pacer = pace(rate, running, i -> {
                publish(publisher[0], false);
                published.incrementAndGet();
            });
        }
        sleep(warmupS);
        measuring[0] = true;
        latencies.reset();
        Window w = Window.measure(t.pid(), durationS, published, delivered);
        measuring[0] = false;
        running[0] = false;
        if (pacer != null) {
            pacer.join();
        }
        sleep(0.3);
        subscribers.forEach(LoadClient::close);
        publisher[0].close();
        return new PubSub(w.rate(0), w.rate(1), w.cpuPercent(), w.kernelShare(), latencies.percentileMs(99));
    }

    private static void publish(LoadClient c, boolean acknowledge) {
        c.send("[16," + c.nextRequest() + (acknowledge ? ",{\"acknowledge\":true}" : ",{}") + ",\"bench.topic\",["
                + System.nanoTime() + "]]");
    }

    // ------------------------------------------------------------------------------------------ fan-out, memory

    /**
     * {@code n} sessions each subscribe to {@code bench.fanout}; the live heap (JVM routers: after a full GC) and
     * RSS are read before and after; then publications go out one after the other and the time until every session
     * has its EVENT is taken, with the CPU the router and this load generator spent meanwhile: the first publication
     * apart, then {@code bench.fanout.rounds} more [5], whose median is the result.
     *
     * <p>The sessions are {@link FanOutReceiver}'s (plain NIO, one selector thread), unless {@code jdk} (the scenario
     * fanout-jdk): then they are {@link LoadClient}s, whose own cost per message received on this one core is about
     * what the router takes to send them all, so that figure is more the client's than the router's.
     */
    FanOut fanOut(Target t, int n, boolean jdk) throws Exception {
        Procs.Memory before = Procs.memory(t.pid(), t.jvm());
        long openStart = System.nanoTime();
        FanOutReceiver lean = null;
        List<LoadClient> subscribers = List.of();
        LoadClient publisher = null;
        AtomicInteger received = new AtomicInteger();
        AtomicLong last = new AtomicLong();
        try {
            if (jdk) {
                subscribers = open(t, n, (c, m) -> {
                    if (LoadClient.type(m) == 36) {
                        last.accumulateAndGet(System.nanoTime(), Math::max);
                        received.incrementAndGet();
                    }
                }, "bench.fanout");
            } else {
                if (!"json".equals(t.serializer())) {
                    throw new IllegalArgumentException("the fan-out receiver speaks wamp.2.json only");
                }
                lean = FanOutReceiver.open(t.uri(), t.realm(), "bench.fanout", n, 120);
            }
            double openSeconds = (System.nanoTime() - openStart) / 1e9;
            sleep(1);
            Procs.Memory after = Procs.memory(t.pid(), t.jvm());
            if (t.jvm() && Boolean.getBoolean("bench.heapdump")) { // what holds each session's bytes: for a heap analyser
                java.nio.file.Path dump = java.nio.file.Path.of(System.getProperty("bench.dir", "target/bench"),
                        "fanout-" + t.name() + "-" + n + ".hprof").toAbsolutePath();
                java.nio.file.Files.deleteIfExists(dump);
                Procs.run(List.of("jcmd", Long.toString(t.pid()), "GC.heap_dump", dump.toString()));
            }
            if (jdk) {
                publisher = LoadClient.connect(pool, t.uri(), t.realm(), t.serializer(), (c, m) -> { }).get();
            }
            sleep(0.5);
            // The first publication to this many sessions runs code the warm-up never made hot (the loops over
            // thousands of subscribers and of write tasks): a JVM router compiles it then, on its one core. Taken and
            // shown apart; the figure is the median of the publications after it.
            FanOut first = publishOnce(t, n, lean, publisher, received, last, openSeconds, before, after, Double.NaN);
            int rounds = Math.max(1, Procs.intProp("bench.fanout.rounds", 5));
            List<FanOut> runs = new ArrayList<>();
            if (rounds > 1) {
                System.out.println("[bench] fanout " + t.name() + ": " + rounds + " rounds begin");
            }
            long user0 = Procs.userTicks(t.pid());
            long system0 = Procs.systemTicks(t.pid());
            long pause = 0;
            for (int round = 0; round < rounds; round++) {
                long p0 = System.nanoTime();
                sleep(0.1);
                pause += System.nanoTime() - p0;
                runs.add(publishOnce(t, n, lean, publisher, received, last, openSeconds, before, after,
                        first.allDeliveredMs()));
            }
            // over all rounds (clock ticks are too coarse for one): the router's CPU in user space and in the kernel
            double user = (Procs.userTicks(t.pid()) - user0) * 1000.0 / Procs.CLK_TCK / rounds;
            double system = (Procs.systemTicks(t.pid()) - system0) * 1000.0 / Procs.CLK_TCK / rounds;
            System.out.printf(java.util.Locale.ROOT, "[bench] fanout %s: router CPU per publication over %d rounds"
                    + " (the %.1f s of pauses between them included): user %.1f ms, kernel %.1f ms%n", t.name(),
                    rounds, pause / 1e9, user, system);
            runs.sort(java.util.Comparator.comparingDouble(FanOut::allDeliveredMs));
            FanOut median = runs.get(runs.size() / 2);
            System.out.printf(java.util.Locale.ROOT, "[bench] fanout %s: first publication %.1f ms, then %d: %s ms%n",
                    t.name(), first.allDeliveredMs(), rounds, runs.stream()
                            .map(r -> String.format(java.util.Locale.ROOT, "%.1f", r.allDeliveredMs())).toList());
            return median;
        } finally {
            subscribers.forEach(LoadClient::close);
            if (publisher != null) {
                publisher.close();
            }
            if (lean != null) {
                lean.close();
            }
        }
    }

    /** One publication to the {@code n} subscribers, timed until the last has its EVENT. */
    private static FanOut publishOnce(Target t, int n, FanOutReceiver lean, LoadClient publisher,
                                      AtomicInteger received, AtomicLong last, double openSeconds,
                                      Procs.Memory before, Procs.Memory after, double firstMs)
            throws Exception {
        CompletableFuture<Void> all = lean == null ? null : lean.expect(n);
        received.set(0);
        last.set(0);
        long self = ProcessHandle.current().pid();
        var router0 = Procs.threadCpu(t.pid());
        var client0 = Procs.threadCpu(self);
        long t0 = System.nanoTime();
        String publication = "[16,1,{},\"bench.fanout\",[1]]";
        if (lean != null) {
            lean.publish(publication);
            try {
                all.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // counted below as fewer received
            }
            received.set(lean.events());
            last.set(lean.lastEvent());
        } else {
            publisher.send(publication);
            long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
            while (received.get() < n && System.nanoTime() < deadline) {
                LockSupport.parkNanos(200_000);
            }
        }
        var router1 = Procs.threadCpu(t.pid());
        var client1 = Procs.threadCpu(self);
        double ms = received.get() == 0 ? Double.NaN : (last.get() - t0) / 1e6;
        return new FanOut(n, ms, received.get(),
                t.jvm() ? (after.heapKiB() - before.heapKiB()) / (double) n : Double.NaN,
                (after.rssKiB() - before.rssKiB()) / (double) n, openSeconds,
                Procs.CpuSpent.between(router0, router1), Procs.CpuSpent.between(client0, client1),
                lean == null ? "jdk" : "lean", firstMs);
    }

    // ------------------------------------------------------------------------------------------ echo floor

    /**
     * The floor of the server's WebSocket layer: {@code connections} plain WebSockets to the echo endpoint
     * ({@code uri}), each with one message in flight (closed loop), a message the size of the RPC scenario's CALL.
     * An RPC is two messages in and two out, so half the echoes per server CPU-second is what the WebSocket layer
     * alone would allow in calls.
     */
    Echo echo(Target server, URI uri, int connections, double warmupS, double durationS) throws Exception {
        String message = "[48,1,{},\"bench.echo\",[1]]";
        AtomicLong echoed = new AtomicLong();
        boolean[] running = {true};
        List<LoadClient> clients = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            clients.add(LoadClient.connectRaw(pool, uri, (c, m) -> {
                echoed.incrementAndGet();
                if (running[0]) {
                    c.send(m);
                }
            }).get(30, TimeUnit.SECONDS));
        }
        clients.forEach(c -> c.send(message));
        sleep(warmupS);
        Window w = Window.measure(server.pid(), durationS, echoed);
        running[0] = false;
        sleep(0.3);
        clients.forEach(LoadClient::close);
        return new Echo(w.rate(0), w.cpuPercent(), w.kernelShare());
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** One measuring window: the server's CPU (all of it, and the kernel's share) and some counters, before and after. */
    record Window(double seconds, double cpuPercent, double kernelShare, long[] deltas) {
        static Window measure(long pid, double durationS, AtomicLong... counters) throws InterruptedException {
            long[] before = new long[counters.length];
            for (int i = 0; i < counters.length; i++) {
                before[i] = counters[i].get();
            }
            long cpu0 = Procs.cpuTicks(pid);
            long sys0 = Procs.systemTicks(pid);
            long t0 = System.nanoTime();
            sleep(durationS);
            long cpu1 = Procs.cpuTicks(pid);
            long sys1 = Procs.systemTicks(pid);
            long t1 = System.nanoTime();
            long[] deltas = new long[counters.length];
            for (int i = 0; i < counters.length; i++) {
                deltas[i] = counters[i].get() - before[i];
            }
            double secs = (t1 - t0) / 1e9;
            return new Window(secs, Procs.cpuPercent(cpu1 - cpu0, secs), share(sys1 - sys0, cpu1 - cpu0), deltas);
        }

        /** Counter {@code i} per second of the window. */
        double rate(int i) {
            return deltas[i] / seconds;
        }
    }

    /** Opens {@code n} sessions (200 handshakes at a time), each subscribed to {@code topic} unless null. */
    List<LoadClient> open(Target t, int n, LoadClient.Handler handler, String topic) throws Exception {
        Semaphore gate = new Semaphore(200);
        List<CompletableFuture<LoadClient>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            gate.acquire();
            CompletableFuture<LoadClient> ready = new CompletableFuture<>();
            all.add(ready);
            LoadClient.connect(pool, t.uri(), t.realm(), t.serializer(), handler).whenComplete((c, e) -> {
                if (e != null) {
                    gate.release();
                    ready.completeExceptionally(e);
                } else if (topic == null) {
                    gate.release();
                    ready.complete(c);
                } else {
                    c.handler((cc, m) -> {
                        int type = LoadClient.type(m);
                        if (type == 33) { // SUBSCRIBED
                            cc.handler(handler);
                            gate.release();
                            ready.complete(cc);
                        } else if (type == 8) {
                            gate.release();
                            ready.completeExceptionally(new IllegalStateException("SUBSCRIBE failed: " + m));
                        }
                    });
                    c.send("[32,1,{},\"" + topic + "\"]");
                }
            });
        }
        List<LoadClient> out = new ArrayList<>(n);
        for (CompletableFuture<LoadClient> f : all) {
            out.add(f.get(120, TimeUnit.SECONDS));
        }
        return out;
    }

    interface Tick {
        void fire(long i);
    }

    /** Calls {@code tick} {@code rate} times a second, paced every millisecond, until running[0] is false. */
    static Thread pace(int rate, boolean[] running, Tick tick) {
        Thread th = new Thread(() -> {
            long start = System.nanoTime();
            long sent = 0;
            while (running[0]) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                while (sent < due) {
                    tick.fire(sent++);
                }
                LockSupport.parkNanos(1_000_000);
            }
        }, "pacer");
        th.setDaemon(true);
        th.start();
        return th;
    }

    private static double share(long part, long whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }

    static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    /** Latency samples in nanoseconds (and when each began, if given); writers may be several threads. */
    static final class Recorder {
        private final long[] samples;
        private long[] starts;
        private final AtomicInteger n = new AtomicInteger();

        Recorder(int capacity) {
            samples = new long[capacity];
        }

        void add(long nanos) {
            int i = n.getAndIncrement();
            if (i < samples.length) {
                samples[i] = nanos;
            }
        }

        /** A sample that began at {@code startNanos} ({@link System#nanoTime()}). */
        void add(long startNanos, long nanos) {
            int i = n.getAndIncrement();
            if (i < samples.length) {
                samples[i] = nanos;
                if (starts == null) {
                    synchronized (this) {
                        if (starts == null) {
                            starts = new long[samples.length];
                        }
                    }
                }
                starts[i] = startNanos;
            }
        }

        /**
         * The samples in detail; {@code nano0} and {@code wall0} are the same moment on {@link System#nanoTime()} and
         * the wall clock, to place the samples among the pauses.
         */
        Latency latency(long nano0, long wall0, Pauses router, Pauses client, double allocatedPerCall, String jit) {
            int count = Math.min(n.get(), samples.length);
            long[] sorted = Arrays.copyOf(samples, count);
            Arrays.sort(sorted);
            double p99 = count == 0 ? Double.NaN : sorted[(int) Math.min(count - 1, Math.ceil(0.99 * count) - 1)];
            int slow = 0;
            int inRouter = 0;
            int inClient = 0;
            for (int i = 0; i < count && starts != null; i++) {
                if (samples[i] > p99) {
                    slow++;
                    double from = wall0 + (starts[i] - nano0) / 1e6;
                    double to = from + samples[i] / 1e6;
                    inRouter += router.overlaps(from, to) ? 1 : 0;
                    inClient += client.overlaps(from, to) ? 1 : 0;
                }
            }
            return new Latency(sorted, percentileMs(sorted, 99.9), count == 0 ? Double.NaN : sorted[count - 1] / 1e6,
                    router, client, slow == 0 ? 0 : (double) inRouter / slow, slow == 0 ? 0 : (double) inClient / slow,
                    allocatedPerCall, jit);
        }

        /** The {@code p}-th percentile of sorted samples, in ms. */
        static double percentileMs(long[] sorted, double p) {
            int count = sorted.length;
            return count == 0 ? Double.NaN : sorted[(int) Math.min(count - 1, Math.ceil(p / 100.0 * count) - 1)] / 1e6;
        }

        void reset() {
            n.set(0);
        }

        double percentileMs(double p) {
            int count = Math.min(n.get(), samples.length);
            if (count == 0) {
                return Double.NaN;
            }
            long[] s = Arrays.copyOf(samples, count);
            Arrays.sort(s);
            return s[(int) Math.min(count - 1, Math.ceil(p / 100.0 * count) - 1)] / 1e6;
        }
    }
}
