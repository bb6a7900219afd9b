package io.postmaster.bench;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static io.postmaster.bench.Procs.cores;
import static io.postmaster.bench.Procs.intProp;
import static io.postmaster.bench.Procs.loadAverage;
import static io.postmaster.bench.Procs.prop;

/**
 * The hostile soak ({@code mvn -Phostile}): starts Postmaster on the provisioned {@code mvn -Prun} WildFly and runs
 * attack scenarios against it, one after the other, each bounded in volume and time. Around each attack it measures
 * what the attack costs the router and the clients that did nothing wrong, and prints one table:
 * <ul>
 *   <li>the router's live heap (after a full GC: {@code jcmd GC.class_histogram}) before the attack, while the
 *       attacker holds what it made the router keep, and after it has gone;</li>
 *   <li>router CPU ({@code /proc/<pid>/stat}) during the attack, and while the router cleans up after it;</li>
 *   <li>a victim's call latency (a polite caller calling a polite callee at a fixed rate) and the time for a new
 *       session to join, during the attack, while the attacker leaves, and after;</li>
 *   <li>what the attacker got: accepted, refused with which error, closed with which code.</li>
 * </ul>
 * A refusal by the router is an outcome, never a failure of the harness; a scenario that fails in the harness is
 * reported as such and the next one runs. A router that died or stopped welcoming sessions is restarted (and the
 * table says so).
 *
 * <p>Settings are system properties, passed by the Maven profile (README "Hostile soak"; defaults in the pom).
 */
public final class Hostile {
    static final String REALM = "realm1";

    private final Path dir;
    private final Path home;
    private final int port;
    private final String cpu;
    private final String heap;
    private final Path config;
    private final LoadClient.Pool pool = new LoadClient.Pool(2);
    private final RouterProcesses routers;
    private long pid;
    private int victims;
    private final List<String> restarts = new ArrayList<>();

    private Hostile() {
        dir = Path.of(prop("hostile.dir", "target/hostile")).toAbsolutePath();
        home = Path.of(prop("hostile.jboss.home", "target/run-server")).toAbsolutePath();
        port = 8080 + Integer.parseInt(prop("hostile.port.offset", "1200"));
        cpu = prop("hostile.router.cpu", "0");
        heap = prop("hostile.heap", "-Xms256m -Xmx2g");
        config = Path.of(prop("hostile.config", "src/bench/hostile/postmaster-hostile.properties")).toAbsolutePath();
        routers = new RouterProcesses(pool, dir, "hostile");
    }

    public static void main(String[] args) throws Exception {
        Hostile h = new Hostile();
        Files.createDirectories(h.dir);
        System.setProperty("bench.dir", h.dir.toString()); // Procs keeps the class histograms there
        Runtime.getRuntime().addShutdownHook(new Thread(h::stopServer));
        int status = 0;
        try {
            h.run();
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        } finally {
            h.stopServer();
        }
        System.exit(status);
    }

    // ------------------------------------------------------------------------------------------ the run

    private void run() throws Exception {
        List<String> scenarios = Arrays.stream(prop("hostile.scenarios", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String s : scenarios) {
            if (!Attacks.NAMES.contains(s)) {
                throw new IllegalArgumentException("unknown scenario " + s + "; known: " + Attacks.NAMES);
            }
        }
        boolean restartEach = "each".equals(prop("hostile.restart", "failed"));
        String machine = cores() + " cores (nproc), " + Procs.firstLine("/proc/cpuinfo", "model name") + ", "
                + Procs.firstLine("/proc/meminfo", "MemTotal") + "; Java " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vm.name") + ")";
        log("machine: " + machine);
        String loadStart = loadAverage();
        long started = System.nanoTime();
        startServer();
        Attacks attacks = new Attacks(pool, uri(), InetAddress.getByName(prop("hostile.attacker.address", "127.0.0.2")));

        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < scenarios.size(); i++) {
            String name = scenarios.get(i);
            if (i > 0 && restartEach) {
                restart("hostile.restart=each");
            }
            Run r = runScenario(attacks, name);
            runs.add(r);
            String unhealthy = unhealthy();
            if (unhealthy != null) {
                r.note("router unhealthy after this scenario (" + unhealthy + "): restarted");
                restart("after " + name + ": " + unhealthy);
            }
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        String table = table(runs, machine, loadStart, minutes);
        System.out.print(table);
        Files.writeString(dir.resolve("results.md"), table);
        log("table written to " + dir.resolve("results.md"));
        pool.close();
    }

