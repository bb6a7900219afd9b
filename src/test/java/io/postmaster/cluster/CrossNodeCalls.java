package io.postmaster.cluster;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.router.Router;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A measurement, not a test (never run by the suite): two nodes in one JVM and a real redis-server; a caller on node
 * A calls a callee on A (one node: Redis is not involved) and then a callee on B (across nodes), with a window of
 * calls in flight, and prints calls per second, calls per CPU-second of the JVM (both routers, Lettuce, the clients:
 * the same clients in both runs, so the ratio is the routers' and the link's) and redis-server CPU per call. Run with
 * {@code mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.postmaster.cluster.CrossNodeCalls
 * -Dexec.args="50000 100"} (calls per run, calls in flight); a third argument {@code cluster} runs it on a local Redis
 * Cluster of three masters instead ({@link RedisClusterServers}), the CPU summed over the three.
 */
public final class CrossNodeCalls {
    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int window = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        boolean onCluster = args.length > 2 && args[2].equals("cluster");
        try (ClusterFixture fixture = new ClusterFixture()) {
            RedisServer single = onCluster ? null : fixture.redis();
            RedisClusterServers shards = onCluster ? fixture.closeLast(RedisClusterServers.start()) : null;
            LongSupplier redis = onCluster ? shards::cpuMillis : single::cpuMillis;
            // the product's defaults, not the tests' fast heartbeat
            PostmasterConfig config = PostmasterConfig.from(Map.of("postmaster.cluster.redis",
                    onCluster ? shards.uri() : single.uri())::get);
            ClusterFixture.Node na = fixture.node(config);
            ClusterFixture.Node nb = fixture.node(config);
            ClusterFixture.awaitJoined(na, nb);
            RedisCluster ca = na.cluster();
            RedisCluster cb = nb.cluster();
            Router a = na.router();
            Router b = nb.router();
            Client calleeA = Client.join(a, "calleeA", Client.RPC_ROLES);
            calleeA.register("bench.local", Map.of());
            Client calleeB = Client.join(b, "calleeB", Client.RPC_ROLES);
            calleeB.register("bench.remote", Map.of());
            answer(calleeA);
            answer(calleeB);
            Client caller = Client.join(a, "caller", Client.RPC_ROLES);
            while (true) { // until B's registration has reached A
                caller.call("bench.remote", Map.of(), List.of(0L));
                if (caller.next(WampMessage.class) instanceof Result) {
                    break;
                }
                Thread.sleep(10);
            }
            for (String procedure : List.of("bench.local", "bench.remote", "bench.local", "bench.remote")) {
                run(caller, procedure, calls / 4, window, redis); // warm-up
                double[] r = run(caller, procedure, calls, window, redis);
                System.out.printf("%-13s %d calls, window %d: %.0f calls/s, %.0f calls per JVM CPU-second, "
                        + "redis-server %.1f µs CPU per call%n", procedure, calls, window, r[0], r[1], r[2]);
            }
            System.out.printf("dropped %d%n", ca.dropped() + cb.dropped());
        }
    }

    /** @return calls per second, calls per JVM CPU-second, Redis CPU µs per call */
    private static double[] run(Client caller, String procedure, int calls, int window, LongSupplier redis)
            throws Exception {
        var os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
        long redis0 = redis.getAsLong();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        int sent = 0;
        int done = 0;
        while (done < calls) {
            while (sent < calls && sent - done < window) {
                caller.call(procedure, Map.of(), List.of((long) sent++));
            }
            WampMessage m = caller.received.poll(10, TimeUnit.SECONDS);
            if (!(m instanceof Result)) {
                throw new IllegalStateException("expected RESULT, got " + m);
            }
            done++;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        long redisMs = redis.getAsLong() - redis0;
        return new double[] {calls / seconds, calls / cpu, redisMs * 1000.0 / calls};
    }

    /** Answers every INVOCATION of {@code callee} on a thread of its own, as a remote client would. */
    private static void answer(Client callee) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    if (callee.received.take() instanceof Invocation inv) {
                        callee.yield(inv.request(), Map.of(), inv.args());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "callee-" + callee);
        t.setDaemon(true);
        t.start();
    }
}
