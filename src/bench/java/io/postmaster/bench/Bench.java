package io.postmaster.bench;

import io.postmaster.bench.echo.EchoEndpoint;
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

import static io.postmaster.bench.Procs.cores;
import static io.postmaster.bench.Procs.loadAverage;
import static io.postmaster.bench.Procs.prop;

/**
 * The benchmark command ({@code mvn -Pbench}): starts Postmaster on the provisioned {@code mvn -Prun} WildFly (or on
 * Payara Micro) and a peer router, runs the same scenarios against both with this JVM as the load generator, and
 * prints one table of medians — figure, ours, peer, ratio — with the machine and settings.
 *
 * <p>Routers are pinned to core 0 and this process should run on core 1 ({@code taskset -c 1}, as the Maven profile
 * does), so router CPU per unit of work can be read cleanly from {@code /proc/<pid>/stat}. The routers run side by
 * side and the scenarios alternate between them, so both see the same background load.
 *
 * <p>Settings are system properties (defaults in brackets): {@code bench.server} [wildfly; or payara],
 * {@code bench.jboss.home} [target/run-server], {@code bench.payara.jar} [target/payara-micro.jar],
 * {@code bench.payara.preboot} [src/main/payara/run-preboot.asadmin], {@code bench.war} [target/postmaster.war],
 * {@code bench.port.offset} [0: Postmaster on 8080], {@code bench.peer} [fox-wamp; or none],
 * {@code bench.peer.port} [18700], {@code bench.warmup} seconds per router [30], {@code bench.duration} seconds per
 * measurement [10], {@code bench.repeat} [3], {@code bench.fanout} sessions [5000], {@code bench.scenarios}
 * [echo,rpc,rpc-rate,pubsub-rate,pubsub-flood,fanout], {@code bench.heap} [the run server's default: WildFly's
 * standalone.conf, on Payara "-Xms64m -Xmx1g" as mvn -Prun; e.g. "-Xms1g -Xmx1g"],
 * {@code bench.cpu.router} [0], {@code bench.dir} [target/bench].
 */
public final class Bench {
    private static final String REALM = "realm1";

    private final Path dir;
    private final LoadClient.Pool pool = new LoadClient.Pool(2);
    private final RouterProcesses routers;
    /** The echo WAR deployed beside Postmaster for the floor, removed again at the end. */
    private Path echoWar;
    private URI echoUri;

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
        String peer = prop("bench.peer", "fox-wamp");
        int peerPort = Integer.parseInt(prop("bench.peer.port", "18700"));
        double warmup = Double.parseDouble(prop("bench.warmup", "30"));
        double duration = Double.parseDouble(prop("bench.duration", "10"));
        int repeat = Integer.parseInt(prop("bench.repeat", "3"));
        int fanout = Integer.parseInt(prop("bench.fanout", "5000"));
        List<String> scenarios = Arrays.asList(prop("bench.scenarios",
                "echo,rpc,rpc-rawsocket,rpc-rate,pubsub-rate,pubsub-flood,pubsub-flood-rawsocket,fanout").split(","));
        // Postmaster's RawSocket port, opened only when a scenario uses it (8082 + the port offset)
        rawSocketPort = scenarios.stream().anyMatch(x -> x.endsWith("-rawsocket")) ? 8082 + offset : 0;
        String cpu = prop("bench.cpu.router", "0");
        String server = prop("bench.server", "wildfly");

        String machine = Procs.firstLine("/proc/cpuinfo", "model name") + ", "
                + cores() + " cores, "
                + Procs.firstLine("/proc/meminfo", "MemTotal");
        log("machine: " + machine);
        log("load average at start: " + loadAverage());

        Scenarios s = new Scenarios(pool);
        List<Scenarios.Target> targets = new ArrayList<>();
        targets.add(switch (server) {
            case "wildfly" -> startWildFly(offset, cpu);
            case "payara" -> startPayara(8080 + offset, cpu);
            default -> throw new IllegalArgumentException("unknown bench.server " + server + " (wildfly or payara)");
        });
        if (!"none".equals(peer)) {
            targets.add(startPeer(peer, peerPort, cpu));
        }

        Scenarios.Target t0 = targets.get(0);
        // the same router over RawSocket (JSON): measured beside its WebSocket figures, Postmaster only
        Scenarios.Target rawSocket = rawSocketPort == 0 ? null : new Scenarios.Target(t0.name(),
                URI.create("rs://127.0.0.1:" + rawSocketPort), t0.realm(), t0.pid(), t0.jvm());
        for (Scenarios.Target t : targets) {
            log("warming up " + t.name() + " for " + warmup + " s (RPC and pub/sub)");
            s.rpc(t, 8, 0, 1, warmup / 2 - 1);
            s.pubsub(t, 10, 0, 100, 1, warmup / 2 - 1);
        }
        if (scenarios.contains("echo")) {
            s.echo(targets.get(0), echoUri, 8, 1, 5); // the echo endpoint's own code, once
        }

