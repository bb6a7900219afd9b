package io.postmaster.bench;

import io.postmaster.bench.echo.EchoEndpoint;
import io.postmaster.bench.echo.UpgradeEcho;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import static io.postmaster.bench.Procs.cores;
import static io.postmaster.bench.Procs.loadAverage;
import static io.postmaster.bench.Procs.prop;

/**
 * The benchmark command ({@code mvn -Pbench}): starts Postmaster on the provisioned {@code mvn -Prun} WildFly (and on
 * any other server listed) and a peer router (nexus by default), runs the same scenarios against each with this JVM
 * as the load generator, and prints one table of medians — figure, Postmaster on each server, the peer, the ratios.
 *
 * <p>Routers are pinned to core 0 and this process should run on core 1 ({@code taskset -c 1}, as the Maven profile
 * does), so router CPU per unit of work can be read cleanly from {@code /proc/<pid>/stat}. The routers run side by
 * side and the scenarios alternate between them, so all see the same background load.
 *
 * <p>Settings are system properties (defaults in brackets): {@code bench.server} [wildfly; a list of wildfly, payara,
 * tomee, liberty, the first the reference], {@code bench.jboss.home} [target/run-server], {@code bench.payara.jar}
 * [target/payara-micro.jar], {@code bench.payara.preboot} [src/main/payara/run-preboot.asadmin],
 * {@code bench.tomee.home} [target/run-tomee], {@code bench.liberty.wlp} [target/run-liberty/wlp],
 * {@code bench.main.dir} [src/main: the servers' mvn -Prun configuration], {@code bench.war}
 * [target/postmaster.war], {@code bench.port.offset} [0: Postmaster on 8080, the i-th further server on 8080 + 10 i],
 * {@code bench.peer} [nexus; or fox-wamp, none], {@code bench.shared.dir} [../shared: where peers/nexus/nexusd is],
 * {@code bench.peer.port} [18700], {@code bench.warmup} seconds per router [30], {@code bench.duration} seconds per
 * measurement [10], {@code bench.repeat} [3], {@code bench.fanout} sessions [5000], {@code bench.fanout.rounds}
 * publications per fan-out run after the first [5: their median is the figure, the first is shown apart],
 * {@code bench.scenarios}
 * [{@link #DEFAULT_SCENARIOS}; a scenario ending in -msgpack or -cbor is the scenario in that serializer; fanout-jdk
 * is the fan-out received by the JDK WebSocket client instead of {@link FanOutReceiver}],
 * {@code bench.heap} [each server's default as mvn -Prun starts it; e.g. "-Xms1g -Xmx1g"], {@code bench.cpu.router}
 * [0], {@code bench.dir} [target/bench].
 */
public final class Bench {
    private static final String REALM = "realm1";

    private final Path dir;
    private final LoadClient.Pool pool = new LoadClient.Pool(2);
    private final RouterProcesses routers;
    /** The echo WARs deployed into a server's own directory for the floor, removed again at the end. */
    private final List<Path> deployedEchoWars = new ArrayList<>();
    /** The echo endpoint on each server. */
    private final Map<String, URI> echoUris = new LinkedHashMap<>();
    /** Postmaster's RawSocket port on each server, for the -rawsocket scenarios. */
    private final Map<String, Integer> rawSockets = new LinkedHashMap<>();

