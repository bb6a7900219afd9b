package io.postmaster.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.router.Realm;
import io.postmaster.router.SessionDirectory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The sessions of one realm, cluster-wide, for the session meta procedures: each node keeps its own in
 * {@code pm:{realm}:sessions:<node>} (a hash: session ID → its authrole, a newline, and its details in MessagePack),
 * written as sessions join and leave (one command each, not waited for), renewed with the node's heartbeat and gone
 * with the node. A query reads the other live nodes' hashes in one Lua script (atomic, one round trip). What only
 * the nodes themselves can answer or do (kill their sessions, describe and revoke their subscriptions and callees)
 * is asked of them ({@link MetaRequests}).
 */
final class ClusterSessions implements SessionDirectory {
    private static final Logger LOG = Logger.getLogger(ClusterSessions.class.getName());
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);
    /**
     * KEYS: the nodes' hashes. ARGV: mode ({@code count}, {@code list}, {@code get}), the session (get) or the
     * authroles, space-separated ({@code ""}: all).
     */
    private static final String QUERY = """
            local mode = ARGV[1]
            if mode == 'get' then
              for _, k in ipairs(KEYS) do
                local v = redis.call('hget', k, ARGV[2])
                if v then return v end
              end
              return false
            end
            local roles = nil
            if ARGV[2] ~= '' then
              roles = {}
              for r in string.gmatch(ARGV[2], '%S+') do roles[r] = true end
            end
            local n = 0
            local ids = {}
            for _, k in ipairs(KEYS) do
              if roles == nil and mode == 'count' then
                n = n + redis.call('hlen', k)
              else
                local all = redis.call('hgetall', k)
                for i = 1, #all, 2 do
                  local v = all[i + 1]
                  local role = string.sub(v, 1, (string.find(v, '\\n', 1, true) or 1) - 1)
                  if roles == nil or roles[role] then
                    n = n + 1
                    if mode == 'list' then ids[#ids + 1] = all[i] end
                  end
                end
              end
            end
            if mode == 'count' then return n end
            return ids
            """;

    private final RedisCluster cluster;
    private final String realm;
    private final String prefix;

    ClusterSessions(RedisCluster cluster, String realm, String prefix) {
        this.cluster = cluster;
        this.realm = realm;
        this.prefix = prefix;
    }

    String key(long node) {
        return prefix + ":{" + realm + "}:sessions:" + node;
    }

    private static byte[] entry(String authrole, Map<String, Object> details) {
        byte[] role = (authrole == null ? "" : authrole.replace('\n', ' ')).getBytes(StandardCharsets.UTF_8);
        byte[] d = RelayCodec.details(details);
        byte[] out = Arrays.copyOf(role, role.length + 1 + d.length);
        out[role.length] = '\n';
        System.arraycopy(d, 0, out, role.length + 1, d.length);
        return out;
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
            c.async().hset(key(node), Long.toString(session), entry(authrole, details));
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
            c.async().hdel(key(node), Long.toString(session));
        } catch (RuntimeException e) {
            FAILED.log(() -> "cluster: a session could not be removed from Redis (" + e + ")");
        }
    }

    /**
     * Writes all of this node's sessions (on join, after which joins and leaves are written as they happen) and
     * removes what the hash holds of sessions gone meanwhile (control thread).
     */
    void publish(RedisClusterCommands<String, byte[]> redis, Realm r, long node, long ttlMs) {
        String key = key(node);
        for (var s : r.sessions()) {
            redis.hset(key, Long.toString(s.id()), entry(s.authrole(), Realm.metaDetails(s)));
        }
        for (String id : redis.hkeys(key)) {
            if (r.session(parse(id)) == null) {
                redis.hdel(key, id);
            }
        }
        redis.pexpire(key, ttlMs);
    }

    private static long parse(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------ queries

    private String[] otherNodes() {
        long[] nodes = cluster.otherNodes();
        String[] keys = new String[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            keys[i] = key(nodes[i]);
        }
        return keys;
    }

    @Override
    public void count(List<String> authroles, Answer<Long> answer) {
        query(ScriptOutputType.INTEGER, "count", roles(authroles), answer, out -> (Long) out);
    }

    @Override
    public void list(List<String> authroles, Answer<List<Long>> answer) {
        query(ScriptOutputType.MULTI, "list", roles(authroles), answer, out -> {
            List<Long> ids = new ArrayList<>();
            for (Object o : (List<?>) out) {
                ids.add(Long.parseLong(new String((byte[]) o, StandardCharsets.UTF_8)));
            }
            return ids;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public void get(long session, Answer<Map<String, Object>> answer) {
        query(ScriptOutputType.VALUE, "get", Long.toString(session), answer, out -> {
            if (!(out instanceof byte[] v)) {
                return null;
            }
            int nl = 0;
            while (nl < v.length && v[nl] != '\n') {
                nl++;
            }
            Publish p = RelayCodec.decode(Arrays.copyOfRange(v, Math.min(nl + 1, v.length), v.length));
            return p == null ? null : p.options();
        });
    }

    @Override
    public void ask(String op, List<Object> args, Answer<List<List<Object>>> answer) {
        if (cluster.link() == null) {
            answer.failed("Redis is not connected");
            return;
        }
        cluster.metaRequests().ask(realm, op, args, answer);
    }

    private static String roles(List<String> authroles) {
        if (authroles == null) {
            return "";
        }
        List<String> clean = authroles.stream().filter(r -> !r.isEmpty() && r.chars().noneMatch(Character::isWhitespace))
                .toList();
        return clean.isEmpty() ? " " : String.join(" ", clean); // " ": roles asked, none that a session can have
    }

    private <T> void query(ScriptOutputType type, String mode, String arg, Answer<T> answer,
                           java.util.function.Function<Object, T> read) {
        RedisLink c = cluster.link();
        String[] keys = otherNodes();
        if (c == null) {
            answer.failed("Redis is not connected");
            return;
        }
        if (keys.length == 0) {
            answer.ok(read.apply(mode.equals("count") ? (Object) 0L : mode.equals("list") ? List.of() : null));
            return;
        }
        try {
            c.async().<Object>eval(QUERY, type, keys, mode.getBytes(StandardCharsets.UTF_8),
                    arg.getBytes(StandardCharsets.UTF_8)).whenComplete((out, e) -> {
                        if (e != null) {
                            answer.failed(e.toString());
                            return;
                        }
                        T value;
                        try {
                            value = read.apply(out);
                        } catch (RuntimeException bad) {
                            answer.failed("an unreadable answer: " + bad);
                            return;
                        }
                        answer.ok(value);
                    });
        } catch (RuntimeException e) {
            answer.failed(e.toString());
        }
    }
}