        Map<String, List<Object>> results = new LinkedHashMap<>(); // "scenario/target" -> runs
        List<String> loads = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String sc : scenarios) {
            for (int r = 0; r < repeat; r++) {
                for (Scenarios.Target t : targets) {
                    if ((sc.equals("echo") || sc.endsWith("-rawsocket")) && t != targets.get(0)) {
                        continue; // the floor of Postmaster's server, and its RawSocket: Postmaster's own
                    }
                    Object res;
                    try {
                        res = switch (sc) {
                            case "echo" -> s.echo(t, echoUri, 8, 3, duration);
                            case "rpc" -> s.rpc(t, 8, 0, 3, duration);
                            case "rpc-rawsocket" -> s.rpc(rawSocket, 8, 0, 3, duration);
                            case "pubsub-flood-rawsocket" -> s.pubsub(rawSocket, 10, 0, 100, 3, duration);
                            case "rpc-rate" -> s.rpc(t, 8, 5000, 3, duration);
                            case "pubsub-rate" -> s.pubsub(t, 10, 2000, 0, 3, duration);
                            case "pubsub-flood" -> s.pubsub(t, 10, 0, 100, 3, duration);
                            case "fanout" -> s.fanOut(t, fanout);
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
                    log(String.format(Locale.ROOT, "%-13s %-10s run %d: %s   (load %s)", sc, t.name(), r + 1, res, load));
                    results.computeIfAbsent(sc + "/" + t.name(), k -> new ArrayList<>()).add(res);
                }
            }
        }

        String peerName = targets.size() > 1 ? targets.get(1).name() : null;
        StringBuilder table = new StringBuilder();
        table.append("\n## Postmaster vs ").append(peerName == null ? "(no peer)" : peerName)
                .append(" — medians of ").append(repeat).append(" runs, ")
                .append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))).append('\n');
        table.append("machine: ").append(machine).append("; routers pinned to core ").append(cpu)
                .append(", load generator (JDK WebSocket client, this JVM) on the other core\n");
        table.append("settings: JSON, warm-up ").append(warmup).append(" s per router, ").append(duration)
                .append(" s per measurement; Postmaster on ").append(targets.get(0).uri())
                .append(server.equals("payara") ? " (Payara Micro, heap " + payaraHeap()
                        : " (the mvn -Prun WildFly, " + RouterProcesses.ioThreads(cpu) + " I/O thread(s)"
                        + (heap() == null ? "" : ", heap " + heap()))
                .append(")\n");
        table.append("load average during the runs (1 min): ").append(loadRange(loads)).append("\n");
        table.append(failed.isEmpty() ? "" : "failed runs (left out of the medians): " + failed + "\n").append('\n');
        table.append("| figure | Postmaster | ").append(peerName == null ? "peer" : peerName)
                .append(" | ratio (>1: Postmaster better) |\n|---|---|---|---|\n");
        row(table, results, peerName, "echo", "floor: bare JSR-356 echo endpoint on the same server, 8 connections"
                + " closed-loop: echoes per server CPU-second", true, r -> ((Scenarios.Echo) r).perCpuSecond(), "%.0f");
        row(table, results, peerName, "rpc", "RPC, 8 callers closed-loop: calls per router CPU-second", true,
                r -> ((Scenarios.Rpc) r).perCpuSecond(), "%.0f");
        floorShare(table, results);
        row(table, results, peerName, "rpc", "RPC, 8 callers closed-loop: calls/s", true,
                r -> ((Scenarios.Rpc) r).callsPerSecond(), "%.0f");
        row(table, results, peerName, "rpc", "RPC, 8 callers closed-loop: share of router CPU in the kernel", false,
                r -> ((Scenarios.Rpc) r).kernelShare(), "%.2f");
        row(table, results, peerName, "rpc-rawsocket", "RPC over RawSocket (JSON), 8 callers closed-loop: calls per"
                + " router CPU-second", true, r -> ((Scenarios.Rpc) r).perCpuSecond(), "%.0f");
        row(table, results, peerName, "rpc-rawsocket", "RPC over RawSocket (JSON), 8 callers closed-loop: calls/s",
                true, r -> ((Scenarios.Rpc) r).callsPerSecond(), "%.0f");
        row(table, results, peerName, "rpc-rate", "RPC at 5,000 calls/s: router CPU %", false,
                r -> ((Scenarios.Rpc) r).routerCpuPercent(), "%.1f");
        row(table, results, peerName, "rpc-rate", "RPC at 5,000 calls/s: p99 call latency, ms", false,
                r -> ((Scenarios.Rpc) r).p99Ms(), "%.2f");
        row(table, results, peerName, "pubsub-rate", "pub/sub 10 subscribers, 2,000 publishes/s: router CPU %", false,
                r -> ((Scenarios.PubSub) r).routerCpuPercent(), "%.1f");
        row(table, results, peerName, "pubsub-flood", "pub/sub flood, 10 subscribers: deliveries per router CPU-second",
                true, r -> ((Scenarios.PubSub) r).perCpuSecond(), "%.0f");
        row(table, results, peerName, "pubsub-flood", "pub/sub flood, 10 subscribers: deliveries/s", true,
                r -> ((Scenarios.PubSub) r).deliveredPerSecond(), "%.0f");
        row(table, results, peerName, "pubsub-flood-rawsocket", "pub/sub flood over RawSocket (JSON), 10 subscribers:"
                + " deliveries per router CPU-second", true, r -> ((Scenarios.PubSub) r).perCpuSecond(), "%.0f");
        row(table, results, peerName, "fanout", fanout + " subscribed sessions, one publication: all delivered after, ms",
                false, r -> ((Scenarios.FanOut) r).allDeliveredMs(), "%.1f");
        row(table, results, peerName, "fanout", "idle subscribed session: live heap KiB (JVM, after full GC)", false,
                r -> ((Scenarios.FanOut) r).heapKiBPerSession(), "%.2f");
        row(table, results, peerName, "fanout", "idle subscribed session: RSS KiB", false,
                r -> ((Scenarios.FanOut) r).rssKiBPerSession(), "%.2f");
        table.append('\n');
        System.out.print(table);
        Files.writeString(dir.resolve("results.md"), table.toString());
        log("table written to " + dir.resolve("results.md"));
        pool.close();
    }

    private static void row(StringBuilder table, Map<String, List<Object>> results, String peer, String scenario,
                            String figure, boolean higherIsBetter, ToDoubleFunction<Object> value, String fmt) {
        List<Object> ours = results.get(scenario + "/Postmaster");
        if (ours == null) {
            return;
        }
        double o = median(ours, value);
        double p = peer == null ? Double.NaN : median(results.get(scenario + "/" + peer), value);
        double ratio = higherIsBetter ? o / p : p / o;
        table.append("| ").append(figure).append(" | ").append(fmt(fmt, o)).append(" | ").append(fmt(fmt, p))
                .append(" | ").append(Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f×", ratio) : "–")
                .append(" |\n");
    }

    /** RPC calls per CPU-second against the floor: an RPC is two echoes' worth of WebSocket work. */
    private static void floorShare(StringBuilder table, Map<String, List<Object>> results) {
        List<Object> echo = results.get("echo/Postmaster");
        List<Object> rpc = results.get("rpc/Postmaster");
        if (echo == null || rpc == null) {
            return;
        }
        double floor = median(echo, r -> ((Scenarios.Echo) r).perCpuSecond()) / 2;
        double calls = median(rpc, r -> ((Scenarios.Rpc) r).perCpuSecond());
        table.append("| RPC calls per CPU-second as a share of the floor (echoes per CPU-second ÷ 2 = ")
                .append(fmt("%.0f", floor)).append(") | ").append(fmt("%.0f %%", 100 * calls / floor))
                .append(" | – | – |\n");
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

    private Scenarios.Target startWildFly(int offset, String cpu) throws Exception {
        Path home = Path.of(prop("bench.jboss.home", "target/run-server")).toAbsolutePath();
        ProcessBuilder pb = RouterProcesses.wildFly(home, "bench", cpu, offset);
        int port = 8080 + offset;
        echoWar = home.resolve("standalone/deployments/postmaster-echo.war");
        exportEchoWar(port);
        noConnectionCap(pb);
        if (heap() != null) {
            pb.environment().put("JBOSS_JAVA_SIZING", heap());
        }
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("wildfly.log").toFile());
        return start("Postmaster", pb, port, true);
    }

    /**
     * Payara Micro as {@code mvn -Prun -Dcontainer=payara} starts it (same pre-boot commands, Postmaster at / by its
     * glassfish-web.xml), with the echo WAR deployed too, in a fresh temporary root directory each run.
     */
    private Scenarios.Target startPayara(int port, String cpu) throws Exception {
        Path jar = Path.of(prop("bench.payara.jar", "target/payara-micro.jar")).toAbsolutePath();
        Path war = Path.of(prop("bench.war", "target/postmaster.war")).toAbsolutePath();
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(war)) {
            throw new IllegalStateException(jar + " or " + war + " is missing (mvn -Pbench -Dbench.server=payara builds"
                    + " and copies both)");
        }
        echoWar = dir.resolve("postmaster-echo.war").toAbsolutePath();
        exportEchoWar(port);
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpu, "java"));
        cmd.addAll(Arrays.asList(payaraHeap().split("\\s+")));
        cmd.addAll(List.of("-jar", jar.toString(), "--nocluster", "--disablephonehome",
                "--port", Integer.toString(port), "--prebootcommandfile", prop("bench.payara.preboot", "src/main/payara/run-preboot.asadmin"),
                "--deploy", war.toString(), "--deploy", echoWar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        noConnectionCap(pb);
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("payara.log").toFile());
        return start("Postmaster", pb, port, true);
    }

    /** The bare echo endpoint's WAR, at {@link #echoWar}, served at /postmaster-echo. */
    private void exportEchoWar(int port) {
        ShrinkWrap.create(WebArchive.class, "postmaster-echo.war").addClass(EchoEndpoint.class)
                .as(ZipExporter.class).exportTo(echoWar.toFile(), true);
        echoUri = URI.create("ws://127.0.0.1:" + port + "/postmaster-echo/echo");
    }

    private Scenarios.Target startPeer(String peer, int port, String cpu) throws Exception {
        if (!"fox-wamp".equals(peer)) {
            throw new IllegalArgumentException("unknown peer " + peer + " (fox-wamp or none)");
        }
        File script = Path.of(prop("bench.js.dir", "src/bench/js"), "fox-router.js").toFile();
        ProcessBuilder pb = new ProcessBuilder("taskset", "-c", cpu, "node", script.getPath(), Integer.toString(port));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("fox-wamp.log").toFile());
        return start("fox-wamp", pb, port, false);
    }

    private Scenarios.Target start(String name, ProcessBuilder pb, int port, boolean jvm) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");
        long pid = routers.start(name, pb, uri, REALM, 120);
        return new Scenarios.Target(name, uri, REALM, pid, jvm);
    }

    /** Stops every process this run started, and removes the echo WAR. */
    private synchronized void stopAll() {
        routers.stopAll();
        if (echoWar != null) {
            for (String suffix : new String[] {"", ".deployed", ".failed", ".isdeploying", ".undeployed"}) {
                try {
                    Files.deleteIfExists(echoWar.resolveSibling(echoWar.getFileName() + suffix));
                } catch (java.io.IOException e) {
                    log("could not remove " + echoWar + suffix + ": " + e);
                }
            }
            echoWar = null;
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** WildFly's JVM sizing options, or null for standalone.conf's default. */
    private static String heap() {
        String h = System.getProperty("bench.heap", "").trim();
        return h.isEmpty() ? null : h;
    }

    /** Payara Micro's JVM options: bench.heap, or what mvn -Prun -Dcontainer=payara gives it. */
    private static String payaraHeap() {
        return heap() == null ? "-Xms64m -Xmx1g" : heap();
    }

    /**
     * The load client opens all its sessions (bench.fanout, 5,000 by default) from one address: past the router's
     * per-address cap (postmaster.max-connections-per-address) the fan-out scenario would measure refusals.
     */
    private void noConnectionCap(ProcessBuilder pb) {
        pb.environment().put("POSTMASTER_MAX_CONNECTIONS_PER_ADDRESS", "0");
        if (rawSocketPort > 0) { // and the RawSocket port, for the -rawsocket scenarios
            pb.environment().put("POSTMASTER_RAWSOCKET_ENABLED", "true");
            pb.environment().put("POSTMASTER_RAWSOCKET_BIND_ADDRESS", "127.0.0.1");
            pb.environment().put("POSTMASTER_RAWSOCKET_PORT", Integer.toString(rawSocketPort));
        }
    }

    /** Postmaster's RawSocket port for this run, 0 when no scenario uses it. */
    private int rawSocketPort;

    private static String loadRange(List<String> loads) {
        double[] v = loads.stream().mapToDouble(Double::parseDouble).sorted().toArray();
        return v.length == 0 ? "?" : String.format(Locale.ROOT, "%.2f–%.2f (median %.2f)", v[0], v[v.length - 1],
                v[v.length / 2]);
    }

    private static void log(String s) {
        System.out.println("[bench] " + s);
    }
}