    private Bench(Path dir) {
        this.dir = dir;
        this.routers = new RouterProcesses(pool, dir, "bench");
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(prop("bench.dir", "target/bench"));
        Files.createDirectories(dir);
        Bench b = new Bench(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(b::stopAll));
        try {
            b.run();
        } finally {
            b.stopAll();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        int offset = Integer.parseInt(prop("bench.port.offset", "0"));
        // the peer routers: a list, a name given twice runs twice (the second as name-2 on the next port), so that a
        // run against two copies of one router shows how far the load client's own noise moves a figure
        List<String> peers = Arrays.stream(prop("bench.peer", "nexus").split(",")).map(String::trim)
                .filter(x -> !x.isEmpty() && !x.equals("none")).toList();
        int peerPort = Integer.parseInt(prop("bench.peer.port", "18700"));
        double warmup = Double.parseDouble(prop("bench.warmup", "30"));
        double duration = Double.parseDouble(prop("bench.duration", "10"));
        int repeat = Integer.parseInt(prop("bench.repeat", "3"));
        int fanout = Integer.parseInt(prop("bench.fanout", "5000"));
        List<String> scenarios = Arrays.asList(prop("bench.scenarios", DEFAULT_SCENARIOS).split(","));
        boolean rawSocket = scenarios.stream().anyMatch(x -> x.endsWith("-rawsocket"));
        String cpu = prop("bench.cpu.router", "0");
        List<String> servers = Arrays.stream(prop("bench.server", "wildfly").split(",")).map(String::trim)
                .filter(x -> !x.isEmpty() && !x.equals("none")).distinct().toList();

        String machine = Procs.firstLine("/proc/cpuinfo", "model name") + ", "
                + cores() + " cores, "
                + Procs.firstLine("/proc/meminfo", "MemTotal");
        log("machine: " + machine);
        log("load average at start: " + loadAverage());

        Scenarios s = new Scenarios(pool, t -> dir.resolve("safepoints-" + t.pid() + ".log"));
        // Postmaster on each server, side by side: the i-th on HTTP 8080 + offset + 10 i, RawSocket 8082 + the same
        List<Scenarios.Target> postmasters = new ArrayList<>();
        Map<String, String> serverNotes = new LinkedHashMap<>();
        for (int i = 0; i < servers.size(); i++) {
            String server = servers.get(i);
            int off = offset + 10 * i;
            int rs = rawSocket ? 8082 + off : 0;
            postmasters.add(switch (server) {
                case "wildfly" -> startWildFly(off, cpu, rs, serverNotes);
                case "payara" -> startPayara(8080 + off, cpu, rs, serverNotes);
                case "tomee" -> startTomEE(8080 + off, cpu, rs, serverNotes);
                case "liberty" -> startLiberty(8080 + off, cpu, rs, serverNotes);
                default -> throw new IllegalArgumentException("unknown bench.server " + server
                        + " (a list of wildfly, payara, tomee, liberty)");
            });
            if (rs > 0) {
                rawSockets.put(server, rs);
            }
        }
        List<Scenarios.Target> targets = new ArrayList<>(postmasters);
        List<Scenarios.Target> peerTargets = new ArrayList<>();
        for (int i = 0; i < peers.size(); i++) {
            String name = peers.subList(0, i).contains(peers.get(i)) ? peers.get(i) + "-" + (i + 1) : peers.get(i);
            peerTargets.add(startPeer(peers.get(i), name, peerPort + i, cpu));
        }
        targets.addAll(peerTargets);
        Scenarios.Target peerTarget = peerTargets.isEmpty() ? null : peerTargets.get(0);

        for (Scenarios.Target t : targets) {
            log("warming up " + t.name() + " for " + warmup + " s (RPC and pub/sub)");
            s.rpc(t, 8, 0, 1, warmup / 2 - 1);
            s.pubsub(t, 10, 0, 100, 1, warmup / 2 - 1);
        }
        for (String echo : List.of("echo", "echo-upgrade")) {
            if (scenarios.contains(echo)) {
                for (Scenarios.Target t : postmasters) { // the echo endpoint's own code, once
                    try {
                        s.echo(t, URI.create(echoUris.get(t.name()) + echo.substring(4)), 8, 1, 5);
                    } catch (TimeoutException | ExecutionException e) { // its runs fail too, and say so
                        log(echo + " " + t.name() + " warm-up failed: " + e);
                    }
                }
            }
        }

        Map<String, List<Object>> results = new LinkedHashMap<>(); // "scenario/target" -> runs
        List<String> loads = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String sc : scenarios) {
            String ser = sc.endsWith("-msgpack") ? "msgpack" : sc.endsWith("-cbor") ? "cbor" : "json";
            String base = ser.equals("json") ? sc : sc.substring(0, sc.length() - ser.length() - 1);
            for (int r = 0; r < repeat; r++) {
                for (Scenarios.Target target : targets) {
                    if ((base.startsWith("echo") || base.endsWith("-rawsocket")) && peerTargets.contains(target)) {
                        continue; // the floor of Postmaster's server, and its RawSocket: Postmaster's own
                    }
                    Scenarios.Target t = base.endsWith("-rawsocket")
                            ? new Scenarios.Target(target.name(), URI.create("rs://127.0.0.1:"
                            + rawSockets.get(target.name())), target.realm(), target.pid(), target.jvm())
                            : target.speaking(ser);
                    Object res;
                    try {
                        res = switch (base) {
                            case "echo" -> s.echo(t, echoUris.get(t.name()), 8, 3, duration);
                            case "echo-upgrade" -> s.echo(t, URI.create(echoUris.get(t.name()) + "-upgrade"), 8, 3,
                                    duration);
                            case "rpc", "rpc-rawsocket" -> s.rpc(t, 8, 0, 3, duration);
                            case "pubsub-flood", "pubsub-flood-rawsocket" -> s.pubsub(t, 10, 0, 100, 3, duration);
                            case "rpc-rate" -> s.rpc(t, 8, 5000, 3, duration);
                            case "pubsub-rate" -> s.pubsub(t, 10, 2000, 0, 3, duration);
                            case "fanout" -> s.fanOut(t, fanout, false);
                            case "fanout-jdk" -> s.fanOut(t, fanout, true);
                            default -> throw new IllegalArgumentException("unknown scenario " + sc);
                        };
                    } catch (TimeoutException | ExecutionException e) {
                        // a router that cannot keep up with a fixed rate may still be draining its backlog: the
                        // run is lost, not the table
                        failed.add(sc + " " + t.name() + " run " + (r + 1));
                        log(sc + " " + t.name() + " run " + (r + 1) + " failed: " + e);
                        continue;
                    }
                    String load = loadAverage();
                    loads.add(load);
                    log(String.format(Locale.ROOT, "%-22s %-10s run %d: %s   (load %s)", sc, t.name(), r + 1, res,
                            load));
                    results.computeIfAbsent(sc + "/" + t.name(), k -> new ArrayList<>()).add(res);
                }
            }
        }

        Table table = new Table(results, servers, peerTargets.stream().map(Scenarios.Target::name).toList());
        StringBuilder out = table.out;
        out.append("\n## Postmaster on ").append(servers.isEmpty() ? "(none)" : String.join(", ", servers))
                .append(" vs ")
                .append(peerTarget == null ? "(no peer)" : table.peers.stream().collect(Collectors.joining(", ")))
                .append(" — medians of ").append(repeat).append(" runs, ")
                .append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))).append('\n');
        out.append("machine: ").append(machine).append("; routers pinned to core ").append(cpu)
                .append(", load generator (JDK WebSocket client, this JVM) on the other core\n");
        out.append("settings: warm-up ").append(warmup).append(" s per router, ").append(duration)
                .append(" s per measurement; JSON unless the figure names msgpack or CBOR\n");
        serverNotes.forEach((k, v) -> out.append("- ").append(k).append(": ").append(v).append('\n'));
        out.append("load average during the runs (1 min): ").append(loadRange(loads)).append("\n");
        out.append(failed.isEmpty() ? "" : "failed runs (left out of the medians): " + failed + "\n").append('\n');
        table.header();
        table.row("echo", "floor: bare JSR-356 echo endpoint on the same server, 8 connections closed-loop: echoes"
                + " per server CPU-second", true, r -> ((Scenarios.Echo) r).perCpuSecond(), "%.0f");
        table.row("echo-upgrade", "floor: bare Servlet HTTP-upgrade echo (non-blocking streams) on the same server,"
                + " 8 connections closed-loop: echoes per server CPU-second", true,
                r -> ((Scenarios.Echo) r).perCpuSecond(), "%.0f");
        for (String ser : new String[] {"", "-msgpack", "-cbor"}) {
            String label = ser.isEmpty() ? "" : " (" + (ser.equals("-cbor") ? "CBOR" : "msgpack") + ")";
            table.row("rpc" + ser, "RPC" + label + ", 8 callers closed-loop: calls per router CPU-second", true,
                    r -> ((Scenarios.Rpc) r).perCpuSecond(), "%.0f");
            if (ser.isEmpty()) {
                table.floorShare();
            }
            table.row("rpc" + ser, "RPC" + label + ", 8 callers closed-loop: calls/s", true,
                    r -> ((Scenarios.Rpc) r).callsPerSecond(), "%.0f");
        }
        table.row("rpc", "RPC, 8 callers closed-loop: share of router CPU in the kernel", false,
                r -> ((Scenarios.Rpc) r).kernelShare(), "%.2f");
        table.row("rpc-rawsocket", "RPC over RawSocket (JSON), 8 callers closed-loop: calls per router CPU-second",
                true, r -> ((Scenarios.Rpc) r).perCpuSecond(), "%.0f");
        table.row("rpc-rawsocket", "RPC over RawSocket (JSON), 8 callers closed-loop: calls/s", true,
                r -> ((Scenarios.Rpc) r).callsPerSecond(), "%.0f");
        table.row("rpc-rate", "RPC at 5,000 calls/s: router CPU %", false,
                r -> ((Scenarios.Rpc) r).routerCpuPercent(), "%.1f");
        table.row("rpc-rate", "RPC at 5,000 calls/s: p99 call latency, ms", false,
                r -> ((Scenarios.Rpc) r).p99Ms(), "%.2f");
        table.pooled("rpc-rate", "RPC at 5,000 calls/s: p99 call latency of all runs' calls together, ms", 99);
        table.pooled("rpc-rate", "RPC at 5,000 calls/s: p99.9 call latency of all runs' calls together, ms", 99.9);
        table.row("rpc-rate", "RPC at 5,000 calls/s: slowest call, ms", false,
                r -> ((Scenarios.Rpc) r).latency().maxMs(), "%.2f");
        table.row("rpc-rate", "RPC at 5,000 calls/s: router stops (safepoints) per window, ms in all (JVM routers)",
                false, r -> ((Scenarios.Rpc) r).latency().router().totalMs(), "%.1f");
        table.row("rpc-rate", "RPC at 5,000 calls/s: bytes the router allocates per call (JVM routers)", false,
                r -> ((Scenarios.Rpc) r).latency().allocatedPerCall(), "%.0f");
        table.row("pubsub-rate", "pub/sub 10 subscribers, 2,000 publishes/s: router CPU %", false,
                r -> ((Scenarios.PubSub) r).routerCpuPercent(), "%.1f");
        for (String ser : new String[] {"", "-msgpack", "-cbor"}) {
            String label = ser.isEmpty() ? "" : " (" + (ser.equals("-cbor") ? "CBOR" : "msgpack") + ")";
            table.row("pubsub-flood" + ser, "pub/sub flood" + label + ", 10 subscribers: deliveries per router"
                    + " CPU-second", true, r -> ((Scenarios.PubSub) r).perCpuSecond(), "%.0f");
            table.row("pubsub-flood" + ser, "pub/sub flood" + label + ", 10 subscribers: deliveries/s", true,
                    r -> ((Scenarios.PubSub) r).deliveredPerSecond(), "%.0f");
        }
        table.row("pubsub-flood-rawsocket", "pub/sub flood over RawSocket (JSON), 10 subscribers: deliveries per"
                + " router CPU-second", true, r -> ((Scenarios.PubSub) r).perCpuSecond(), "%.0f");
        for (String sc : new String[] {"fanout", "fanout-jdk"}) {
            String client = sc.equals("fanout") ? "" : " (received by the JDK WebSocket client)";
            table.row(sc, fanout + " subscribed sessions, one publication: all delivered after, ms (median of"
                    + " bench.fanout.rounds after the first)" + client, false,
                    r -> ((Scenarios.FanOut) r).allDeliveredMs(), "%.1f");
            table.row(sc, "fan-out: the first publication to them (a JVM compiles the fan-out code), ms" + client,
                    false, r -> ((Scenarios.FanOut) r).firstMs(), "%.1f");
            table.row(sc, "fan-out: router CPU ms from the publication until all delivered" + client, false,
                    r -> ((Scenarios.FanOut) r).router().totalMs(), "%.1f");
            table.row(sc, "fan-out: of which the router's busiest thread, ms" + client, false,
                    r -> ((Scenarios.FanOut) r).router().busiestMs(), "%.1f");
            table.row(sc, "fan-out: load generator CPU ms over the same window" + client, false,
                    r -> ((Scenarios.FanOut) r).client().totalMs(), "%.1f");
        }
        table.row("fanout", "idle subscribed session: live heap KiB (JVM, after full GC)", false,
                r -> ((Scenarios.FanOut) r).heapKiBPerSession(), "%.2f");
        table.row("fanout", "idle subscribed session: RSS KiB", false,
                r -> ((Scenarios.FanOut) r).rssKiBPerSession(), "%.2f");
        out.append('\n');
        System.out.print(out);
        Files.writeString(dir.resolve("results.md"), out.toString());
        log("table written to " + dir.resolve("results.md"));
        pool.close();
    }

    /** The default scenarios: all of them. */
    static final String DEFAULT_SCENARIOS = "echo,echo-upgrade,rpc,rpc-msgpack,rpc-cbor,rpc-rawsocket,rpc-rate,pubsub-rate,"
            + "pubsub-flood,pubsub-flood-msgpack,pubsub-flood-cbor,pubsub-flood-rawsocket,fanout";

    /**
     * The table of medians: one column per server Postmaster ran on, then one per peer router, then the first server
     * against the first peer (&gt; 1: Postmaster better), each further server against the first (&gt; 1: better than
     * it) and each further peer against the first peer (two copies of one router: the load client's own noise).
     */
    private static final class Table {
        final StringBuilder out = new StringBuilder();
        private final Map<String, List<Object>> results;
        private final List<String> servers;
        final List<String> peers;

        Table(Map<String, List<Object>> results, List<String> servers, List<String> peers) {
            this.results = results;
            this.servers = servers;
            this.peers = peers;
        }

        private List<String> columns() {
            List<String> all = new ArrayList<>(servers);
            all.addAll(peers);
            return all;
        }

        void header() {
            out.append("| figure |");
            servers.forEach(x -> out.append(" Postmaster on ").append(x).append(" |"));
            peers.forEach(x -> out.append(' ').append(x).append(" |"));
            int ratios = 0;
            if (!servers.isEmpty() && !peers.isEmpty()) {
                out.append(' ').append(servers.get(0)).append(" vs ").append(peers.get(0))
                        .append(" (>1: Postmaster better) |");
                ratios++;
            }
            for (int i = 1; i < servers.size(); i++, ratios++) {
                out.append(' ').append(servers.get(i)).append(" vs ").append(servers.get(0)).append(" |");
            }
            for (int i = 1; i < peers.size(); i++, ratios++) {
                out.append(' ').append(peers.get(i)).append(" vs ").append(peers.get(0)).append(" |");
            }
            out.append("\n|---|");
            out.append("---|".repeat(servers.size() + peers.size() + ratios)).append('\n');
        }

        void row(String scenario, String figure, boolean higherIsBetter, ToDoubleFunction<Object> value, String fmt) {
            values(scenario, figure, higherIsBetter, x -> median(results.get(scenario + "/" + x), value), fmt);
        }

        /**
         * The {@code p}-th percentile of the latencies of all runs of an open-loop RPC scenario together (each run's
         * samples weigh by their number), in ms: steadier than the median of the runs' own percentiles.
         */
        void pooled(String scenario, String figure, double p) {
            values(scenario, figure, false, x -> {
                List<Object> runs = results.get(scenario + "/" + x);
                if (runs == null) {
                    return Double.NaN;
                }
                long[] all = runs.stream().flatMapToLong(r -> Arrays.stream(((Scenarios.Rpc) r).latency()
                        .sortedNanos())).sorted().toArray();
                return Scenarios.Recorder.percentileMs(all, p);
            }, "%.2f");
        }

        private void values(String scenario, String figure, boolean higherIsBetter, ToDoubleFunction<String> of,
                            String fmt) {
            if (columns().stream().noneMatch(x -> results.containsKey(scenario + "/" + x))) {
                return;
            }
            double[] o = servers.stream().mapToDouble(of).toArray();
            double[] p = peers.stream().mapToDouble(of).toArray();
            out.append("| ").append(figure).append(" |");
            for (double v : o) {
                out.append(' ').append(fmt(fmt, v)).append(" |");
            }
            for (double v : p) {
                out.append(' ').append(fmt(fmt, v)).append(" |");
            }
            if (o.length > 0 && p.length > 0) {
                out.append(' ').append(ratio(o[0], p[0], higherIsBetter)).append(" |");
            }
            for (int i = 1; i < o.length; i++) {
                out.append(' ').append(ratio(o[i], o[0], higherIsBetter)).append(" |");
            }
            for (int i = 1; i < p.length; i++) {
                out.append(' ').append(ratio(p[i], p[0], higherIsBetter)).append(" |");
            }
            out.append('\n');
        }

        private static String ratio(double a, double b, boolean higherIsBetter) {
            double r = higherIsBetter ? a / b : b / a;
            return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f×", r) : "–";
        }

        /** RPC calls per CPU-second against the floor: an RPC is two echoes' worth of WebSocket work. */
        void floorShare() {
            if (servers.stream().noneMatch(x -> results.containsKey("echo/" + x))) {
                return;
            }
            out.append("| RPC calls per CPU-second as a share of the floor (echoes per CPU-second ÷ 2) |");
            for (String x : servers) {
                double floor = median(results.get("echo/" + x), r -> ((Scenarios.Echo) r).perCpuSecond()) / 2;
                double calls = median(results.get("rpc/" + x), r -> ((Scenarios.Rpc) r).perCpuSecond());
                out.append(' ').append(fmt("%.0f %%", 100 * calls / floor)).append(" |");
            }
            int ratios = (peers.isEmpty() ? 0 : 1) + servers.size() - 1 + Math.max(0, peers.size() - 1);
            out.append(" – |".repeat(peers.size() + ratios)).append('\n');
        }
    }

    private static String fmt(String fmt, double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "–";
    }

    private static double median(List<Object> runs, ToDoubleFunction<Object> value) {
        if (runs == null || runs.isEmpty()) {
            return Double.NaN;
        }
        double[] v = runs.stream().mapToDouble(value).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    // ------------------------------------------------------------------------------------------ routers

    private Scenarios.Target startWildFly(int offset, String cpu, int rawSocketPort, Map<String, String> notes)
            throws Exception {
        Path home = Path.of(prop("bench.jboss.home", "target/run-server")).toAbsolutePath();
        ProcessBuilder pb = RouterProcesses.wildFly(home, "bench", cpu, offset);
        int port = 8080 + offset;
        Path echoWar = home.resolve("standalone/deployments/postmaster-echo.war");
        deployedEchoWars.add(echoWar);
        exportEchoWar("wildfly", echoWar, port);
        postmasterEnv(pb, rawSocketPort);
        if (heap() != null) {
            pb.environment().put("JBOSS_JAVA_SIZING", heap());
        }
        notes.put("wildfly", "the mvn -Prun WildFly on " + port + ", " + RouterProcesses.ioThreads(cpu)
                + " I/O thread(s), heap " + (heap() == null ? "standalone.conf's default" : heap()));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("wildfly.log").toFile());
        return start("wildfly", pb, port, true);
    }

    /**
     * Payara Micro as {@code mvn -Prun -Dcontainer=payara} starts it (same pre-boot commands, Postmaster at / by its
     * glassfish-web.xml), with the echo WAR deployed too, in a fresh temporary root directory each run.
     */
    private Scenarios.Target startPayara(int port, String cpu, int rawSocketPort, Map<String, String> notes)
            throws Exception {
        Path jar = Path.of(prop("bench.payara.jar", "target/payara-micro.jar")).toAbsolutePath();
        Path war = war();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing (mvn -Pbench -Dbench.server=...payara copies it)");
        }
        Path echoWar = dir.resolve("postmaster-echo.war").toAbsolutePath();
        exportEchoWar("payara", echoWar, port);
        String heap = heap() == null ? "-Xms64m -Xmx1g" : heap();
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpu, "java"));
        cmd.addAll(Arrays.asList(heap.split("\\s+")));
        cmd.addAll(List.of("-jar", jar.toString(), "--nocluster", "--disablephonehome",
                "--port", Integer.toString(port), "--prebootcommandfile", prop("bench.payara.preboot", "src/main/payara/run-preboot.asadmin"),
                "--rootdir", fresh(dir.resolve("payara-root")).toString(),
                "--deploy", war.toString(), "--deploy", echoWar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        postmasterEnv(pb, rawSocketPort);
        notes.put("payara", "Payara Micro as mvn -Prun -Dcontainer=payara starts it, on " + port + ", heap " + heap);
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("payara.log").toFile());
        return start("payara", pb, port, true);
    }

    /**
     * TomEE as {@code mvn -Prun -Dcontainer=tomee} runs it: the unpacked server as CATALINA_HOME, and a CATALINA_BASE
     * of its own under {@code bench.dir} with the server's configuration overlaid by {@code src/main/tomee/conf}
     * (with the bench's port and WAR), and the echo WAR in {@code webapps}.
     */
    private Scenarios.Target startTomEE(int port, String cpu, int rawSocketPort, Map<String, String> notes)
            throws Exception {
        Path home = Path.of(prop("bench.tomee.home", "target/run-tomee")).toAbsolutePath();
        if (!Files.isRegularFile(home.resolve("bin/catalina.sh"))) {
            throw new IllegalStateException(home + " holds no TomEE (mvn -Pbench -Dbench.server=...tomee unpacks it)");
        }
        Path base = fresh(dir.resolve("tomee-base"));
        copyTree(home.resolve("conf"), base.resolve("conf"), Map.of());
        copyTree(Path.of(prop("bench.main.dir", "src/main"), "tomee/conf"), base.resolve("conf"), Map.of(
                "${run.port}", Integer.toString(port),
                "${project.build.directory}/${project.build.finalName}",
                war().toString().replaceFirst("\\.war$", ""))); // the WAR's directory, as the build left it
        for (String d : new String[] {"webapps", "logs", "temp", "work"}) {
            Files.createDirectories(base.resolve(d));
        }
        exportEchoWar("tomee", base.resolve("webapps/postmaster-echo.war"), port);
        ProcessBuilder pb = new ProcessBuilder("taskset", "-c", cpu, "sh", home.resolve("bin/catalina.sh").toString(),
                "run");
        pb.environment().put("CATALINA_HOME", home.toString());
        pb.environment().put("CATALINA_BASE", base.toString());
        if (heap() != null) {
            pb.environment().put("CATALINA_OPTS", heap());
        }
        postmasterEnv(pb, rawSocketPort);
        notes.put("tomee", "TomEE with mvn -Prun's configuration (src/main/tomee) on " + port + ", heap "
                + (heap() == null ? "the JVM's default" : heap()));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("tomee.log").toFile());
        return start("tomee", pb, port, true);
    }

    /**
     * Open Liberty as {@code mvn -Prun -Dcontainer=liberty} runs it: the server {@code postmaster} made from
     * {@code src/main/liberty} (with the bench's port and WAR) in a user directory of its own under
     * {@code bench.dir} (WLP_USER_DIR), and the echo WAR in its {@code dropins}.
     */
    private Scenarios.Target startLiberty(int port, String cpu, int rawSocketPort, Map<String, String> notes)
            throws Exception {
        Path wlp = Path.of(prop("bench.liberty.wlp", "target/run-liberty/wlp")).toAbsolutePath();
        if (!Files.isRegularFile(wlp.resolve("bin/server"))) {
            throw new IllegalStateException(wlp + " holds no Open Liberty (mvn -Pbench -Dbench.server=...liberty"
                    + " unpacks it)");
        }
        Path usr = fresh(dir.resolve("liberty-usr"));
        Path server = usr.resolve("servers/postmaster");
        copyTree(Path.of(prop("bench.main.dir", "src/main"), "liberty"), server, Map.of(
                "@run.port@", Integer.toString(port),
                "@project.build.directory@/@project.build.finalName@.war", war().toString()));
        Files.createDirectories(server.resolve("dropins"));
        exportEchoWar("liberty", server.resolve("dropins/postmaster-echo.war"), port);
        ProcessBuilder pb = new ProcessBuilder("taskset", "-c", cpu, wlp.resolve("bin/server").toString(), "run",
                "postmaster");
        pb.environment().put("WLP_USER_DIR", usr.toString());
        if (heap() != null) {
            pb.environment().put("JVM_ARGS", heap());
        }
        postmasterEnv(pb, rawSocketPort);
        notes.put("liberty", "Open Liberty with mvn -Prun's configuration (src/main/liberty) on " + port + ", heap "
                + (heap() == null ? "the JVM's default" : heap()));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("liberty.log").toFile());
        return start("liberty", pb, port, true);
    }

    /** The Postmaster WAR the servers run. */
    private static Path war() {
        Path war = Path.of(prop("bench.war", "target/postmaster.war")).toAbsolutePath();
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException(war + " is missing (mvn -Pbench builds it)");
        }
        return war;
    }

    /** {@code d}, emptied (created if missing). */
    private static Path fresh(Path d) throws java.io.IOException {
        if (Files.exists(d)) {
            try (var walk = Files.walk(d)) {
                for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(x);
                }
            }
        }
        return Files.createDirectories(d).toAbsolutePath();
    }

    /** Copies the files under {@code from} to {@code to}, each text replaced as {@code replace} says. */
    private static void copyTree(Path from, Path to, Map<String, String> replace) throws java.io.IOException {
        try (var walk = Files.walk(from)) {
            for (Path x : walk.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(x).toString());
                Files.createDirectories(target.getParent());
                if (replace.isEmpty()) {
                    Files.copy(x, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } else {
                    String text = Files.readString(x);
                    for (Map.Entry<String, String> e : replace.entrySet()) {
                        text = text.replace(e.getKey(), e.getValue());
                    }
                    Files.writeString(target, text);
                }
            }
        }
    }

    /** The bare echo endpoint's WAR, written to {@code war}, served at /postmaster-echo of {@code server}. */
    private void exportEchoWar(String server, Path war, int port) {
        ShrinkWrap.create(WebArchive.class, "postmaster-echo.war").addClass(EchoEndpoint.class)
                .addClasses(UpgradeEcho.class, UpgradeEcho.Connection.class, UpgradeEcho.Registration.class,
                        UpgradeEcho.Unreached.class).as(ZipExporter.class).exportTo(war.toFile(), true);
        echoUris.put(server, URI.create("ws://127.0.0.1:" + port + "/postmaster-echo/echo"));
    }

    /**
     * The peer router: nexus, the Go router from {@code ../shared/peers/nexus} beside the project (bench.shared.dir),
     * or fox-wamp from {@code src/bench/js}.
     */
    private Scenarios.Target startPeer(String peer, String name, int port, String cpu) throws Exception {
        ProcessBuilder pb;
        if ("nexus".equals(peer)) {
            Path nexusd = Path.of(prop("bench.shared.dir", "../shared"), "peers/nexus/nexusd").toAbsolutePath()
                    .normalize();
            if (!Files.isExecutable(nexusd)) {
                throw new IllegalStateException("the peer router nexus is not at " + nexusd + " (../shared/peers/nexus"
                        + "/nexusd beside the project, or -Dbench.shared.dir=...): provide it, or choose another peer"
                        + " with -Dbench.peer=fox-wamp or -Dbench.peer=none");
            }
            pb = new ProcessBuilder("taskset", "-c", cpu, nexusd.toString(), "-addr", "127.0.0.1:" + port);
        } else if ("fox-wamp".equals(peer)) {
            File script = Path.of(prop("bench.js.dir", "src/bench/js"), "fox-router.js").toFile();
            pb = new ProcessBuilder("taskset", "-c", cpu, "node", script.getPath(), Integer.toString(port));
        } else {
            throw new IllegalArgumentException("unknown peer " + peer + " (nexus, fox-wamp or none)");
        }
        pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        return start(name, pb, port, false);
    }

    private Scenarios.Target start(String name, ProcessBuilder pb, int port, boolean jvm) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");
        if (jvm) { // every stop of the JVM, to place slow calls (Scenarios.Latency); read by the java launcher
            String before = pb.environment().getOrDefault("JDK_JAVA_OPTIONS", "");
            pb.environment().put("JDK_JAVA_OPTIONS", (before + " -Xlog:gc,safepoint:file=" + dir.toAbsolutePath()
                    .resolve("safepoints-%p.log") + ":timemillis").trim());
        }
        long pid = routers.start(name, pb, uri, REALM, 180);
        return new Scenarios.Target(name, uri, REALM, pid, jvm);
    }

    /** Stops every process this run started, and removes the echo WAR from WildFly's deployments. */
    private synchronized void stopAll() {
        routers.stopAll();
        for (Path echoWar : deployedEchoWars) {
            for (String suffix : new String[] {"", ".deployed", ".failed", ".isdeploying", ".undeployed"}) {
                try {
                    Files.deleteIfExists(echoWar.resolveSibling(echoWar.getFileName() + suffix));
                } catch (java.io.IOException e) {
                    log("could not remove " + echoWar + suffix + ": " + e);
                }
            }
        }
        deployedEchoWars.clear();
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** WildFly's JVM sizing options, or null for standalone.conf's default. */
    private static String heap() {
        String h = System.getProperty("bench.heap", "").trim();
        return h.isEmpty() ? null : h;
    }

    /**
     * The load client opens all its sessions (bench.fanout, 5,000 by default) from one address: past the router's
     * per-address cap (postmaster.max-connections-per-address) the fan-out scenario would measure refusals.
     */
    private static void postmasterEnv(ProcessBuilder pb, int rawSocketPort) {
        pb.environment().put("POSTMASTER_MAX_CONNECTIONS_PER_ADDRESS", "0");
        if (rawSocketPort > 0) { // and the RawSocket port, for the -rawsocket scenarios
            pb.environment().put("POSTMASTER_RAWSOCKET_ENABLED", "true");
            pb.environment().put("POSTMASTER_RAWSOCKET_BIND_ADDRESS", "127.0.0.1");
            pb.environment().put("POSTMASTER_RAWSOCKET_PORT", Integer.toString(rawSocketPort));
        }
    }

    private static String loadRange(List<String> loads) {
        double[] v = loads.stream().mapToDouble(Double::parseDouble).sorted().toArray();
        return v.length == 0 ? "?" : String.format(Locale.ROOT, "%.2f–%.2f (median %.2f)", v[0], v[v.length - 1],
                v[v.length / 2]);
    }

    private static void log(String s) {
        System.out.println("[bench] " + s);
    }
}
