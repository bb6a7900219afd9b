package io.postmaster.it;

import io.postmaster.testing.Await;

import java.io.IOException;
import java.net.InetSocketAddress;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Further WildFly servers beside the suite's own, for tests that need several nodes of a cluster: each runs the
 * provisioned server ({@code jboss.home}) through its {@code standalone.sh}, with a server base directory of its own
 * under {@code target/} (a copy of the suite server's configuration, the built WAR in its {@code deployments}, which
 * the deployment scanner deploys at boot), its own port offset and management port, the suite's settings file and
 * the system properties the test gives. They start in parallel; {@link #close()} ends them forcibly (a stopped one
 * too), whatever state the test left them in. The JVM of each is a child of its {@code standalone.sh}: {@link
 * Node#jvmPid()} is the process a test signals.
 */
final class WildFlyNodes implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One server: its name, port offset (HTTP 8080 + offset) and process. */
    record Node(String name, int offset, int managementPort, Path baseDir, Process launcher) {
        int httpPort() {
            return 8080 + offset;
        }

        URI ws() {
            return URI.create("ws://127.0.0.1:" + httpPort() + "/ws");
        }

        URI http(String path) {
            return URI.create("http://127.0.0.1:" + httpPort() + path);
        }

        /** The server's JVM (the child of standalone.sh), or -1 if it is not (or no longer) running. */
        long jvmPid() {
            return launcher.descendants().filter(p -> p.info().command().orElse("").endsWith("/java"))
                    .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        }

        Path consoleLog() {
            return baseDir.resolve("console.log");
        }
    }

    private final List<Node> nodes = new ArrayList<>();

    private WildFlyNodes() {
    }

    /**
     * Starts one server per port offset in {@code offsets} (management port {@code managementPorts} at the same
     * index), each with {@code war} deployed and {@code properties} as system properties. Returns at once: wait with
     * {@link #awaitReady}. Fails before starting anything if one of their ports is taken.
     */
    static WildFlyNodes start(Path jbossHome, Path war, Path settings, List<Integer> offsets,
                              List<Integer> managementPorts, Map<String, String> properties) throws IOException {
        Path script = jbossHome.resolve("bin/standalone.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException(jbossHome + " holds no provisioned WildFly (mvn package provisions it)");
        }
        for (int i = 0; i < offsets.size(); i++) {
            int offset = offsets.get(i);
            for (int port : new int[] {8080 + offset, 8082 + offset, managementPorts.get(i)}) {
                requireFree(port);
            }
        }
        WildFlyNodes started = new WildFlyNodes();
        try {
            for (int i = 0; i < offsets.size(); i++) {
                started.nodes.add(startOne(jbossHome, script, war, settings, "node-" + (i + 2), offsets.get(i),
                        managementPorts.get(i), properties));
            }
        } catch (IOException | RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    private static Node startOne(Path home, Path script, Path war, Path settings, String name, int offset,
                                 int managementPort, Map<String, String> properties) throws IOException {
        Path base = home.getParent().resolve("cluster-nodes").resolve(name).toAbsolutePath();
        deleteTree(base);
        copyConfiguration(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Files.createDirectories(base.resolve("deployments"));
        Files.copy(war, base.resolve("deployments").resolve(war.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        List<String> cmd = new ArrayList<>(List.of("sh", script.toString(), "-b=127.0.0.1",
                "-Djboss.server.base.dir=" + base,
                "-Djboss.socket.binding.port-offset=" + offset,
                // the management binding is offset too: this puts it exactly at managementPort
                "-Djboss.management.http.port=" + (managementPort - offset),
                "-Dpostmaster.config=" + settings.toAbsolutePath(),
                "-Dpostmaster.rawsocket.port=" + (8082 + offset)));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(base.resolve("console.log").toFile());
        pb.environment().put("JBOSS_HOME", home.toAbsolutePath().toString());
        // standalone.sh then runs the JVM as its child and relays TERM to it
        pb.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        pb.environment().remove("JAVA_OPTS");
        return new Node(name, offset, managementPort, base, pb.start());
    }

    List<Node> nodes() {
        return nodes;
    }

    /**
     * Waits until every node's readiness ({@code /health/ready}) is UP with the cluster engine joined, at most
     * {@code timeout}; fails at once, with the end of its console, if one exits.
     */
    void awaitReady(Duration timeout) throws InterruptedException {
        for (Node n : nodes) {
            Await.until(n.name() + " (port " + n.httpPort() + ") deployed the WAR and joined the cluster", timeout, () -> {
                if (!n.launcher().isAlive()) {
                    throw new AssertionError(n.name() + " exited with " + n.launcher().exitValue() + ":\n" + tail(n));
                }
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(n.http("/health/ready"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 && r.body().contains("\"name\":\"cluster-engine\",\"status\":\"UP\"");
                } catch (IOException notYet) {
                    return false;
                }
            });
        }
    }

    /** The last lines of a node's console, for a failure message. */
    static String tail(Node n) {
        try {
            List<String> lines = Files.readAllLines(n.consoleLog(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no console log: " + e + ")";
        }
    }

    /** Ends every node at once (SIGKILL, also to a stopped one) and waits for it to be gone. */
    @Override
    public void close() {
        for (Node n : nodes) {
            n.launcher().descendants().forEach(ProcessHandle::destroyForcibly);
            n.launcher().destroyForcibly();
        }
        for (Node n : nodes) {
            try {
                if (!n.launcher().waitFor(30, TimeUnit.SECONDS)) {
                    System.err.println("[" + n.name() + "] did not end within 30 s of SIGKILL");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs one management operation (DMR text) on the suite's WildFly, through the WildFly adapter's own management
     * client (on the class path only when testing on WildFly, hence reflection), and asserts that it succeeded.
     */
    static void manageSuiteServer(String operation) throws Exception {
        Class<?> factory = Class.forName("org.jboss.as.controller.client.ModelControllerClient$Factory");
        Class<?> node = Class.forName("org.jboss.dmr.ModelNode");
        int port = Integer.getInteger("it.management.port", 10290);
        try (AutoCloseable client = (AutoCloseable) factory.getMethod("create", String.class, String.class, int.class)
                .invoke(null, "remote+http", "127.0.0.1", port)) {
            Object op = node.getMethod("fromString", String.class).invoke(null, operation);
            Object result = Class.forName("org.jboss.as.controller.client.ModelControllerClient")
                    .getMethod("execute", node).invoke(client, op);
            if (!result.toString().contains("\"outcome\" => \"success\"")) {
                throw new AssertionError(operation + ": " + result);
            }
        }
    }

    /** What runs while the suite server has the cluster's properties. */
    interface Work {
        void run() throws Exception;
    }

    /**
     * Gives the suite's WildFly these system properties, deploys {@code deployment} (which reads them), runs
     * {@code work}, then undeploys it and removes the properties again, whatever happens, so the other tests'
     * deployments stay single nodes.
     */
    static void withSuiteServerProperties(Map<String, String> properties, org.jboss.arquillian.container.test.api
            .Deployer deployer, String deployment, Work work) throws Exception {
        List<String> added = new ArrayList<>();
        try {
            for (Map.Entry<String, String> p : properties.entrySet()) {
                addSuiteServerProperty(p.getKey(), p.getValue());
                added.add(p.getKey());
            }
            deployer.deploy(deployment);
            try {
                work.run();
            } finally {
                deployer.undeploy(deployment);
            }
        } finally {
            for (String key : added) {
                removeSuiteServerProperty(key);
            }
        }
    }

    /** Sets a system property of the suite's WildFly (seen by deployments made afterwards). */
    static void addSuiteServerProperty(String key, String value) throws Exception {
        manageSuiteServer("{\"operation\" => \"add\", \"address\" => [(\"system-property\" => \"" + key
                + "\")], \"value\" => \"" + value + "\"}");
    }

    static void removeSuiteServerProperty(String key) throws Exception {
        manageSuiteServer("{\"operation\" => \"remove\", \"address\" => [(\"system-property\" => \"" + key
                + "\")]}");
    }

    private static void requireFree(int port) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IOException("port " + port + " is taken: a further WildFly node needs it (it.port.offset moves"
                    + " the nodes' ports)", e);
        }
    }

    /** The suite server's configuration (users, logging, standalone.xml), without its history. */
    private static void copyConfiguration(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