    private Run runScenario(Attacks attacks, String name) {
        log("---- " + name);
        Run r = new Run(name, pid, home.resolve("standalone/log/server.log"));
        Victim v = null;
        try {
            v = Victim.start(pool, uri(), REALM, "hostile.victim.echo" + (++victims),
                    Integer.parseInt(prop("hostile.victim.rate", "50")),
                    Double.parseDouble(prop("hostile.victim.joins", "2")));
            r.victim = v;
            v.phase("before");
            Scenarios.sleep(Double.parseDouble(prop("hostile.baseline", "3")));
            r.heapBefore = r.heap();
            attacks.run(name, r);
        } catch (Throwable e) {
            r.outcome((r.outcome == null ? "" : r.outcome + "; ") + "harness failed: " + e);
            log(name + " failed in the harness: " + e);
            e.printStackTrace(System.out);
        }
        try {
            r.finish();
        } catch (Throwable e) {
            r.note("figures after the attack incomplete: " + e);
            log(name + ": figures after the attack incomplete: " + e);
        }
        if (v != null) {
            v.close();
        }
        try {
            r.runCleanup();
        } catch (Throwable e) {
            r.note("clean-up failed: " + e);
        }
        log(name + ": " + r.outcome);
        for (String n : r.notes) {
            log(name + ": " + n);
        }
        return r;
    }

    // ------------------------------------------------------------------------------------------ one scenario's figures

    /** The measurements of one scenario; the attack drives the phases. */
    static final class Run {
        final String name;
        final long pid;
        private final Path serverLog;
        private final long logBytes0;
        Victim victim;
        long heapBefore = -1;
        long heapHolding = -1;
        long heapAfter = -1;
        /** Router CPU ticks during the attack's stages, and their wall time. */
        long attackTicks;
        double attackSeconds;
        /** Router CPU ticks from the attacker's leaving until the router was quiet, and that time. */
        long leaveTicks = -1;
        double quietSeconds = Double.NaN;
        long logBytes = -1;
        String outcome;
        final List<String> notes = new ArrayList<>();
        final List<String> stages = new ArrayList<>();
        private boolean attacking;
        private boolean leaving;
        private boolean finished;
        private long ticksMark;
        private long wallMark;
        private Runnable cleanup;

        Run(String name, long pid, Path serverLog) {
            this.name = name;
            this.pid = pid;
            this.serverLog = serverLog;
            this.logBytes0 = size(serverLog);
        }

        void outcome(String s) {
            outcome = s;
        }

        void note(String s) {
            notes.add(s);
        }

        /** The attack (a stage of it) starts now: the victim records it as "during", router CPU is counted. */
        void attacking(String stage) {
            endStage();
            stages.add(stage);
            victim.phase("during:" + stage);
            ticksMark = Procs.cpuTicks(pid);
            wallMark = System.nanoTime();
            attacking = true;
        }

        private void endStage() {
            if (attacking) {
                attackTicks += Procs.cpuTicks(pid) - ticksMark;
                attackSeconds += (System.nanoTime() - wallMark) / 1e9;
                attacking = false;
            }
        }

        /** The attacker holds what it got: the router's live heap now (the victim pauses for the full GC). */
        void holding() throws Exception {
            endStage();
            heapHolding = heap();
            victim.phase("hold");
        }

        /** The attacker leaves now: the victim records "leave" and the router's clean-up CPU is counted. */
        void leaving() {
            endStage();
            if (!leaving) {
                leaving = true;
                victim.phase("leave");
                ticksMark = Procs.cpuTicks(pid);
                wallMark = System.nanoTime();
            }
        }

