package io.postmaster.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.postmaster.config.ClusterBounds;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.router.ClusterRpc;
import io.postmaster.router.RpcBackplane;
import io.postmaster.router.match.MatchPolicy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster-wide registration table of one realm and the calls that cross nodes (the engine's side of
 * {@link RpcBackplane}). See the package doc for the keys; in short, per realm (hash tag {@code {realm}}):
 * <ul>
 * <li>{@code pm:{realm}:regs} — hash: {@code <match> <uri>} → {@code <invoke> <registration ID>};</li>
 * <li>{@code pm:{realm}:regids} — hash: registration ID → {@code <match> <uri>} (an ID is never given twice);</li>
 * <li>{@code pm:{realm}:callees:<match> <uri>} — sorted set of the callees ({@code <session> <node> <features>
 * <disclose>}), scored by {@code pm:{realm}:regseq}: the cluster registration order;</li>
 * <li>{@code pm:{realm}:noderegs:<node>} — what a node's callees hold, to remove it when the node dies;</li>
 * <li>channel {@code pm:reg} — each change, published by the script that made it: {@code + realm id order invoke
 * session node features disclose match uri} and {@code - realm id session}.</li>
 * </ul>
 * Every key a script touches carries the realm's hash tag, the node's liveness in the realm included
 * ({@code pm:{realm}:node:<node>}), so each script runs on the one shard of a Redis Cluster that holds the realm. A
 * REGISTER is decided by one Lua script (atomic in Redis): created, joined (same shared policy), or refused with
 * {@code wamp.error.procedure_already_exists}. Every node mirrors the table in its dealer (a callee of another node
 * is a proxy there), so a call finds its callee from memory.
 */
