package io.postmaster.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A throwaway {@code redis-server} for the cluster tests: on 127.0.0.1, a free port, no persistence, its own working
 * directory. Outside CI a machine without {@code redis-server} skips the tests with a clear message; in CI
 * ({@code CI=true}) or with {@code POSTMASTER_REQUIRE_REDIS=true} its absence fails them.
 */
public final class RedisServer implements AutoCloseable {
    final int port;
    private final Path dir;
    /** More arguments for {@code redis-server}. */
    private final List<String> extra;
    private Process process;

    private RedisServer(int port, List<String> extra) throws IOException {
        this.port = port;
        this.extra = extra;
        this.dir = Files.createTempDirectory("pm-redis");
    }

    /** Whether {@code redis-server} is on the PATH; skips (or fails, in CI) when not. */
    public static void require() {
        boolean present = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            present |= Files.isExecutable(Path.of(d, "redis-server"));
        }
        if (!present && ("true".equals(System.getenv("CI")) || "true".equals(System.getenv("POSTMASTER_REQUIRE_REDIS")))) {
            fail("redis-server is required here (CI=true or POSTMASTER_REQUIRE_REDIS=true): apt-get install redis-server");
        }
        assumeTrue(present, "redis-server is not installed (apt-get install redis-server); the cluster tests are skipped");
    }

    /** A new server on a free port, running. */
    public static RedisServer start() throws Exception {
        return start(new String[0]);
    }

    /** A new server on a free port, running, with more {@code redis-server} arguments (e.g. a config directive). */
    static RedisServer start(String... args) throws Exception {
        require();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisServer r = new RedisServer(port, List.of(args));
        r.run();
        return r;
    }

    /** A server object for a free port, not running yet (for "Redis appears later"). */
    static RedisServer notStarted() throws Exception {
        require();
        try (ServerSocket s = new ServerSocket(0)) {
            return new RedisServer(s.getLocalPort(), List.of());
        }
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server and waits until it accepts connections. */
    void run() throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        cmd.addAll(extra);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20); // polling a port that is not open yet: nothing to wait on
            }
        }
        throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
    }

    /** The server's CPU time so far, in milliseconds (Linux: /proc), or -1. */
    long cpuMillis() {
        try {
            String[] f = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat")).split("\\) ")[1]
                    .split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime + stime, in ticks of 10 ms
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Kills the server (no save): what an engine crash looks like. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** Runs {@code redis-cli} against the server and returns its output. */
    public String cli(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    @Override
    public void close() throws Exception {
        kill();
    }
}
