package io.postmaster.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The routers a benchmark or soak run starts, and their stop: WildFly's command line as {@code mvn -Prun} runs it, a
 * start that ends once the router welcomes a WAMP session, and a stop that leaves nothing behind (the server JVM
 * under {@code standalone.sh} included). Logs go to {@code dir}.
 */
final class RouterProcesses {
    private final LoadClient.Pool pool;
    private final Path dir;
    private final String logPrefix;
    private final List<Process> started = new ArrayList<>();

    RouterProcesses(LoadClient.Pool pool, Path dir, String logPrefix) {
        this.pool = pool;
        this.dir = dir;
        this.logPrefix = logPrefix;
    }

    /**
     * {@code standalone.sh} of the provisioned WildFly at {@code home}, pinned to {@code cpu}, on 127.0.0.1 with the
     * ports offset by {@code offset}, with one Undertow I/O thread per CPU it may use (as
     * {@code src/main/run/run-foreground.sh} does for {@code mvn -Prun}); then {@code args}.
     *
     * @param profile the Maven profile that provisions it, named when it is missing
     */
    static ProcessBuilder wildFly(Path home, String profile, String cpu, int offset, String... args) {
        Path script = home.resolve("bin/standalone.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException(home + " holds no provisioned WildFly (mvn -P" + profile + " provisions it)");
        }
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpu, "sh", script.toString(), "-b=127.0.0.1",
                "-Djboss.socket.binding.port-offset=" + offset));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JBOSS_HOME", home.toString());
        pb.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        pb.environment().put("POSTMASTER_IO_THREADS", Integer.toString(ioThreads(cpu)));
        return pb;
    }

    /** How many CPUs a taskset list such as {@code 0}, {@code 0-1} or {@code 0,2-3} names. */
    static int ioThreads(String cpuList) {
        int n = 0;
        for (String part : cpuList.split(",")) {
            String[] range = part.trim().split("-");
            n += range.length == 1 ? 1 : Integer.parseInt(range[1].trim()) - Integer.parseInt(range[0].trim()) + 1;
        }
        return Math.max(1, n);
    }

    /**
     * Starts {@code pb} and waits until the router at {@code uri} welcomes a session on {@code realm}, at most
     * {@code seconds}. A process that fails to come up is stopped with the others by {@link #stopAll()}.
     *
     * @return the pid of the process listening on the URI's port (for WildFly the JVM, not the shell)
     * @throws IllegalStateException if the port is taken, the process exits, or no WELCOME comes in time
     */
    long start(String name, ProcessBuilder pb, URI uri, String realm, int seconds) throws Exception {
        int port = uri.getPort();
        if (Procs.listeningPid(port) > 0) {
            throw new IllegalStateException("port " + port + " is taken: stop what listens there first");
        }
        log("starting " + name + " on port " + port + ": " + String.join(" ", pb.command()));
        Process p = pb.start();
        synchronized (this) {
            started.add(p);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + dir);
            }
            try {
                LoadClient.connect(pool, uri, realm, (x, m) -> { }).get(5, TimeUnit.SECONDS).close();
                break;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not welcome a session within " + seconds + " s", e);
                }
                Thread.sleep(500); // nothing tells when a server is up: asked again
            }
        }
        long pid = Procs.listeningPid(port);
        log(name + " is up, pid " + pid);
        return pid;
    }

    /** Stops every process started here and their children, forcibly after 30 s. */
    synchronized void stopAll() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
    }

    private void log(String s) {
        System.out.println("[" + logPrefix + "] " + s);
    }
}