final class ClusterDealer implements RpcBackplane {
    private static final Logger LOG = Logger.getLogger(ClusterDealer.class.getName());
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);

    /** KEYS: regs, regids, regseq, callees, noderegs, the node's key in the realm. ARGV: field, invoke, candidate, member, channel, realm. */
    private static final String CLAIM = """
            if redis.call('exists', KEYS[6]) == 0 then return {-2} end
            local cur = redis.call('hget', KEYS[1], ARGV[1])
            local id
            if cur then
              local sp = string.find(cur, ' ', 1, true)
              local have = string.sub(cur, 1, sp - 1)
              id = string.sub(cur, sp + 1)
              local mine = redis.call('zscore', KEYS[4], ARGV[4])
              if mine then return {1, id, mine} end
              if have == 'single' or have ~= ARGV[2] then return {0, have} end
            else
              if redis.call('hsetnx', KEYS[2], ARGV[3], ARGV[1]) == 0 then return {-1} end
              id = ARGV[3]
              redis.call('hset', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. id)
            end
            local seq = redis.call('incr', KEYS[3])
            redis.call('zadd', KEYS[4], seq, ARGV[4])
            redis.call('sadd', KEYS[5], ARGV[1] .. '\\n' .. ARGV[4])
            redis.call('publish', ARGV[5], '+ ' .. ARGV[6] .. ' ' .. id .. ' ' .. seq .. ' ' .. ARGV[2] .. ' '
              .. ARGV[4] .. ' ' .. ARGV[1])
            return {1, id, tostring(seq)}
            """;
    /** KEYS: regs, regids, callees, noderegs. ARGV: field, member, channel, realm. */
    private static final String RELEASE = """
            if redis.call('zrem', KEYS[3], ARGV[2]) == 0 then return 0 end
            redis.call('srem', KEYS[4], ARGV[1] .. '\\n' .. ARGV[2])
            local cur = redis.call('hget', KEYS[1], ARGV[1])
            local id = '0'
            if cur then id = string.sub(cur, string.find(cur, ' ', 1, true) + 1) end
            if cur and redis.call('zcard', KEYS[3]) == 0 then
              redis.call('hdel', KEYS[1], ARGV[1])
              redis.call('hdel', KEYS[2], id)
            end
            local sp = string.find(ARGV[2], ' ', 1, true)
            redis.call('publish', ARGV[3], '- ' .. ARGV[4] .. ' ' .. id .. ' ' .. string.sub(ARGV[2], 1, sp - 1))
            return 1
            """;
    /**
     * KEYS: regs, regids, noderegs, the node's key in the realm. ARGV: callees key prefix. Only once the node's key
     * is gone: 1 if forgotten, 0 if the node is alive in the realm.
     */
    private static final String FORGET_NODE = """
            if redis.call('exists', KEYS[4]) == 1 then return 0 end
            for _, e in ipairs(redis.call('smembers', KEYS[3])) do
              local nl = string.find(e, '\\n', 1, true)
              local f = string.sub(e, 1, nl - 1)
              local ck = ARGV[1] .. f
              redis.call('zrem', ck, string.sub(e, nl + 1))
              if redis.call('zcard', ck) == 0 then
                local cur = redis.call('hget', KEYS[1], f)
                if cur then
                  redis.call('hdel', KEYS[1], f)
                  redis.call('hdel', KEYS[2], string.sub(cur, string.find(cur, ' ', 1, true) + 1))
                end
              end
            end
            redis.call('del', KEYS[3])
            return 1
            """;

    private final RedisCluster cluster;
    private final String realm;
    private final String prefix;
    private final ClusterBounds bounds;
    private volatile ClusterRpc port;
    /** This node's callees' places in the table, by "session registration": what releasing one needs. */
    private final Map<String, String[]> claims = new ConcurrentHashMap<>();
    /** Bytes of the procedures in {@link #claims}, and claims asked of Redis and not answered yet. */
    private final java.util.concurrent.atomic.AtomicLong claimedBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger claiming = new java.util.concurrent.atomic.AtomicInteger();
    /** The other nodes' callees as mirrored here, by "session registration" (control thread only). */
    private final Map<String, Remote> mirror = new HashMap<>();

    private record Remote(long node, long session, long registration) { }

    ClusterDealer(RedisCluster cluster, String realm, String prefix, ClusterBounds bounds) {
        this.cluster = cluster;
        this.realm = realm;
        this.prefix = prefix;
        this.bounds = bounds;
    }

    void attach(ClusterRpc port) {
        this.port = port;
    }

    private String regs() { return prefix + ":{" + realm + "}:regs"; }
    private String regIds() { return prefix + ":{" + realm + "}:regids"; }
    private String regSeq() { return prefix + ":{" + realm + "}:regseq"; }
    private String callees(String field) { return prefix + ":{" + realm + "}:callees:" + field; }
    private String nodeRegs(long node) { return prefix + ":{" + realm + "}:noderegs:" + node; }
    static String channel(String prefix) { return prefix + ":reg"; }

    private static String field(MatchPolicy match, String procedure) {
        return RemoteInterest.key(match, procedure);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    // ------------------------------------------------------------------------------------------ RpcBackplane

    @Override
    public boolean joined() {
        return cluster.joined();
    }

    @Override
    public void claim(long session, long features, long candidateId, String procedure, MatchPolicy match,
                      String invoke, boolean disclose, Claimed done) {
        claim(session, features, candidateId, procedure, match, invoke, disclose, done, 3);
    }

    private void claim(long session, long features, long candidateId, String procedure, MatchPolicy match,
                       String invoke, boolean disclose, Claimed done, int attempts) {
        RedisLink c = cluster.link();
        long node = cluster.nodeId();
        if (c == null || node == 0) {
            done.refused(ErrorUris.NETWORK_FAILURE, "the cluster is unavailable");
            return;
        }
        String field = field(match, procedure);
        String member = session + " " + node + " " + features + " " + (disclose ? 1 : 0);
        String key = session + " " + candidateId;
        if (!claims.containsKey(key) && (claims.size() + claiming.get() >= bounds.maxRegistrations()
                || claimedBytes.get() + utf8(field).length > bounds.maxRegistrationBytes())) {
            // logged by the dealer, rate-limited
            done.refused(ErrorUris.LIMIT_REACHED, "this node's registrations in the cluster's table are at their limit ("
                    + ClusterBounds.MAX_REGISTRATIONS + " " + bounds.maxRegistrations() + ", "
                    + ClusterBounds.MAX_REGISTRATION_BYTES + " " + bounds.maxRegistrationBytes() + ")");
            return;
        }
        claiming.incrementAndGet();
        try {
            c.async().eval(CLAIM, ScriptOutputType.MULTI,
                    new String[] {regs(), regIds(), regSeq(), callees(field), nodeRegs(node),
                            cluster.realmNodeKey(realm, node)},
                    utf8(field), utf8(invoke), utf8(Long.toString(candidateId)), utf8(member),
                    utf8(channel(prefix)), utf8(realm)).whenComplete((out, e) -> {
                        claiming.decrementAndGet();
                        if (e != null || !(out instanceof List<?> l) || l.isEmpty() || !(l.get(0) instanceof Long s)) {
                            FAILED.log(() -> "cluster: a registration could not be claimed in Redis (" + e + ")");
                            done.refused(ErrorUris.NETWORK_FAILURE, "the cluster is unavailable");
                        } else if (s == 1) {
                            long id = Long.parseLong(text(l.get(1)));
                            if (claims.put(session + " " + id, new String[] {field, member}) == null) {
                                claimedBytes.addAndGet(utf8(field).length);
                            }
                            done.registered(id, (long) Double.parseDouble(text(l.get(2))));
                        } else if (s == 0) {
                            String have = text(l.get(1));
                            done.refused(ErrorUris.PROCEDURE_ALREADY_EXISTS, have.equals(invoke) ? null
                                    : "registered with invocation policy " + have);
                        } else if (s == -1 && attempts > 1) { // the candidate ID is taken: another one
                            claim(session, features, io.postmaster.message.Ids.random(), procedure, match, invoke,
                                    disclose, done, attempts - 1);
                        } else {
                            done.refused(ErrorUris.NETWORK_FAILURE, "the cluster is unavailable");
                        }
                    });
        } catch (RuntimeException e) {
            claiming.decrementAndGet();
            done.refused(ErrorUris.NETWORK_FAILURE, "the cluster is unavailable");
        }
    }

    @Override
    public void release(long session, long registration) {
        String[] claim = claims.remove(session + " " + registration);
        if (claim != null) {
            claimedBytes.addAndGet(-utf8(claim[0]).length);
        }
        RedisLink c = cluster.link();
        if (claim == null || c == null || cluster.closed()) {
            return; // a node that leaves removes all its registrations at once
        }
        long node = cluster.nodeId();
        try {
            c.async().eval(RELEASE, ScriptOutputType.INTEGER,
                    new String[] {regs(), regIds(), callees(claim[0]), nodeRegs(node)},
                    utf8(claim[0]), utf8(claim[1]), utf8(channel(prefix)), utf8(realm)).whenComplete((out, e) -> {
                        if (e != null) {
                            FAILED.log(() -> "cluster: a registration could not be released in Redis (" + e
                                    + "); it goes when this node leaves or is declared dead");
                        }
                    });
        } catch (RuntimeException e) {
            FAILED.log(() -> "cluster: a registration could not be released in Redis (" + e + ")");
        }
    }

    @Override
    public boolean send(long node, long calleeSession, WampMessage m) {
        return cluster.sendToNode(node, RelayCodec.rpc(realm, cluster.nodeId(), calleeSession, m));
    }

    // ------------------------------------------------------------------------------------------ from Redis

    /** A message of a call from another node's dealer, from this node's call inbox (on the engine's I/O thread). */
    void deliver(RelayCodec.CallMessage c) {
        ClusterRpc rpc = port;
        if (rpc == null) {
            return;
        }
        WampMessage m = c.message();
        if (m instanceof WampMessage.Invocation || m instanceof WampMessage.Interrupt) {
            rpc.fromCaller(c.from(), c.callee(), m);
        } else {
            rpc.fromCallee(c.callee(), m);
        }
    }

    /** A change of the table announced on {@code pm:reg} (control thread). */
    void changed(String[] f) {
        ClusterRpc rpc = port;
        if (rpc == null) {
            return;
        }
        if (f[0].equals("+") && f.length == 11) {
            long id = Long.parseLong(f[2]);
            long order = Long.parseLong(f[3]);
            long session = Long.parseLong(f[5]);
            long node = Long.parseLong(f[6]);
            if (node == cluster.nodeId()) {
                return;
            }
            add(rpc, node, session, Long.parseLong(f[7]), id, f[10], match(f[9]), f[4], f[8].equals("1"), order);
        } else if (f[0].equals("-") && f.length == 4) {
            long id = Long.parseLong(f[2]);
            long session = Long.parseLong(f[3]);
            if (mirror.remove(session + " " + id) != null) {
                rpc.removeCallee(session, id);
            }
        } else {
            FAILED.log(() -> "cluster: a malformed registration change was ignored");
        }
    }

    private void add(ClusterRpc rpc, long node, long session, long features, long id, String procedure,
                     MatchPolicy match, String invoke, boolean disclose, long order) {
        if (match == null) {
            return;
        }
        if (rpc.addCallee(node, session, features, id, procedure, match, invoke, disclose, order)) {
            mirror.put(session + " " + id, new Remote(node, session, id));
        } else { // mirrored once this node's clashing registration is revoked (then the table is read again)
            FAILED.log(() -> "cluster: registration " + id + " of " + procedure + " (node " + node + ") clashes with"
                    + " one this node made while cut off from the cluster; it is not called from here yet");
        }
    }

    private static MatchPolicy match(String code) {
        var parsed = RemoteInterest.parse(code + " x");
        return parsed == null ? null : parsed.getKey();
    }

    /** Reads the whole table and brings the mirror up to date (control thread, on join). */
    void reload(RedisClusterCommands<String, byte[]> redis) {
        ClusterRpc rpc = port;
        if (rpc == null) {
            return;
        }
        Map<String, Object[]> seen = new HashMap<>();
        long me = cluster.nodeId();
        for (var e : redis.hgetall(regs()).entrySet()) {
            String field = e.getKey();
            String[] v = text(e.getValue()).split(" ", 2);
            int sp = field.indexOf(' ');
            MatchPolicy match = sp > 0 ? match(field.substring(0, sp)) : null;
            if (v.length != 2 || match == null) {
                continue;
            }
            long id = Long.parseLong(v[1]);
            for (var scored : redis.zrangeWithScores(callees(field), 0, -1)) {
                String[] m = text(scored.getValue()).split(" ");
                if (m.length != 4 || Long.parseLong(m[1]) == me) {
                    continue;
                }
                seen.put(m[0] + " " + id, new Object[] {Long.parseLong(m[1]), Long.parseLong(m[0]),
                        Long.parseLong(m[2]), id, field.substring(sp + 1), match, v[0], m[3].equals("1"),
                        (long) scored.getScore()});
            }
        }
        for (var it = mirror.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!seen.containsKey(e.getKey())) {
                it.remove();
                rpc.removeCallee(e.getValue().session(), e.getValue().registration());
            }
        }
        for (var e : seen.entrySet()) {
            if (!mirror.containsKey(e.getKey())) {
                Object[] a = e.getValue();
                add(rpc, (Long) a[0], (Long) a[1], (Long) a[2], (Long) a[3], (String) a[4], (MatchPolicy) a[5],
                        (String) a[6], (Boolean) a[7], (Long) a[8]);
            }
        }
    }

    /**
     * Claims this node's registrations again (on join: Redis may have lost them, or the others declared this node
     * dead); one another node took meanwhile is revoked here.
     */
    void reclaim() {
        ClusterRpc rpc = port;
        if (rpc == null) {
            return;
        }
        for (ClusterRpc.Entry e : rpc.localRegistrations()) {
            claim(e.session(), e.features(), e.registration(), e.procedure(), e.match(), e.invoke(), e.disclose(),
                    new Claimed() {
                        @Override
                        public void registered(long registration, long order) {
                            if (registration != e.registration()) {
                                release(e.session(), registration);
                                rpc.revoke(e.session(), e.registration(), "the cluster holds it under another ID");
                                cluster.reloadRegistrationsSoon();
                            }
                        }

                        @Override
                        public void refused(String error, String message) {
                            if (error.equals(ErrorUris.LIMIT_REACHED)) { // made while alone, past the bound
                                rpc.revoke(e.session(), e.registration(), "this node's registrations in the cluster "
                                        + "are at their limit");
                            } else if (error.equals(ErrorUris.PROCEDURE_ALREADY_EXISTS)) {
                                LOG.warning(() -> "cluster: " + e.procedure() + " of session " + e.session()
                                        + " was registered on another node while this one was cut off; revoked here");
                                rpc.revoke(e.session(), e.registration(), "registered on another node meanwhile");
                                cluster.reloadRegistrationsSoon(); // the other node's, which clashed until now
                            }
                        }
                    }, 1);
        }
    }

    /** {@code node} left or died: its callees are gone (control thread). */
    void dropNode(long node) {
        mirror.values().removeIf(r -> r.node() == node);
        ClusterRpc rpc = port;
        if (rpc != null) {
            rpc.dropNode(node);
        }
    }

    /** Every other node is out of reach: all of them are dropped (control thread). */
    void dropAll() {
        java.util.Set<Long> nodes = new java.util.HashSet<>();
        mirror.values().forEach(r -> nodes.add(r.node()));
        ClusterRpc rpc = port;
        if (rpc != null) {
            nodes.addAll(rpc.nodes());
        }
        nodes.forEach(this::dropNode);
    }

    /**
     * Removes a dead (or leaving) node's registrations from Redis, once its key in the realm is gone: false while
     * it is still there (the node is alive in the realm).
     */
    boolean forget(RedisClusterCommands<String, byte[]> redis, long node) {
        Long done = redis.eval(FORGET_NODE, ScriptOutputType.INTEGER,
                new String[] {regs(), regIds(), nodeRegs(node), cluster.realmNodeKey(realm, node)},
                utf8(prefix + ":{" + realm + "}:callees:"));
        return done != null && done == 1;
    }
}
