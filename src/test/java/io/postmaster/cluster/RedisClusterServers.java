package io.postmaster.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A throwaway Redis Cluster for the cluster tests: three masters (no replicas) on 127.0.0.1, each a
 * {@code redis-server} with {@code cluster-enabled yes} on a free port (and a free cluster-bus port), no persistence,
 * joined with {@code redis-cli --cluster create}. Skipped with a clear message where {@code redis-server} or
 * {@code redis-cli} is missing, required in CI ({@code CI=true}) or with {@code POSTMASTER_REQUIRE_REDIS=true}, as
 * {@link RedisServer}.
 */
final class RedisClusterServers implements AutoCloseable {
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Path dir;

    private RedisClusterServers() throws IOException {
        this.dir = Files.createTempDirectory("pm-redis-cluster");
    }

    private static void require() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("redis-server", "redis-cli")) {
            boolean present = false;
            for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                present |= Files.isExecutable(Path.of(d, tool));
            }
            if (!present) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty() && ("true".equals(System.getenv("CI"))
                || "true".equals(System.getenv("POSTMASTER_REQUIRE_REDIS")))) {
            fail(missing + " required here (CI=true or POSTMASTER_REQUIRE_REDIS=true): apt-get install redis-server "
                    + "(which brings redis-cli)");
        }
        assumeTrue(missing.isEmpty(), missing + " not installed (apt-get install redis-server); the Redis Cluster "
                + "tests are skipped");
    }

    /** Three masters holding all 16384 slots, the cluster's state {@code ok} on each. */
    static RedisClusterServers start() throws Exception {
        require();
        RedisClusterServers c = new RedisClusterServers();
        try {
            c.run();
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void run() throws Exception {
        for (int i = 0; i < 3; i++) {
            int port = freePort();
            int bus = freePort();
            Path home = Files.createDirectories(dir.resolve("node" + i));
            processes.add(new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port),
                    "--cluster-port", Integer.toString(bus), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                    "--cluster-config-file", home.resolve("nodes.conf").toString(), "--save", "", "--appendonly", "no",
                    "--dir", home.toString()))
                    .redirectErrorStream(true).redirectOutput(home.resolve("redis.log").toFile()).start());
            ports.add(port);
        }
        for (int port : ports) {
            awaitPort(port);
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        ports.forEach(p -> create.add("127.0.0.1:" + p));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        String out = run(create);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int port : ports) {
            while (!cli(port, "CLUSTER", "INFO").contains("cluster_state:ok")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Redis Cluster did not come up: " + out);
                }
                Thread.sleep(50); // the cluster bus agrees on its own: nothing to wait on
            }
        }
    }

    private void awaitPort(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20); // polling a port that is not open yet: nothing to wait on
            }
        }
        throw new IllegalStateException("redis-server on " + port + " did not start");
    }

    /** {@code redis-cluster://127.0.0.1:<p1>,127.0.0.1:<p2>} — two seeds of three: the third is learnt. */
    String uri() {
        return "redis-cluster://127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1);
    }

    List<Integer> ports() {
        return ports;
    }

    /** Runs {@code redis-cli} against one master (no redirects followed) and returns its output. */
    String cli(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** The servers' CPU time so far, in milliseconds (Linux: /proc), or -1. */
    long cpuMillis() {
        long total = 0;
        for (Process p : processes) {
            try {
                String[] f = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat")).split("\\) ")[1]
                        .split(" ");
                total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return total;
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor(20, TimeUnit.SECONDS);
        return out;
    }

    @Override
    public void close() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        processes.clear();
    }
}
