package io.postmaster.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import static io.postmaster.bench.Procs.loadAverage;
import static io.postmaster.bench.Procs.prop;

/**
 * The cluster benchmark ({@code mvn -Pbench -Dbench.main=io.postmaster.bench.ClusterBench}): two WildFly nodes with
 * the WAR and one {@code redis-server}, the three pinned to {@code bench.cpu.router} (core 0), this JVM the load
 * generator (the Maven profile pins it to the other core). Node A is the {@code mvn -Prun} WildFly as the profile
 * provisions it, on HTTP 8080 + {@code bench.port.offset}; node B the same server with a server base directory of its
 * own under {@code bench.dir} (its configuration and the WAR copied), on 8090 + the offset; both get
 * {@code postmaster.cluster.redis} on their command line (heartbeat and TTL at their defaults). Redis runs on a free
 * port without persistence. Each process's CPU is read from {@code /proc/<pid>/stat} around each measuring window.
 *
 * <p>Each repetition runs, in this order, so they all see the same background load:
 * <ul>
 * <li>RPC on one node: callee and {@code callers} callers on A (closed loop, one call in flight each): a call between
 * two sessions of one node never touches Redis, so this is a single node's figure, measured in the same run;</li>
 * <li>RPC across nodes: the callee on B, the callers on A: calls per router CPU-second (A + B), the ratio to the
 * single node's calls per CPU-second of A, and Redis CPU per call (two relayed messages);</li>
 * <li>pub/sub at {@code rate} publications/s (open loop) from a publisher on A to one subscriber on A and one on B:
 * publish→event latency on the same node and across nodes (p50, p99, max; the publisher's timestamp in the event,
 * one clock: this JVM's), events lost across nodes, Redis CPU per relayed publication.</li>
 * </ul>
 * Program arguments ({@code -Dbench.args="rate=1000 callers=8"}): {@code rate} [1000], {@code callers} [8]. System
 * properties as the bench: {@code bench.jboss.home}, {@code bench.port.offset}, {@code bench.cpu.router},
 * {@code bench.warmup} [30 s in all], {@code bench.duration} [10 s per measurement], {@code bench.repeat} [3],
 * {@code bench.dir}. Prints one table of medians with the machine, load average and settings, and writes it to
 * {@code bench.dir/cluster-results.md}.
 */
public final class ClusterBench {
    private static final String REALM = "realm1";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir;
    private final LoadClient.Pool pool = new LoadClient.Pool(2);
    private final RouterProcesses routers;
    private Process redis;
    private int runs;

    private ClusterBench(Path dir) {
        this.dir = dir;
        this.routers = new RouterProcesses(pool, dir, "cluster-bench");
    }

    /** One measuring window: CPU seconds each process used in it, and how far each counter moved. */
    record Window(double seconds, double[] cpu, long[] counts) {
        static Window measure(long[] pids, double durationS, AtomicLong... counters) throws InterruptedException {
            long[] before = new long[counters.length];
            long[] ticks = new long[pids.length];
            for (int i = 0; i < counters.length; i++) {
                before[i] = counters[i].get();
            }
            for (int i = 0; i < pids.length; i++) {
                ticks[i] = Procs.cpuTicks(pids[i]);
            }
            long t0 = System.nanoTime();
            Scenarios.sleep(durationS);
            double[] cpu = new double[pids.length];
            for (int i = 0; i < pids.length; i++) {
                cpu[i] = (Procs.cpuTicks(pids[i]) - ticks[i]) / (double) Procs.CLK_TCK;
            }
            long[] counts = new long[counters.length];
            for (int i = 0; i < counters.length; i++) {
                counts[i] = counters[i].get() - before[i];
            }
            return new Window((System.nanoTime() - t0) / 1e9, cpu, counts);
        }

        double rate(int counter) {
            return counts[counter] / seconds;
        }

        double cpuPercent(int process) {
            return 100 * cpu[process] / seconds;
        }
    }

    /** RPC, closed loop: calls per second and the CPU of node A, node B and Redis. */
    record Rpc(Window w) {
        double callsPerSecond() {
            return w.rate(0);
        }

        /** Calls per CPU-second of the routers involved: A alone on one node, A + B across nodes. */
        double perRouterCpuSecond(boolean across) {
            return w.counts()[0] / (w.cpu()[0] + (across ? w.cpu()[1] : 0));
        }

