package io.postmaster.cluster;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.router.Router;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A measurement, not a test (never run by the suite): what the nodes' heartbeats alone cost Redis. Starts a real
 * redis-server and {@code nodes} idle nodes in one JVM (default heartbeat, one realm), waits until all have joined
 * and seen each other, then prints redis-server's CPU and the commands it processed over {@code seconds}, per node
 * and second; then joins {@code sessions} in-memory sessions to each node and prints the bytes of Redis memory
 * per session (the session meta hashes). Run with {@code mvn -o -q test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.postmaster.cluster.IdleNodes -Dexec.args="20 20 500"} (nodes,
 * seconds, sessions per node).
 */
public final class IdleNodes {
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int sessions = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        List<AutoCloseable> closing = new ArrayList<>();
        try (RedisServer redis = RedisServer.start()) {
            PostmasterConfig config = PostmasterConfig.from(Map.of("postmaster.cluster.redis", redis.uri())::get);
            List<RedisCluster> nodes = new ArrayList<>();
            List<Router> routers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                RedisCluster c = RedisCluster.start(config);
                Router r = new Router(config, timers, c);
                c.attach(r);
                closing.add(0, r);
                closing.add(0, c);
                nodes.add(c);
                routers.add(r);
            }
            while (!nodes.stream().allMatch(n -> n.joined() && n.otherNodes().length == count - 1)) {
                Thread.sleep(100);
            }
            Thread.sleep(2000); // settle: the joins' reloads are over
            long cpu0 = redis.cpuMillis();
            long cmds0 = commands(redis);
            Thread.sleep(seconds * 1000L);
            long cpu = redis.cpuMillis() - cpu0;
            long cmds = commands(redis) - cmds0;
            System.out.printf("%d idle nodes, %d s: redis-server %d ms CPU (%.1f µs per node-second), %d commands "
                    + "(%.1f per node-second)%n", count, seconds, cpu, cpu * 1000.0 / count / seconds, cmds,
                    cmds / (double) count / seconds);
            long mem0 = memory(redis);
            for (Router r : routers) {
                for (int i = 0; i < sessions; i++) {
                    Client.join(r, "s" + i);
                }
            }
            long want = (long) count * sessions;
            while (Long.parseLong(redis.cli("EVAL", "local n = 0 for _, k in ipairs(redis.call('keys', "
                    + "'pm:{realm1}:sessions:*')) do n = n + redis.call('hlen', k) end return n", "0")) < want) {
                Thread.sleep(100);
            }
            long mem = memory(redis) - mem0;
            System.out.printf("%d sessions: Redis memory +%d bytes (%.0f bytes per session)%n", want, mem,
                    mem / (double) want);
        } finally {
            for (AutoCloseable c : closing) {
                c.close();
            }
            timers.shutdownNow();
        }
    }

    private static long memory(RedisServer redis) throws Exception {
        for (String line : redis.cli("INFO", "memory").split("\\R")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return -1;
    }

    private static long commands(RedisServer redis) throws Exception {
        for (String line : redis.cli("INFO", "stats").split("\\R")) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return -1;
    }
}
