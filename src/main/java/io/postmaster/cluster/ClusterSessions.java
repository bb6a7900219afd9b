package io.postmaster.cluster;

import io.lettuce.core.KeyValue;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.router.Realm;
import io.postmaster.router.SessionDirectory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The sessions of one realm, cluster-wide, for the session meta procedures. Each node keeps its own in two hashes,
 * written as its sessions join and leave (one small script each, not waited for), renewed with the node's heartbeat
 * and gone with the node:
 * <ul>
 * <li>{@code pm:{realm}:sessions:<node>}: session ID → its authrole, a newline, and its details in MessagePack
 * ({@code wamp.session.get});</li>
 * <li>{@code pm:{realm}:roles:<node>}: authrole → how many of the node's sessions have it ({@code wamp.session.count}
 * with an authrole filter), changed by the same script as the sessions hash, so the two always agree.</li>
 * </ul>
 * No query scans sessions in Redis, and none runs one command over every node: each is one small command per other
 * live node, all sent at once.
 * <ul>
 * <li>{@code count}: HLEN of each node's sessions hash; with an authrole filter HMGET of those roles (at most
 * {@link #HMGET_ROLES} of them) from each node's counts, or, for a longer filter, HGETALL of its counts (one entry per
 * authrole its sessions have): never more than one node's distinct authroles per command, whatever the filter.</li>
 * <li>{@code get}: HGET of the session in each node's hash, in one script (O(nodes)).</li>
 * <li>{@code list}: first the counts as above, so a list longer than the caller may have is refused without a single
 * ID moving; then the nodes that hold matching sessions are asked for their IDs ({@link MetaRequests}): each filters
 * its own sessions in memory and answers them in one message. Redis only passes a message per node on, with at most
 * the limit's IDs in all. (Reading the IDs out of the hashes instead, in chunks, would move every session's details
 * through Redis to filter a few by authrole, in as many round trips.)</li>
 * </ul>
 * What only the nodes themselves can answer or do (kill their sessions, describe and revoke their subscriptions and
 * callees) is asked of them too.
 */
