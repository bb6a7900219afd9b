package io.postmaster.cluster;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.router.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real node process stopped ({@code kill -STOP}) for longer than {@code node-ttl-ms}, then continued: the other
 * node declares it dead (the call pending to it ends with an ERROR within 5 s, its registrations go), and when it
 * continues it rejoins cleanly: its registration is back once (no ghost callee), events reach it once each.
 */
class KillStopTest {
    private final ClusterFixture fixture = new ClusterFixture();
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private Process process;

    @AfterEach
    void close() throws Exception {
        if (process != null) {
            signal("CONT");
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        fixture.close();
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name);
    }

    private String line(String what) throws InterruptedException {
        return line(what, 20);
    }

    private String line(String what, int seconds) throws InterruptedException {
        String l = lines.poll(seconds, TimeUnit.SECONDS);
        assertNotNull(l, "the node process printed nothing more, expected " + what);
        return l;
    }

    @Test
    void aStoppedNodeIsDeclaredDeadThenRejoinsCleanly() throws Exception {
        RedisServer redis = fixture.redis();
        Router a = fixture.node(redis.uri()).router();

        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                NodeProcess.class.getName(), redis.uri()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.appendTo(new File("target/node-process.log"))).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (Exception e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        // a JVM of its own starting on a busy machine (the whole suite runs beside it) may take its time
        assertEquals("ready", line("ready", 90));

        Client caller = Client.join(a, "caller", Client.RPC_ROLES);
        awaitCallees(caller, 1);
        Client publisher = Client.join(a, "publisher");
        awaitEvent(publisher, "probe1");

        long held = caller.call("com.hold", Map.of(), List.of());
        signal("STOP");
        long t0 = System.nanoTime();
        WampMessage.Error e = caller.next(WampMessage.Error.class);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(held, e.request());
        assertEquals(ErrorUris.CANCELED, e.error());
        assertTrue(ms < 5000, "the call pending to the stopped node ended after " + ms + " ms");
        assertEquals(0, callees(caller), "the stopped node's registration is gone");

        signal("CONT");
        awaitCallees(caller, 1);
        awaitEvent(publisher, "probe2");
        lines.clear();
        for (int i = 0; i < 20; i++) {
            publisher.publish("com.stop", Map.of(), List.of("e" + i));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals("event e" + i, line("event e" + i), "each event once, in order");
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(1, callees(caller), "one callee: no ghost of the node's registration from before");
            caller.call("com.proc", Map.of(), List.of());
            assertEquals(List.of("from the process"), caller.next(Result.class).args());
        }
        assertTrue(lines.poll(200, TimeUnit.MILLISECONDS) == null, "no event delivered twice");
    }

    /** Publishes until the node process prints the event (its interest has reached this node). */
    private void awaitEvent(Client publisher, String probe) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            assertTrue(System.nanoTime() < deadline, "no event reached the node process in 20 s");
            publisher.publish("com.stop", Map.of(), List.of(probe));
            String l = lines.poll(100, TimeUnit.MILLISECONDS);
            if (("event " + probe).equals(l)) {
                Thread.sleep(100); // late copies of the probe, published before the first arrived
                lines.clear();
                return;
            }
        }
    }

    private static void awaitCallees(Client caller, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (callees(caller) != n) {
            assertTrue(System.nanoTime() < deadline, "not " + n + " callee(s) of com.proc within 20 s");
            Thread.sleep(20); // the other node's registration arrives on the cluster's threads
        }
    }

    private static int callees(Client c) throws InterruptedException {
        c.call("wamp.registration.match", Map.of(), List.of("com.proc"));
        Object id = c.next(Result.class).args().get(0);
        if (id == null) {
            return 0;
        }
        c.call("wamp.registration.count_callees", Map.of(), List.of(id));
        return ((Long) c.next(Result.class).args().get(0)).intValue();
    }
}
