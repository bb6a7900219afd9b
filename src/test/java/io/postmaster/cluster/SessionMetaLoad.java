package io.postmaster.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Result;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measurement, not a test (never run by the suite): what the session meta procedures cost Redis over many
 * sessions. Starts a real redis-server, writes {@code nodes} fake live nodes of {@code perNode} sessions each into it
 * ({@link FakeNodes}: one in ten with authrole {@code guest}, the others {@code user}, ~200 bytes of details each),
 * starts two real nodes with the default settings in this JVM (three sessions on them, authrole {@code anonymous}),
 * then calls each query {@code rounds} times from a session of the first and prints, per query: the caller's wait
 * (median and longest), the longest single Redis command meanwhile (Redis's SLOWLOG, which times every command while
 * it serves no one else) and the longest PING answer to another connection pinging all the while; then what the
 * script a session's join and leave run costs Redis (1,000 sessions joining and leaving). Run with
 * {@code mvn -o -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.postmaster.cluster.SessionMetaLoad -Dexec.args="100 10000 5"} (nodes, sessions per node,
 * rounds).
 */
public final class SessionMetaLoad {
    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int perNode = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        try (ClusterFixture fixture = new ClusterFixture()) {
            RedisServer redis = fixture.redis();
            RedisClient client = RedisClient.create(redis.uri());
            fixture.closeFirst(client::shutdown);
            RedisCommands<String, byte[]> r = client.connect(RedisLink.CODEC).sync();
            long t0 = System.nanoTime();
            long fake = FakeNodes.fill(r, nodes, perNode, 10);
            System.out.printf("%,d sessions of %d fake nodes written in %d ms; Redis memory %s%n", fake, nodes,
                    (System.nanoTime() - t0) / 1_000_000, info(r, "used_memory_human"));
            PostmasterConfig config = PostmasterConfig.from(Map.of("postmaster.cluster.redis", redis.uri())::get);
            ClusterFixture.Node a = fixture.node(config);
            ClusterFixture.Node b = fixture.node(config);
            for (ClusterFixture.Node n : List.of(a, b)) {
                ClusterFixture.await("joined, knows the others",
                        () -> n.cluster().joined() && n.cluster().otherNodes().length == nodes + 1);
            }
            Client caller = Client.join(a.router(), "caller");
            Client.join(b.router(), "b1");
            Client.join(b.router(), "b2");
            long all = fake + 3;
            ClusterFixture.await("every session counted", () -> Long.valueOf(all).equals(
                    answer(caller, "wamp.session.count", List.of())));

            RedisCommands<String, byte[]> pings = client.connect(RedisLink.CODEC).sync();
            AtomicLong longestPing = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread pinger = new Thread(() -> {
                while (running.get()) {
                    long s = System.nanoTime();
                    pings.ping();
                    longestPing.accumulateAndGet(System.nanoTime() - s, Math::max);
                }
            }, "pinger");
            pinger.setDaemon(true);
            pinger.start();
            r.configSet("slowlog-max-len", "100000");
            r.configSet("slowlog-log-slower-than", "0");

            List<Object[]> queries = new ArrayList<>();
            queries.add(new Object[] {"count", List.of()});
            queries.add(new Object[] {"count", List.of(List.of("user"))});
            queries.add(new Object[] {"count", List.of(List.of("user", "guest"))});
            List<String> many = new ArrayList<>(List.of("user"));
            for (int i = 0; i < 100; i++) {
                many.add("role" + i);
            }
            queries.add(new Object[] {"count", List.of(many)});
            queries.add(new Object[] {"list", List.of()});
            queries.add(new Object[] {"list", List.of(List.of("guest"))});
            queries.add(new Object[] {"list", List.of(List.of("anonymous"))});
            queries.add(new Object[] {"get", List.of(FakeNodes.firstSession(nodes / 2) + 1)});
            System.out.printf("%nRedis: %,d sessions (%d nodes of %,d, and 3 on the real nodes); %d calls each%n%n",
                    all, nodes, perNode, rounds);
            System.out.println("| call | answer | caller waits: median / longest | longest Redis command | "
                    + "longest PING meanwhile |");
            System.out.println("|---|---|---|---|---|");
            for (Object[] q : queries) {
                @SuppressWarnings("unchecked")
                List<Object> qargs = (List<Object>) q[1];
                String procedure = "wamp.session." + q[0];
                r.slowlogReset();
                longestPing.set(0);
                long[] waits = new long[rounds];
                Object out = null;
                for (int i = 0; i < rounds; i++) {
                    long s = System.nanoTime();
                    out = answer(caller, procedure, qargs);
                    waits[i] = System.nanoTime() - s;
                }
                Arrays.sort(waits);
                String label = procedure + (qargs.isEmpty() ? "" : "(" + brief(qargs.get(0)) + ")");
                System.out.printf("| `%s` | %s | %s / %s | %s | %s |%n", label, brief(out), ms(waits[rounds / 2]),
                        ms(waits[rounds - 1]), slowest(r), ms(longestPing.get()));
            }
            running.set(false);
            pinger.join();

            // what a session joining and leaving costs Redis: the script each runs on its node's hashes
            r.slowlogReset();
            List<Client> churn = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                churn.add(Client.join(b.router(), "churn" + i));
            }
            churn.forEach(Client::drop);
            ClusterFixture.await("the churn is gone", () -> Long.valueOf(all).equals(
                    answer(caller, "wamp.session.count", List.of())));
            long[] join = new long[2];
            long[] leave = new long[2];
            for (Object o : r.slowlogGet(100_000)) {
                List<?> e = (List<?>) o;
                List<?> cmd = (List<?>) e.get(3);
                String script = cmd.size() > 1 && cmd.get(1) instanceof byte[] bytes
                        ? new String(bytes, StandardCharsets.UTF_8) : "";
                long[] into = script.startsWith("if redis.call('exists'") ? join
                        : script.startsWith("local old") ? leave : null;
                if (into != null) {
                    into[0]++;
                    into[1] += (Long) e.get(2);
                }
            }
            System.out.printf("%nA session joining: %d scripts, %.1f µs each on average; leaving: %d, %.1f µs%n",
                    join[0], join[1] / (double) Math.max(1, join[0]), leave[0], leave[1] / (double) Math.max(1,
                            leave[0]));
        }
    }

    /** The first result of a meta call, or the ERROR's URI. */
    private static Object answer(Client c, String procedure, List<Object> args) throws InterruptedException {
        c.call(procedure, args, null);
        WampMessage m = c.next(WampMessage.class);
        if (m instanceof Result res) {
            return res.args() == null || res.args().isEmpty() ? null : res.args().get(0);
        }
        return ((WampMessage.Error) m).error();
    }

    private static String brief(Object o) {
        if (o instanceof List<?> l && l.size() > 3) {
            return "[" + l.size() + " items]";
        }
        if (o instanceof Map<?, ?> m) {
            return "details of " + m.get("authrole");
        }
        return String.valueOf(o);
    }

    private static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }

    /** The longest command in the SLOWLOG but the measurement's own, e.g. {@code 30 µs (HMGET)}. */
    private static String slowest(RedisCommands<String, byte[]> r) {
        long longest = -1;
        String what = "";
        for (Object o : r.slowlogGet(100_000)) {
            List<?> e = (List<?>) o;
            long micros = (Long) e.get(2);
            Object cmd = ((List<?>) e.get(3)).get(0);
            String name = cmd instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(cmd);
            if (micros > longest && !name.equalsIgnoreCase("slowlog")) { // the measurement's own
                longest = micros;
                what = name;
                if (name.equalsIgnoreCase("eval") && ((List<?>) e.get(3)).get(1) instanceof byte[] script) {
                    String text = new String(script, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
                    what = name + " " + text.substring(0, Math.min(24, text.length())) + "…";
                }
            }
        }
        return String.format("%,d µs (%s)", longest, what.toUpperCase(java.util.Locale.ROOT));
    }

    private static String info(RedisCommands<String, byte[]> r, String field) {
        for (String line : r.info("memory").split("\\R")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return "?";
    }
}
