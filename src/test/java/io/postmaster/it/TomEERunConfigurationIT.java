package io.postmaster.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code mvn -Prun -Dcontainer=tomee} serves the router: TomEE started as that command starts it — the suite's TomEE
 * installation, a server base made of {@code src/main/tomee/conf} with Maven's properties put in as the build puts
 * them, and the WAR the build made — welcomes a WAMP session on {@code realm1} at {@code /ws}. The container suite
 * deploys through Arquillian instead, so without this test a run configuration that deploys the application without
 * its WebSocket endpoints would go unnoticed. TomEE only: the other servers' run configurations are the ones their
 * suites deploy into, or (WildFly) the server the suite runs on.
 */
class TomEERunConfigurationIT {

    @Test
    void theRunConfigurationServesWampAtTheContextRoot() throws Exception {
        String home = System.getProperty("tomee.home");
        assumeTrue(ContainerBase.container().equals("tomee") && home != null,
                "mvn -Prun's TomEE configuration, with the suite's TomEE installation");
        Path war = Path.of(System.getProperty("postmaster.war", "target/postmaster.war")).toAbsolutePath();
        Path target = war.getParent();
        String finalName = war.getFileName().toString().replaceFirst("\\.war$", "");
        Path base = target.resolve("tomee-run-config");
        delete(base);
        int port = freePort();
        // the installation's own configuration, then the run configuration's files over it (as the build copies them)
        try (Stream<Path> files = Files.walk(Path.of(home, "conf"))) {
            for (Path from : files.filter(Files::isRegularFile).toList()) {
                Path to = base.resolve("conf").resolve(Path.of(home, "conf").relativize(from).toString());
                Files.createDirectories(to.getParent());
                Files.copy(from, to);
            }
        }
        Path conf = Path.of("src/main/tomee/conf");
        try (Stream<Path> files = Files.walk(conf)) {
            for (Path from : files.filter(Files::isRegularFile).toList()) {
                Path to = base.resolve("conf").resolve(conf.relativize(from).toString());
                Files.createDirectories(to.getParent());
                // what the build's resource filtering does to these files
                Files.writeString(to, Files.readString(from, StandardCharsets.UTF_8)
                        .replace("${run.port}", Integer.toString(port))
                        .replace("${project.build.directory}", target.toString())
                        .replace("${project.build.finalName}", finalName), StandardCharsets.UTF_8);
            }
        }
        for (String d : new String[] {"webapps", "logs", "temp", "work"}) {
            Files.createDirectories(base.resolve(d));
        }
        Path console = base.resolve("console.log");
        ProcessBuilder pb = new ProcessBuilder("sh", Path.of(home, "bin", "catalina.sh").toString(), "run");
        pb.environment().put("CATALINA_HOME", home);
        pb.environment().put("CATALINA_BASE", base.toString());
        pb.redirectErrorStream(true).redirectOutput(console.toFile());
        Process tomee = pb.start();
        try {
            String welcome = welcome(URI.create("ws://127.0.0.1:" + port + "/ws"), tomee, Duration.ofSeconds(180));
            assertTrue(welcome.startsWith("[2,"), "a WELCOME: " + welcome);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n--- TomEE's console:\n" + tail(console), e);
        } finally {
            stop(tomee);
        }
    }

    /** Dials {@code uri} until a HELLO on realm1 gets its first answer, or {@code timeout} passes. */
    private static String welcome(URI uri, Process server, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("TomEE ended (exit " + server.exitValue() + ") before it served WAMP");
            }
            CompletableFuture<String> first = new CompletableFuture<>();
            try {
                WebSocket ws = http.newWebSocketBuilder().subprotocols("wamp.2.json")
                        .connectTimeout(Duration.ofSeconds(5))
                        .buildAsync(uri, new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    first.complete(text.toString());
                                }
                                socket.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                                first.complete("closed " + code + " " + reason);
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS);
                ws.sendText("[1,\"realm1\",{\"roles\":{\"subscriber\":{},\"caller\":{}}}]", true);
                String answer = first.get(10, TimeUnit.SECONDS);
                ws.abort();
                return answer;
            } catch (Exception e) {
                last = String.valueOf(e.getCause() == null ? e : e.getCause()); // not up yet, or no endpoint there
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no WAMP session at " + uri + " within " + timeout.toSeconds() + " s; last: " + last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String tail(Path log) {
        try {
            var lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
