package io.postmaster.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * webwire-go v1.0.0-rc1's own Go client, driven through {@code src/test/go/wwdriver} (see its doc for the
 * commands). Built once per test JVM, offline, as the client's README says: GOPATH mode with the client's sources
 * and their vendored dependencies copied from {@code ../shared/clients/webwire-go-rc1} (or
 * {@code -Dwebwire.go.dir}), with the Go toolchain on the PATH (Debian's {@code golang-go}; {@code .ci/run} installs
 * it).
 */
final class WebwireGoClient implements AutoCloseable {
    private static final Path WORK = Path.of("target", "webwire-go").toAbsolutePath();
    private static final Path BINARY = WORK.resolve("wwdriver");
    private static String buildProblem;
    private static boolean built;

    /** Lines pushed by the server, not answers to a command. */
    private static final List<String> PUSHED = List.of("signal-in", "session-created", "session-closed",
            "disconnected");

    private final Process process;
    private final Writer in;
    private final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> pushed = new LinkedBlockingQueue<>();
    /** Every line, in the order the client printed it. */
    final List<String> transcript = Collections.synchronizedList(new ArrayList<>());

    /** Null when the client is built (or was already), else why it cannot be: then the tests are skipped. */
    static synchronized String build() {
        if (built || buildProblem != null) {
            return buildProblem;
        }
        try {
            Path sources = Path.of(System.getProperty("webwire.go.dir", "../shared/clients/webwire-go-rc1"));
            if (!Files.isDirectory(sources)) {
                return buildProblem = "webwire-go rc1 sources not found at " + sources.toAbsolutePath();
            }
            Path gopath = WORK.resolve("gopath");
            Path lib = gopath.resolve("src/github.com/qbeon/webwire-go");
            Path main = gopath.resolve("src/wwdriver");
            copy(sources, lib);
            copy(Path.of("src/test/go/wwdriver"), main);
            ProcessBuilder pb = new ProcessBuilder("go", "build", "-o", BINARY.toString(), ".")
                    .directory(main.toFile()).redirectErrorStream(true);
            pb.environment().put("GO111MODULE", "off");
            pb.environment().put("GOPATH", gopath.toString());
            pb.environment().put("GOCACHE", WORK.resolve("cache").toString());
            pb.environment().put("GOFLAGS", "");
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return buildProblem = "no Go toolchain on the PATH (install Debian's golang-go): " + e.getMessage();
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("building the webwire-go client failed:\n" + output);
            }
            built = true;
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build the webwire-go client", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                    target.toFile().setWritable(true);
                }
            }
        }
    }

    /** Starts a client process (not yet connected). */
    WebwireGoClient() throws IOException {
        process = new ProcessBuilder(BINARY.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    transcript.add(line);
                    String first = line.split(" ", 2)[0];
                    (PUSHED.contains(first) ? pushed : answers).add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "wwdriver-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends a command without waiting for its answer (a request the test then serves as the backend). */
    void send(String command) throws IOException {
        in.write(command + "\n");
        in.flush();
    }

    /** The next answer to a command, within 15 s. */
    String answer() throws InterruptedException {
        String a = answers.poll(15, TimeUnit.SECONDS);
        if (a == null) {
            throw new AssertionError("the webwire client answered nothing within 15 s; transcript " + transcript);
        }
        return a;
    }

    /** Sends a command and returns its answer. */
    String ask(String command) throws IOException, InterruptedException {
        send(command);
        return answer();
    }

    /** The next line the server pushed (signal, session created or closed), within 15 s. */
    String pushed() throws InterruptedException {
        String p = pushed.poll(15, TimeUnit.SECONDS);
        if (p == null) {
            throw new AssertionError("the server pushed nothing within 15 s; transcript " + transcript);
        }
        return p;
    }

    @Override
    public void close() throws Exception {
        try {
            send("close");
        } catch (IOException ignored) {
            // gone already
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    static File binary() {
        return BINARY.toFile();
    }
}