        double perCpuSecondWithRedis() {
            return w.counts()[0] / (w.cpu()[0] + w.cpu()[1] + w.cpu()[2]);
        }

        double redisMicrosPerCall() {
            return 1e6 * w.cpu()[2] / w.counts()[0];
        }

        long errors() {
            return w.counts()[1];
        }
    }

    /** Pub/sub at a fixed rate: latency on the same node and across nodes, loss, CPU. */
    record PubSub(Window w, double sameP50, double sameP99, double sameMax, double acrossP50, double acrossP99,
                  double acrossMax, long published, long lostAcross, long lostSame) {
        double redisMicrosPerRelayed() {
            return 1e6 * w.cpu()[2] / w.counts()[0];
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(prop("bench.dir", "target/bench")).toAbsolutePath();
        Files.createDirectories(dir);
        ClusterBench b = new ClusterBench(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(b::stopAll));
        try {
            b.run(arguments(args));
        } finally {
            b.stopAll();
        }
        System.exit(0);
    }

    private static Map<String, String> arguments(String[] args) {
        Map<String, String> a = new LinkedHashMap<>(Map.of("rate", "1000", "callers", "8"));
        for (String arg : args) {
            for (String kv : arg.trim().split("\\s+")) {
                if (kv.isEmpty()) {
                    continue;
                }
                String[] p = kv.split("=", 2);
                if (p.length != 2 || !a.containsKey(p[0])) {
                    throw new IllegalArgumentException("unknown argument " + kv + " (rate=N callers=N)");
                }
                a.put(p[0], p[1]);
            }
        }
        return a;
    }

    private void run(Map<String, String> args) throws Exception {
        int rate = Integer.parseInt(args.get("rate"));
        int callers = Integer.parseInt(args.get("callers"));
        int offset = Integer.parseInt(prop("bench.port.offset", "0"));
        String cpu = prop("bench.cpu.router", "0");
        double warmup = Double.parseDouble(prop("bench.warmup", "30"));
        double duration = Double.parseDouble(prop("bench.duration", "10"));
        int repeat = Integer.parseInt(prop("bench.repeat", "3"));
        Path home = Path.of(prop("bench.jboss.home", "target/run-server")).toAbsolutePath();

        String machine = Procs.firstLine("/proc/cpuinfo", "model name") + ", " + Procs.cores() + " cores, "
                + Procs.firstLine("/proc/meminfo", "MemTotal");
        log("machine: " + machine);
        log("load average at start: " + loadAverage());

        int redisPort;
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        long redisPid = startRedis(redisPort, cpu);
        String redisVersion = Procs.run(List.of("redis-server", "--version")).trim();
        String redisUri = "redis://127.0.0.1:" + redisPort;

        // the two nodes boot side by side
        Path baseB = nodeBaseDir(home);
        int portA = 8080 + offset;
        int portB = 8090 + offset;
        ProcessBuilder a = RouterProcesses.wildFly(home, "bench", cpu, offset,
                "-Dpostmaster.cluster.redis=" + redisUri);
        a.redirectErrorStream(true).redirectOutput(dir.resolve("cluster-node-a.log").toFile());
        ProcessBuilder b = RouterProcesses.wildFly(home, "bench", cpu, offset + 10,
                "-Djboss.server.base.dir=" + baseB, "-Dpostmaster.cluster.redis=" + redisUri);
        b.redirectErrorStream(true).redirectOutput(dir.resolve("cluster-node-b.log").toFile());
        URI wsA = URI.create("ws://127.0.0.1:" + portA + "/ws");
        URI wsB = URI.create("ws://127.0.0.1:" + portB + "/ws");
        CompletableFuture<Long> pidB = CompletableFuture.supplyAsync(() -> {
            try {
                return routers.start("node B", b, wsB, REALM, 240);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long pidA = routers.start("node A", a, wsA, REALM, 240);
        long[] pids = {pidA, pidB.get(), redisPid};
        awaitJoined(portA);
        awaitJoined(portB);
        log("both nodes joined the cluster through Redis on port " + redisPort);

        log("warming up for " + warmup + " s (RPC on one node, RPC and pub/sub across nodes)");
        rpc(wsA, wsA, callers, 1, warmup / 3 - 1, pids);
        rpc(wsA, wsB, callers, 1, warmup / 3 - 1, pids);
        pubsub(wsA, wsA, wsB, rate, 1, warmup / 3 - 1, pids);
        Window idle = Window.measure(pids, Math.min(duration, 5));

        List<Object> single = new ArrayList<>();
        List<Object> across = new ArrayList<>();
        List<Object> pubsub = new ArrayList<>();
        List<String> loads = new ArrayList<>();
        for (int r = 1; r <= repeat; r++) {
            Rpc one = rpc(wsA, wsA, callers, 2, duration, pids);
            single.add(one);
            note(loads, "rpc one node", r, String.format(Locale.ROOT, "%.0f calls/s, %.0f per CPU-s of A (B %.1f %%)",
                    one.callsPerSecond(), one.perRouterCpuSecond(false), one.w().cpuPercent(1)));
            Rpc two = rpc(wsA, wsB, callers, 2, duration, pids);
            across.add(two);
            note(loads, "rpc across nodes", r, String.format(Locale.ROOT, "%.0f calls/s, %.0f per CPU-s of A + B,"
                    + " Redis %.1f µs per call, %d errors", two.callsPerSecond(), two.perRouterCpuSecond(true),
                    two.redisMicrosPerCall(), two.errors()));
            PubSub ps = pubsub(wsA, wsA, wsB, rate, 2, duration, pids);
            pubsub.add(ps);
            note(loads, "pub/sub " + rate + "/s", r, String.format(Locale.ROOT, "same node p99 %.2f ms, across p50 %.2f"
                    + " p99 %.2f max %.2f ms, lost %d, Redis %.1f µs per relayed publication", ps.sameP99(),
                    ps.acrossP50(), ps.acrossP99(), ps.acrossMax(), ps.lostAcross(), ps.redisMicrosPerRelayed()));
        }

        StringBuilder out = new StringBuilder();
        out.append("\n## Postmaster cluster: two WildFly nodes and one Redis — medians of ").append(repeat)
                .append(" runs, ").append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append('\n');
        out.append("machine: ").append(machine).append("; both nodes and Redis pinned to core ").append(cpu)
                .append(", load generator (JDK WebSocket client, this JVM) on the other core\n");
        out.append("settings: the mvn -Prun WildFly as node A (HTTP ").append(portA).append(") and as node B (HTTP ")
                .append(portB).append(", its own server base directory), ").append(RouterProcesses.ioThreads(cpu))
                .append(" I/O thread(s) each, heap standalone.conf's default; postmaster.cluster.* at their defaults; ")
                .append(redisVersion).append(", no persistence; ").append(callers)
                .append(" callers closed-loop; pub/sub ").append(rate).append(" publications/s open-loop; warm-up ")
                .append(warmup).append(" s, ").append(duration).append(" s per measurement; JSON\n");
        out.append("load average during the runs (1 min): ").append(loadRange(loads)).append('\n');
        out.append(String.format(Locale.ROOT, "idle (heartbeats only): node A %.2f %%, node B %.2f %%, Redis %.2f %% of a"
                + " core%n%n", idle.cpuPercent(0), idle.cpuPercent(1), idle.cpuPercent(2)));
        out.append("| figure | median | runs |\n|---|---|---|\n");
        row(out, "RPC on one node (callee and callers on A): calls/s", single, r -> ((Rpc) r).callsPerSecond(), "%.0f");
        row(out, "RPC on one node: calls per router CPU-second (A)", single,
                r -> ((Rpc) r).perRouterCpuSecond(false), "%.0f");
        row(out, "RPC across nodes (callers on A, callee on B): calls/s", across, r -> ((Rpc) r).callsPerSecond(),
                "%.0f");
        row(out, "RPC across nodes: calls per router CPU-second (A + B)", across,
                r -> ((Rpc) r).perRouterCpuSecond(true), "%.0f");
        List<Object> ratios = new ArrayList<>();
        for (int i = 0; i < across.size(); i++) {
            ratios.add(100 * ((Rpc) across.get(i)).perRouterCpuSecond(true)
                    / ((Rpc) single.get(i)).perRouterCpuSecond(false));
        }
        row(out, "RPC across nodes vs one node, calls per router CPU-second (goal ≥ 50 %)", ratios,
                r -> (Double) r, "%.0f %%");
        row(out, "RPC across nodes: calls per CPU-second of A + B + Redis", across,
                r -> ((Rpc) r).perCpuSecondWithRedis(), "%.0f");
        row(out, "RPC across nodes: Redis CPU per call (two relayed messages), µs", across,
                r -> ((Rpc) r).redisMicrosPerCall(), "%.1f");
        row(out, "pub/sub " + rate + "/s, same node: publish→event p50 / p99, ms", pubsub,
                r -> ((PubSub) r).sameP99(), "%.2f", r -> ((PubSub) r).sameP50());
        row(out, "pub/sub " + rate + "/s, across nodes: publish→event p50, ms", pubsub,
                r -> ((PubSub) r).acrossP50(), "%.2f");
        row(out, "pub/sub " + rate + "/s, across nodes: publish→event p99, ms", pubsub,
                r -> ((PubSub) r).acrossP99(), "%.2f");
        row(out, "pub/sub " + rate + "/s, across nodes: publish→event max, ms", pubsub,
                r -> ((PubSub) r).acrossMax(), "%.2f");
        row(out, "pub/sub " + rate + "/s: events lost across nodes (of all published in the run)", pubsub,
                r -> ((PubSub) r).lostAcross(), "%.0f");
        row(out, "pub/sub " + rate + "/s: Redis CPU per relayed publication, µs", pubsub,
                r -> ((PubSub) r).redisMicrosPerRelayed(), "%.1f");
        row(out, "pub/sub " + rate + "/s: router CPU %, node A (publisher, one subscriber)", pubsub,
                r -> ((PubSub) r).w().cpuPercent(0), "%.1f");
        row(out, "pub/sub " + rate + "/s: router CPU %, node B (one subscriber)", pubsub,
                r -> ((PubSub) r).w().cpuPercent(1), "%.1f");
        row(out, "pub/sub " + rate + "/s: Redis CPU %", pubsub, r -> ((PubSub) r).w().cpuPercent(2), "%.1f");
        out.append('\n');
        System.out.print(out);
        Files.writeString(dir.resolve("cluster-results.md"), out.toString());
        log("table written to " + dir.resolve("cluster-results.md"));
        pool.close();
    }

    // ------------------------------------------------------------------------------------------ scenarios

    /**
     * {@code callers} sessions on {@code callerUri} call a procedure of one callee on {@code calleeUri}, each with one
     * call in flight (closed loop); measured over {@code durationS} after {@code warmupS}.
     */
    private Rpc rpc(URI callerUri, URI calleeUri, int callers, double warmupS, double durationS, long[] pids)
            throws Exception {
        String procedure = "bench.cluster.echo" + (++runs); // a fresh one: the last run's callee may still be leaving
        CompletableFuture<Void> registered = new CompletableFuture<>();
        LoadClient callee = LoadClient.connect(pool, calleeUri, REALM, (c, m) -> {
            int type = LoadClient.type(m);
            if (type == 68) { // [INVOCATION, Request, Registration, Details, Arguments]
                c.send("[70," + LoadClient.longAt(m, 1, -1) + ",{},[1]]");
            } else if (type == 65) {
                registered.complete(null);
            } else if (type == 8) {
                registered.completeExceptionally(new IllegalStateException("REGISTER failed: " + m));
            }
        }).get(30, TimeUnit.SECONDS);
        callee.send("[64,1,{},\"" + procedure + "\"]");
        registered.get(30, TimeUnit.SECONDS);
        awaitCallable(callerUri, procedure);

        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        boolean[] running = {true};
        LoadClient.Handler onReply = (c, m) -> {
            int type = LoadClient.type(m);
            if (type == 50) {
                completed.incrementAndGet();
            } else if (type == 8) {
                errors.incrementAndGet();
            } else {
                return;
            }
            if (running[0]) {
                call(c, procedure);
            }
        };
        List<LoadClient> clients = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            clients.add(LoadClient.connect(pool, callerUri, REALM, onReply).get(30, TimeUnit.SECONDS));
        }
        clients.forEach(c -> call(c, procedure));
        Scenarios.sleep(warmupS);
        Window w = Window.measure(pids, durationS, completed, errors);
        running[0] = false;
        Scenarios.sleep(0.3);
        clients.forEach(LoadClient::close);
        callee.close();
        return new Rpc(w);
    }

    private static void call(LoadClient c, String procedure) {
        c.send("[48," + c.nextRequest() + ",{},\"" + procedure + "\",[1]]");
    }

    /** Calls {@code procedure} from a session on {@code uri} until it answers: the registration reached that node. */
    private void awaitCallable(URI uri, String procedure) throws Exception {
        CompletableFuture<Void> answered = new CompletableFuture<>();
        LoadClient probe = LoadClient.connect(pool, uri, REALM, (c, m) -> {
            if (LoadClient.type(m) == 50) {
                answered.complete(null);
            }
        }).get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!answered.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(procedure + " was not callable on " + uri + " within 30 s");
            }
            call(probe, procedure);
            Scenarios.sleep(0.05);
        }
        probe.close();
    }

    /**
     * A publisher on {@code pubUri} publishes {@code [nanoTime]} {@code rate} times a second; one subscriber on
     * {@code sameUri} (the publisher's node) and one on {@code acrossUri} take the latency of each event.
     */
    private PubSub pubsub(URI pubUri, URI sameUri, URI acrossUri, int rate, double warmupS, double durationS,
                          long[] pids) throws Exception {
        String topic = "bench.cluster.topic" + (++runs);
        int capacity = (int) Math.min(20_000_000, (long) rate * (long) (durationS + 2));
        Scenarios.Recorder same = new Scenarios.Recorder(capacity);
        Scenarios.Recorder across = new Scenarios.Recorder(capacity);
        AtomicLong published = new AtomicLong();
        AtomicLong gotSame = new AtomicLong();
        AtomicLong gotAcross = new AtomicLong();
        boolean[] measuring = {false};
        LoadClient s1 = subscriber(sameUri, topic, gotSame, same, measuring);
        LoadClient s2 = subscriber(acrossUri, topic, gotAcross, across, measuring);
        LoadClient publisher = LoadClient.connect(pool, pubUri, REALM, (c, m) -> { }).get(30, TimeUnit.SECONDS);
        // the subscriber's interest reaches the publisher's node one Redis round trip after SUBSCRIBED
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (gotAcross.get() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no event crossed the nodes within 30 s");
            }
            publish(publisher, topic);
            Scenarios.sleep(0.05);
        }
        Scenarios.sleep(0.3); // the probes still in flight
        long baseSame = gotSame.get();
        long baseAcross = gotAcross.get();
        boolean[] running = {true};
        Thread pacer = Scenarios.pace(rate, running, i -> {
            publish(publisher, topic);
            published.incrementAndGet();
        });
        Scenarios.sleep(warmupS);
        measuring[0] = true;
        same.reset();
        across.reset();
        Window w = Window.measure(pids, durationS, published, gotSame, gotAcross);
        measuring[0] = false;
        running[0] = false;
        pacer.join();
        Scenarios.sleep(1); // what is still on its way
        long lostSame = published.get() - (gotSame.get() - baseSame);
        long lostAcross = published.get() - (gotAcross.get() - baseAcross);
        s1.close();
        s2.close();
        publisher.close();
        return new PubSub(w, same.percentileMs(50), same.percentileMs(99), same.percentileMs(100),
                across.percentileMs(50), across.percentileMs(99), across.percentileMs(100), published.get(),
                lostAcross, lostSame);
    }