        /**
         * Waits until the router is quiet — its CPU below 25 % of a core over a second (the victim alone costs a few
         * per cent) and no victim call waiting longer than half a second (a router starved of CPU by a busy machine
         * is not quiet, only slow) — at most {@code maxSeconds}; from {@link #leaving}, that is how long the clean-up
         * took.
         */
        void awaitQuiet(double maxSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
            while (System.nanoTime() < deadline) {
                long t0 = Procs.cpuTicks(pid);
                Scenarios.sleep(1);
                if (Procs.cpuTicks(pid) - t0 < Procs.CLK_TCK / 4 && victim.oldestInFlightMs() < 500) {
                    break;
                }
            }
            if (System.nanoTime() >= deadline) {
                note(String.format(Locale.ROOT, "the router was not quiet %.0f s after the attacker left", maxSeconds));
            }
            if (leaving && leaveTicks < 0) {
                leaveTicks = Procs.cpuTicks(pid) - ticksMark;
                quietSeconds = (System.nanoTime() - wallMark) / 1e9;
            }
        }

        /** Runs after the heap after the attack was measured (e.g. clearing what the attacker left in the realm). */
        void cleanup(Runnable r) {
            cleanup = r;
        }

        void runCleanup() {
            if (cleanup != null) {
                cleanup.run();
            }
        }

        /** After the attack: the clean-up, then the victim at rest again, then the heap. */
        void finish() throws Exception {
            if (finished || victim == null) {
                return;
            }
            finished = true;
            leaving();
            awaitQuiet(90);
            victim.phase("after");
            Scenarios.sleep(Double.parseDouble(prop("hostile.baseline", "3")));
            heapAfter = heap();
            Scenarios.sleep(0.5);
            victim.settle(); // a call not answered by now counts as unanswered, its age so far as its latency
            logBytes = size(serverLog) - logBytes0;
            String cut = victim.cut();
            if (cut != null) {
                note("victim " + cut);
            }
            if (stages.size() > 1) {
                StringBuilder b = new StringBuilder("victim calls p50 / p99 / max ms by stage:");
                for (String s : stages) {
                    b.append(' ').append(s).append(": ").append(victim.calls("during:" + s).summary()).append(';');
                }
                note(b.substring(0, b.length() - 1));
            }
        }

        /** The router's live heap in KiB; the victim pauses around the full GC this takes. */
        long heap() throws Exception {
            victim.pause();
            Scenarios.sleep(0.3);
            long kib = Procs.memory(pid, true).heapKiB();
            Scenarios.sleep(0.2);
            return kib;
        }

        private static long size(Path p) {
            try {
                return Files.size(p);
            } catch (Exception e) {
                return 0;
            }
        }
    }

    // ------------------------------------------------------------------------------------------ the table