final class ClusterSessions implements SessionDirectory {
    private static final Logger LOG = Logger.getLogger(ClusterSessions.class.getName());
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);
    /** An authrole filter up to this long is read with HMGET of its roles; a longer one reads a node's counts. */
    static final int HMGET_ROLES = 64;
    /** Entries of its own hash a node reads per HSCAN when it joins again. */
    private static final int SCAN_COUNT = 500;

    /**
     * A session joins (or is written again). KEYS: the node's sessions and counts. ARGV: the session, its authrole,
     * its entry. A counts hash without a sessions hash is left over (the two expire together, moments apart at most):
     * dropped first.
     */
    private static final String JOIN = """
            if redis.call('exists', KEYS[1]) == 0 then redis.call('del', KEYS[2]) end
            local old = redis.call('hget', KEYS[1], ARGV[1])
            redis.call('hset', KEYS[1], ARGV[1], ARGV[3])
            if old then
              local role = string.sub(old, 1, (string.find(old, '\\n', 1, true) or (#old + 1)) - 1)
              if role == ARGV[2] then return 0 end
              if redis.call('hincrby', KEYS[2], role, -1) <= 0 then redis.call('hdel', KEYS[2], role) end
            end
            redis.call('hincrby', KEYS[2], ARGV[2], 1)
            return 1
            """;
    /** A session leaves. KEYS: the node's sessions and counts. ARGV: the session. */
    private static final String LEAVE = """
            local old = redis.call('hget', KEYS[1], ARGV[1])
            if not old then return 0 end
            redis.call('hdel', KEYS[1], ARGV[1])
            local role = string.sub(old, 1, (string.find(old, '\\n', 1, true) or (#old + 1)) - 1)
            if redis.call('hincrby', KEYS[2], role, -1) <= 0 then redis.call('hdel', KEYS[2], role) end
            return 1
            """;
    /** KEYS: a node's sessions and counts. ARGV: their time to live: both expire at the same moment. */
    private static final String RENEW = """
            for _, k in ipairs(KEYS) do redis.call('pexpire', k, ARGV[1]) end
            return 0
            """;
    /** KEYS: the nodes' sessions hashes. ARGV: the session. Its entry in the first that holds it. */
    private static final String GET = """
            for _, k in ipairs(KEYS) do
              local v = redis.call('hget', k, ARGV[1])
              if v then return v end
            end
            return false
            """;

    private final RedisCluster cluster;
    private final String realm;
    private final String prefix;

    ClusterSessions(RedisCluster cluster, String realm, String prefix) {
        this.cluster = cluster;
        this.realm = realm;
        this.prefix = prefix;
    }

    /** A node's sessions hash. */
    String key(long node) {
        return prefix + ":{" + realm + "}:sessions:" + node;
    }

    /** A node's counts per authrole. */
    String rolesKey(long node) {
        return prefix + ":{" + realm + "}:roles:" + node;
    }

    private String[] keys(long node) {
        return new String[] {key(node), rolesKey(node)};
    }

    /** An authrole as the hashes hold it: the entry's role ends at a newline, so it has none. */
    private static String role(String authrole) {
        return authrole == null ? "" : authrole.replace('\n', ' ');
    }

    private static byte[] entry(String authrole, Map<String, Object> details) {
        byte[] role = role(authrole).getBytes(StandardCharsets.UTF_8);
        byte[] d = RelayCodec.details(details);
        byte[] out = Arrays.copyOf(role, role.length + 1 + d.length);
        out[role.length] = '\n';
        System.arraycopy(d, 0, out, role.length + 1, d.length);
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------ this node's

    @Override
    public boolean available() {
        return cluster.joined();
    }

    @Override
    public void joined(long session, String authrole, Map<String, Object> details) {
        RedisLink c = cluster.link();
        long node = cluster.nodeId();
        if (c == null || node == 0 || !cluster.joined()) {
            return; // the next join writes every session at once
        }
        try {
            c.async().eval(JOIN, ScriptOutputType.INTEGER, keys(node), utf8(Long.toString(session)),
                    utf8(role(authrole)), entry(authrole, details));
        } catch (RuntimeException e) {
            FAILED.log(() -> "cluster: a session could not be recorded in Redis (" + e + ")");
        }
    }

    @Override
    public void left(long session) {
        RedisLink c = cluster.link();
        long node = cluster.nodeId();
        if (c == null || node == 0 || cluster.closed()) {
            return;
        }
        try {
            c.async().eval(LEAVE, ScriptOutputType.INTEGER, keys(node), utf8(Long.toString(session)));
        } catch (RuntimeException e) {
            FAILED.log(() -> "cluster: a session could not be removed from Redis (" + e + ")");
        }
    }

    /**
     * Writes all of this node's sessions (on join, after which joins and leaves are written as they happen) and
     * removes what the hash holds of sessions gone meanwhile, reading it a chunk at a time (control thread).
     */
    void publish(RedisClusterCommands<String, byte[]> redis, Realm r, long node, long ttlMs) {
        String[] keys = keys(node);
        for (var s : r.sessions()) {
            redis.eval(JOIN, ScriptOutputType.INTEGER, keys, utf8(Long.toString(s.id())), utf8(role(s.authrole())),
                    entry(s.authrole(), Realm.metaDetails(s)));
        }
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            MapScanCursor<String, byte[]> page = redis.hscan(keys[0], cursor, ScanArgs.Builder.limit(SCAN_COUNT));
            for (String id : page.getMap().keySet()) {
                if (r.session(parse(id)) == null) {
                    redis.eval(LEAVE, ScriptOutputType.INTEGER, keys, utf8(id));
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
        renew(redis, node, ttlMs);
    }

    /** Renews a node's hashes (control thread). */
    void renew(RedisClusterCommands<String, byte[]> redis, long node, long ttlMs) {
        redis.eval(RENEW, ScriptOutputType.INTEGER, keys(node), utf8(Long.toString(ttlMs)));
    }

    /** Removes a node's hashes: it left or died (control thread). */
    void forget(RedisClusterCommands<String, byte[]> redis, long node) {
        redis.del(keys(node));
    }

    private static long parse(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------ queries

    @Override
    public void count(List<String> authroles, Answer<Long> answer) {
        RedisLink c = cluster.link();
        if (c == null) {
            answer.failed("Redis is not connected");
            return;
        }
        counts(c, cluster.otherNodes(), authroles).whenComplete((n, e) -> {
            if (e != null) {
                answer.failed(e.toString());
                return;
            }
            answer.ok(Arrays.stream(n).sum());
        });
    }

    @Override
    public void list(List<String> authroles, int max, Answer<Listing> answer) {
        RedisLink c = cluster.link();
        if (c == null) {
            answer.failed("Redis is not connected");
            return;
        }
        long[] nodes = cluster.otherNodes();
        counts(c, nodes, authroles).whenComplete((n, e) -> {
            if (e != null) {
                answer.failed(e.toString());
                return;
            }
            long total = Arrays.stream(n).sum();
            if (total > max) {
                answer.ok(new Listing(total, null)); // refused without gathering a single ID
                return;
            }
            long[] holding = new long[nodes.length];
            int k = 0;
            for (int i = 0; i < nodes.length; i++) {
                if (n[i] > 0) {
                    holding[k++] = nodes[i];
                }
            }
            if (k == 0) {
                answer.ok(new Listing(0, List.of()));
                return;
            }
            List<Object> args = authroles == null ? List.of((long) max) : List.of((long) max, List.copyOf(authroles));
            cluster.metaRequests().ask(realm, "session.list", args, Arrays.copyOf(holding, k),
                    new Answer<List<List<Object>>>() {
                        @Override
                        public void ok(List<List<Object>> answers) {
                            Listing listing = combine(answers, max);
                            if (listing == null) {
                                failed("a node answered no session list");
                            } else {
                                answer.ok(listing);
                            }
                        }

                        @Override
                        public void failed(String why) {
                            answer.failed(why);
                        }
                    });
        });
    }

    /**
     * The nodes' answers to {@code session.list} (each its count, then its IDs if at most {@code max}) as one
     * listing; null if one is not such an answer (a node that does not know the request answers nothing).
     */
    static Listing combine(List<List<Object>> answers, int max) {
        long total = 0;
        List<Long> ids = new ArrayList<>();
        for (List<Object> a : answers) {
            if (a.isEmpty() || !(a.get(0) instanceof Long n) || n < 0) {
                return null;
            }
            total += n;
            if (total <= max) {
                if (a.size() != n + 1) {
                    return null;
                }
                for (Object id : a.subList(1, a.size())) {
                    if (!(id instanceof Long l)) {
                        return null;
                    }
                    ids.add(l);
                }
            }
        }
        return total > max ? new Listing(total, null) : new Listing(total, ids);
    }

    @Override
    public void get(long session, Answer<Map<String, Object>> answer) {
        RedisLink c = cluster.link();
        long[] nodes = cluster.otherNodes();
        if (c == null) {
            answer.failed("Redis is not connected");
            return;
        }
        if (nodes.length == 0) {
            answer.ok(null);
            return;
        }
        String[] keys = Arrays.stream(nodes).mapToObj(this::key).toArray(String[]::new);
        try {
            c.async().<Object>eval(GET, ScriptOutputType.VALUE, keys, utf8(Long.toString(session)))
                    .whenComplete((out, e) -> {
                        if (e != null) {
                            answer.failed(e.toString());
                            return;
                        }
                        Map<String, Object> details;
                        try {
                            details = details(out);
                        } catch (RuntimeException bad) {
                            answer.failed("an unreadable answer: " + bad);
                            return;
                        }
                        answer.ok(details);
                    });
        } catch (RuntimeException e) {
            answer.failed(e.toString());
        }
    }

    private static Map<String, Object> details(Object out) {
        if (!(out instanceof byte[] v)) {
            return null;
        }
        int nl = 0;
        while (nl < v.length && v[nl] != '\n') {
            nl++;
        }
        Publish p = RelayCodec.decode(Arrays.copyOfRange(v, Math.min(nl + 1, v.length), v.length));
        return p == null ? null : p.options();
    }

    @Override
    public void ask(String op, List<Object> args, Answer<List<List<Object>>> answer) {
        if (cluster.link() == null) {
            answer.failed("Redis is not connected");
            return;
        }
        cluster.metaRequests().ask(realm, op, args, answer);
    }

    /**
     * How many sessions (of {@code authroles}, or all when null) each of {@code nodes} holds, in their order: one
     * command per node, all sent at once (see the class doc for which).
     */
    private CompletableFuture<long[]> counts(RedisLink c, long[] nodes, List<String> authroles) {
        Set<String> roles = null;
        if (authroles != null) {
            roles = new LinkedHashSet<>();
            for (String r : authroles) {
                roles.add(role(r));
            }
        }
        long[] n = new long[nodes.length];
        if (roles != null && roles.isEmpty()) {
            return CompletableFuture.completedFuture(n); // roles asked, none: no session has none
        }
        CompletableFuture<?>[] each = new CompletableFuture<?>[nodes.length];
        try {
            RedisClusterAsyncCommands<String, byte[]> redis = c.async();
            for (int i = 0; i < nodes.length; i++) {
                int at = i;
                each[i] = count(redis, nodes[i], roles).thenAccept(v -> n[at] = v).toCompletableFuture();
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.allOf(each).thenApply(done -> n);
    }

    private CompletionStage<Long> count(RedisClusterAsyncCommands<String, byte[]> redis, long node, Set<String> roles) {
        if (roles == null) {
            return redis.hlen(key(node));
        }
        if (roles.size() <= HMGET_ROLES) {
            return redis.hmget(rolesKey(node), roles.toArray(String[]::new)).thenApply(values -> {
                long sum = 0;
                for (KeyValue<String, byte[]> v : values) {
                    sum += v.hasValue() ? number(v.getValue()) : 0;
                }
                return sum;
            });
        }
        Set<String> wanted = roles;
        return redis.hgetall(rolesKey(node)).thenApply(all -> {
            long sum = 0;
            for (var e : all.entrySet()) {
                sum += wanted.contains(e.getKey()) ? number(e.getValue()) : 0;
            }
            return sum;
        });
    }

    private static long number(byte[] v) {
        return Long.parseLong(new String(v, StandardCharsets.UTF_8));
    }
}
