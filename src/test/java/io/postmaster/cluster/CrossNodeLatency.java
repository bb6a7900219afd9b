package io.postmaster.cluster;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.router.Router;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A measurement, not a test (never run by the suite): two nodes in one JVM and a real redis-server; a publisher on
 * node A publishes at a fixed rate, one subscriber on A (local) and one on B (across nodes) take the events; prints
 * publish→event latency percentiles of both, and Redis CPU per relayed publication. Run with
 * {@code mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.postmaster.cluster.CrossNodeLatency
 * -Dexec.args="1000 10"} (rate per second, seconds).
 */
public final class CrossNodeLatency {
    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (ClusterFixture fixture = new ClusterFixture()) {
            RedisServer redis = fixture.redis();
            // the product's defaults, not the tests' fast heartbeat
            PostmasterConfig config = PostmasterConfig.from(Map.of("postmaster.cluster.redis", redis.uri())::get);
            ClusterFixture.Node na = fixture.node(config);
            ClusterFixture.Node nb = fixture.node(config);
            ClusterFixture.awaitJoined(na, nb);
            RedisCluster ca = na.cluster();
            RedisCluster cb = nb.cluster();
            Router a = na.router();
            Router b = nb.router();
            Client local = Client.join(a, "local");
            local.subscribe("bench.t", null);
            Client remote = Client.join(b, "remote");
            remote.subscribe("bench.t", null);
            Client pub = Client.join(a, "pub");
            while (ca.remoteInterest("realm1", cb.nodeId()) == 0) {
                Thread.sleep(50);
            }
            int n = rate * seconds;
            long[] localNs = new long[n];
            long[] remoteNs = new long[n];
            Thread lr = reader(local, localNs);
            Thread rr = reader(remote, remoteNs);
            long redisCpu0 = redis.cpuMillis();
            long jvmCpu0 = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                    .getProcessCpuTime();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = start + i * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait); // no spinning: the CPU figure counts
                }
                pub.publish("bench.t", Map.of(), List.of((long) i, System.nanoTime()));
            }
            lr.join(30_000);
            rr.join(30_000);
            long redisCpu = redis.cpuMillis() - redisCpu0;
            long jvmCpu = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                    .getProcessCpuTime() - jvmCpu0;
            System.out.printf("%d publications at %d/s%n", n, rate);
            print("local  (same node)   ", localNs);
            print("remote (across nodes)", remoteNs);
            System.out.printf("redis-server CPU: %d ms = %.1f µs per relayed publication; "
                    + "JVM (both nodes, clients, publisher) CPU: %d ms; dropped %d%n", redisCpu,
                    redisCpu * 1000.0 / n, jvmCpu / 1_000_000, ca.dropped() + cb.dropped());
        }
    }

    private static Thread reader(Client c, long[] latencies) {
        Thread t = new Thread(() -> {
            try {
                for (int got = 0; got < latencies.length; ) {
                    WampMessage m = c.received.poll(10, TimeUnit.SECONDS);
                    if (m == null) {
                        return;
                    }
                    if (m instanceof Event e) {
                        latencies[(int) (long) (Long) e.args().get(0)] = System.nanoTime() - (Long) e.args().get(1);
                        got++;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        return t;
    }

    private static void print(String what, long[] ns) {
        long missing = Arrays.stream(ns).filter(v -> v == 0).count();
        long[] s = Arrays.stream(ns).filter(v -> v > 0).sorted().toArray();
        System.out.printf("%s p50 %.2f ms, p99 %.2f ms, max %.2f ms, missing %d%n", what, s[s.length / 2] / 1e6,
                s[(int) (s.length * 0.99)] / 1e6, s[s.length - 1] / 1e6, missing);
    }
}