    private String table(List<Run> runs, String machine, String loadStart, double minutes) {
        StringBuilder t = new StringBuilder();
        t.append("\n## Hostile soak — ").append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append(String.format(Locale.ROOT, ", %.1f min\n", minutes));
        t.append("machine: ").append(machine).append("; load average (1 min) at start ").append(loadStart)
                .append(", at end ").append(loadAverage()).append('\n');
        t.append("router: Postmaster on the mvn -Prun WildFly at ").append(uri()).append(", pinned to CPU ").append(cpu)
                .append(" (").append(RouterProcesses.ioThreads(cpu)).append(" I/O thread(s)), heap ").append(heap)
                .append(", settings ").append(dir.getParent().getParent().relativize(config)).append(" (otherwise the defaults)")
                .append("; attackers from ").append(prop("hostile.attacker.address", "127.0.0.2"))
                .append(" (raw sockets) or 127.0.0.1 (JDK client)\n");
        t.append("victim: ").append(prop("hostile.victim.rate", "50")).append(" calls/s to an echo callee on ")
                .append(REALM).append(" (both sessions polite, from 127.0.0.1) and ").append(prop("hostile.victim.joins", "2"))
                .append(" new anonymous sessions/s (WebSocket handshake to WELCOME); ")
                .append(prop("hostile.baseline", "3")).append(" s at rest before and after each attack\n");
        List<String> rest = new ArrayList<>();
        List<String> restJoins = new ArrayList<>();
        for (Run r : runs) {
            if (r.victim != null) {
                rest.add(r.victim.calls("before").summary());
                restJoins.add(r.victim.joins("before").summary());
            }
        }
        t.append("victim at rest (calls p50 / p99 / max ms, the ").append(prop("hostile.baseline", "3"))
                .append(" s before each scenario): ").append(String.join("; ", rest)).append('\n');
        t.append("new sessions at rest (join ms p50 / p99 / max): ").append(String.join("; ", restJoins)).append('\n');
        if (!restarts.isEmpty()) {
            t.append("router restarts: ").append(restarts).append('\n');
        }
        t.append('\n');
        t.append("| scenario | what the attacker got | live heap MiB: before → holding → after | router CPU-s during "
                + "attack (s of attack) · clean-up (s until quiet) | victim calls ms p50 / p99 / max: during attack "
                + "| … while the attacker leaves | … after | new sessions: join ms p50 / p99 / max during attack "
                + "| router log KiB |\n");
        t.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            Victim v = r.victim;
            t.append("| ").append(r.name)
                    .append(" | ").append(r.outcome == null ? "–" : r.outcome.replace("|", "/"))
                    .append(" | ").append(mib(r.heapBefore)).append(" → ").append(mib(r.heapHolding)).append(" → ")
                    .append(mib(r.heapAfter))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f (%.1f)", r.attackTicks / (double) Procs.CLK_TCK,
                            r.attackSeconds))
                    .append(" · ").append(r.leaveTicks < 0 ? "–" : String.format(Locale.ROOT, "%.1f (%.1f)",
                            r.leaveTicks / (double) Procs.CLK_TCK, r.quietSeconds))
                    .append(" | ").append(v == null ? "–" : v.calls("during:").summary())
                    .append(" | ").append(v == null ? "–" : v.calls("leave").summary())
                    .append(" | ").append(v == null ? "–" : v.calls("after").summary())
                    .append(" | ").append(v == null ? "–" : v.joins("during:").summary())
                    .append(" | ").append(r.logBytes < 0 ? "–" : String.format(Locale.ROOT, "%.0f", r.logBytes / 1024.0))
                    .append(" |\n");
        }
        t.append('\n');
        for (Run r : runs) {
            for (String n : r.notes) {
                t.append("- ").append(r.name).append(": ").append(n).append('\n');
            }
        }
        t.append('\n');
        return t.toString();
    }

    private static String mib(long kib) {
        return kib < 0 ? "–" : String.format(Locale.ROOT, "%.0f", kib / 1024.0);
    }

    // ------------------------------------------------------------------------------------------ the router

    URI uri() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    private void startServer() throws Exception {
        if (!Files.isRegularFile(config)) {
            throw new IllegalStateException("no settings file " + config);
        }
        int offset = port - 8080;
        ProcessBuilder pb = RouterProcesses.wildFly(home, "hostile", cpu, offset, "-Dpostmaster.config=" + config);
        pb.environment().put("JBOSS_JAVA_SIZING", heap);
        pb.redirectErrorStream(true).redirectOutput(
                ProcessBuilder.Redirect.appendTo(dir.resolve("wildfly.log").toFile()));
        log("management port " + (9990 + offset));
        pid = routers.start("the router", pb, uri(), REALM, 180);
        warmUp();
    }

    /**
     * Calls and joins at ten times the victim's rate for {@code hostile.warmup} seconds, so that the first scenario's
     * victim does not measure the JIT compiler.
     */
    private void warmUp() throws Exception {
        double seconds = Double.parseDouble(prop("hostile.warmup", "10"));
        if (seconds <= 0) {
            return;
        }
        log("warming up the router for " + seconds + " s");
        try (Victim v = Victim.start(pool, uri(), REALM, "hostile.warmup" + (++victims),
                10 * Integer.parseInt(prop("hostile.victim.rate", "50")),
                10 * Double.parseDouble(prop("hostile.victim.joins", "2")))) {
            v.phase("warm-up");
            Scenarios.sleep(seconds);
        }
    }

    /** Why the router is not fit for the next scenario, or null. */
    private String unhealthy() {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return "process gone";
        }
        try {
            LoadClient.connect(pool, uri(), REALM, (x, m) -> { }).get(30, TimeUnit.SECONDS).close();
            return null;
        } catch (Exception e) {
            return "no WELCOME within 30 s: " + (e.getCause() == null ? e : e.getCause());
        }
    }

    private void restart(String why) throws Exception {
        log("restarting the router: " + why);
        restarts.add(why);
        stopServer();
        startServer();
    }

    private synchronized void stopServer() {
        routers.stopAll();
        if (pid > 0) { // the server JVM, should it have outlived its shell
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            pid = 0;
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    static void log(String s) {
        System.out.println("[hostile] " + s);
    }
}