    private LoadClient subscriber(URI uri, String topic, AtomicLong got, Scenarios.Recorder latencies,
                                  boolean[] measuring) throws Exception {
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        LoadClient c = LoadClient.connect(pool, uri, REALM, (x, m) -> {
            int type = LoadClient.type(m);
            if (type == 36) { // [EVENT, Subscription, Publication, Details, [nanoTime]]
                long now = System.nanoTime();
                got.incrementAndGet();
                if (measuring[0]) {
                    latencies.add(now - LoadClient.longAt(m, 4, 0));
                }
            } else if (type == 33) {
                subscribed.complete(null);
            } else if (type == 8) {
                subscribed.completeExceptionally(new IllegalStateException("SUBSCRIBE failed: " + m));
            }
        }).get(30, TimeUnit.SECONDS);
        c.send("[32,1,{},\"" + topic + "\"]");
        subscribed.get(30, TimeUnit.SECONDS);
        return c;
    }

    private static void publish(LoadClient c, String topic) {
        c.send("[16," + c.nextRequest() + ",{},\"" + topic + "\",[" + System.nanoTime() + "]]");
    }

    // ------------------------------------------------------------------------------------------ processes

    /** redis-server on {@code port} (127.0.0.1, no persistence), pinned to {@code cpu}; returns its pid. */
    private long startRedis(int port, String cpu) throws Exception {
        Path data = Files.createDirectories(dir.resolve("cluster-redis"));
        redis = new ProcessBuilder("taskset", "-c", cpu, "redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", data.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("cluster-redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Procs.listeningPid(port) < 0) {
            if (!redis.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start (is it installed? apt-get install"
                        + " redis-server): " + Files.readString(dir.resolve("cluster-redis.log")));
            }
            Scenarios.sleep(0.05);
        }
        log("redis-server on port " + port + ", pid " + redis.pid());
        return redis.pid(); // taskset execs redis-server: the same process
    }

    /** Node B's server base directory: the provisioned server's configuration and its Postmaster WAR. */
    private Path nodeBaseDir(Path home) throws IOException {
        Path base = dir.resolve("cluster-node-b");
        if (Files.exists(base)) {
            try (var walk = Files.walk(base)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Path config = Files.createDirectories(base.resolve("configuration"));
        try (var files = Files.list(home.resolve("standalone/configuration"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, config.resolve(f.getFileName()));
            }
        }
        Path war = home.resolve("standalone/deployments/postmaster.war");
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException(war + " is missing (mvn -Pbench deploys the WAR into the provisioned server)");
        }
        Files.copy(war, Files.createDirectories(base.resolve("deployments")).resolve("postmaster.war"),
                StandardCopyOption.REPLACE_EXISTING);
        return base;
    }

    /** Waits until the node's readiness says it joined the cluster. */
    private static void awaitJoined(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (r.body().contains("\"name\":\"cluster-engine\",\"status\":\"UP\"")) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the node on " + port + " did not join within 60 s: " + r.body());
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Scenarios.sleep(0.2); // nothing tells when the cluster's own thread has joined: asked again
        }
    }

    private synchronized void stopAll() {
        routers.stopAll();
        if (redis != null) {
            redis.destroyForcibly();
            try {
                redis.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            redis = null;
        }
    }

    // ------------------------------------------------------------------------------------------ output

    private static void note(List<String> loads, String what, int run, String result) {
        String load = loadAverage();
        loads.add(load);
        log(String.format(Locale.ROOT, "%-18s run %d: %s   (load %s)", what, run, result, load));
    }

    @SafeVarargs
    private static void row(StringBuilder out, String figure, List<Object> runs, ToDoubleFunction<Object> value,
                            String fmt, ToDoubleFunction<Object>... before) {
        out.append("| ").append(figure).append(" | ");
        for (ToDoubleFunction<Object> b : before) {
            out.append(String.format(Locale.ROOT, fmt, median(runs, b))).append(" / ");
        }
        out.append(String.format(Locale.ROOT, fmt, median(runs, value))).append(" | ");
        out.append(String.join(", ", runs.stream().map(r -> {
            StringBuilder s = new StringBuilder();
            for (ToDoubleFunction<Object> b : before) {
                s.append(String.format(Locale.ROOT, fmt, b.applyAsDouble(r))).append(" / ");
            }
            return s.append(String.format(Locale.ROOT, fmt, value.applyAsDouble(r))).toString();
        }).toList())).append(" |\n");
    }

    private static double median(List<Object> runs, ToDoubleFunction<Object> value) {
        double[] v = runs.stream().mapToDouble(value).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String loadRange(List<String> loads) {
        double[] v = loads.stream().mapToDouble(Double::parseDouble).sorted().toArray();
        return v.length == 0 ? "?" : String.format(Locale.ROOT, "%.2f–%.2f (median %.2f)", v[0], v[v.length - 1],
                v[v.length / 2]);
    }

    private static void log(String s) {
        System.out.println("[cluster-bench] " + s);
    }
}
