package io.postmaster.cluster;

import io.lettuce.core.ScriptOutputType;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.router.PublicationRelay.Stored;
import io.postmaster.router.SessionDirectory;
import io.postmaster.router.SubscriberFilter;
import io.postmaster.router.match.MatchPolicy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The retained events and event histories of one realm, kept in Redis for every node (per realm, hash tag
 * {@code {realm}}):
 * <ul>
 * <li>{@code pm:{realm}:retained} — hash: topic → the topic's retained event; {@code pm:{realm}:retained-bytes} —
 * the bytes it holds (topics and events). At most {@code postmaster.retained-max} topics and the realm's
 * {@code retained-max-bytes}: an event past either is not kept, and the topic's previous one is dropped (as on one
 * node).</li>
 * <li>{@code pm:{realm}:history:<topic>} — list of a topic's recorded events, oldest first, each {@code <seq> <event>};
 * {@code pm:{realm}:history-bytes:<topic>} — its bytes; {@code pm:{realm}:history-seq} — the realm's recording order.
 * At most the topic's configured number of events and the realm's {@code history-max-bytes}, the oldest dropped
 * first; only for the topics the operator configured ({@code postmaster.realm.<realm>.history}).</li>
 * </ul>
 * Each change is one Lua script (atomic, the bounds checked in Redis, so nodes writing at once cannot exceed them);
 * events are WAMP PUBLISH messages in MessagePack ({@link RelayCodec#stored}), their size counted as stored. Written by
 * the publisher's node without waiting; read by a node when a subscriber asks for retained events or history.
 */
final class ClusterStore {
    private static final Logger LOG = Logger.getLogger(ClusterStore.class.getName());
    private static final RateLimitedLog NOT_KEPT = new RateLimitedLog(LOG, Level.WARNING);

    /** KEYS: retained, retained-bytes. ARGV: topic, event, max topics, max bytes. 1 kept, 0 not. */
    private static final String RETAIN = """
            local old = redis.call('hget', KEYS[1], ARGV[1])
            local freed = 0
            if old then freed = #ARGV[1] + #old end
            local total = tonumber(redis.call('get', KEYS[2]) or '0')
            local size = #ARGV[1] + #ARGV[2]
            if (not old and redis.call('hlen', KEYS[1]) >= tonumber(ARGV[3])) or total - freed + size > tonumber(ARGV[4]) then
              if old then
                redis.call('hdel', KEYS[1], ARGV[1])
                redis.call('set', KEYS[2], total - freed)
              end
              return 0
            end
            redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
            redis.call('set', KEYS[2], total - freed + size)
            return 1
            """;
    /** KEYS: retained. ARGV: prefix or wildcard, the pattern. The events of the topics it may match. */
    private static final String RETAINED_MATCHING = """
            local p = ARGV[2]
            local pc = {}
            for c in string.gmatch(p .. '.', '([^.]*)%.') do pc[#pc + 1] = c end
            local function wild(t)
              local tc = {}
              for c in string.gmatch(t .. '.', '([^.]*)%.') do tc[#tc + 1] = c end
              if #pc ~= #tc then return false end
              for i = 1, #pc do
                if pc[i] ~= '' and pc[i] ~= tc[i] then return false end
              end
              return true
            end
            local out = {}
            local all = redis.call('hgetall', KEYS[1])
            for i = 1, #all, 2 do
              local t = all[i]
              local ok
              if ARGV[1] == 'prefix' then ok = string.sub(t, 1, #p) == p else ok = wild(t) end
              if ok then out[#out + 1] = all[i + 1] end
            end
            return out
            """;
    /** KEYS: history list, its bytes, the realm's sequence. ARGV: event, max events, max bytes. 1 kept, 0 not. */
    private static final String RECORD = """
            local seq = redis.call('incr', KEYS[3])
            local e = seq .. ' ' .. ARGV[1]
            local max = tonumber(ARGV[3])
            if #e > max then return 0 end
            redis.call('rpush', KEYS[1], e)
            local bytes = redis.call('incrby', KEYS[2], #e)
            local n = redis.call('llen', KEYS[1])
            while n > 0 and (n > tonumber(ARGV[2]) or bytes > max) do
              local old = redis.call('lpop', KEYS[1])
              n = n - 1
              bytes = redis.call('incrby', KEYS[2], -#old)
            end
            if n == 0 then redis.call('set', KEYS[2], 0) end
            return 1
            """;
    /** KEYS: the history lists. All their events. */
    private static final String READ = """
            local out = {}
            for _, k in ipairs(KEYS) do
              for _, e in ipairs(redis.call('lrange', k, 0, -1)) do out[#out + 1] = e end
            end
            return out
            """;

    private final RedisCluster cluster;
    private final String realm;
    private final String prefix;

    ClusterStore(RedisCluster cluster, String realm, String prefix) {
        this.cluster = cluster;
        this.realm = realm;
        this.prefix = prefix;
    }

    private String retainedKey() { return prefix + ":{" + realm + "}:retained"; }
    private String retainedBytesKey() { return prefix + ":{" + realm + "}:retained-bytes"; }
    private String historyKey(String topic) { return prefix + ":{" + realm + "}:history:" + topic; }
    private String historyBytesKey(String topic) { return prefix + ":{" + realm + "}:history-bytes:" + topic; }
    private String historySeqKey() { return prefix + ":{" + realm + "}:history-seq"; }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    void retain(String topic, long publication, Map<String, Object> details, List<Object> args,
                Map<String, Object> kwargs, SubscriberFilter filter, int maxTopics, long maxBytes) {
        RedisLink c = cluster.link();
        if (c == null) {
            return;
        }
        byte[] event = RelayCodec.stored(publication, topic, System.currentTimeMillis(), details, args, kwargs,
                filter == null ? null : filter.toMap());
        try {
            c.async().<Long>eval(RETAIN, ScriptOutputType.INTEGER, new String[] {retainedKey(), retainedBytesKey()},
                    utf8(topic), event, utf8(Integer.toString(maxTopics)), utf8(Long.toString(maxBytes)))
                    .whenComplete((kept, e) -> {
                        if (e != null || kept == null || kept != 1) {
                            NOT_KEPT.log(() -> "cluster: realm " + realm + ": a retained event on " + topic
                                    + " is not kept for the other nodes (" + (e != null ? e : maxTopics
                                    + " topics or " + maxBytes + " bytes are held: postmaster.retained-max, "
                                    + "retained-max-bytes") + ")");
                        }
                    });
        } catch (RuntimeException e) {
            NOT_KEPT.log(() -> "cluster: a retained event is not kept for the other nodes (" + e + ")");
        }
    }

    void record(String topic, long publication, Map<String, Object> details, List<Object> args,
                Map<String, Object> kwargs, SubscriberFilter filter, int limit, long maxBytes) {
        RedisLink c = cluster.link();
        if (c == null) {
            return;
        }
        byte[] event = RelayCodec.stored(publication, topic, System.currentTimeMillis(), details, args, kwargs,
                filter == null ? null : filter.toMap());
        try {
            c.async().<Long>eval(RECORD, ScriptOutputType.INTEGER,
                    new String[] {historyKey(topic), historyBytesKey(topic), historySeqKey()}, event,
                    utf8(Integer.toString(limit)), utf8(Long.toString(maxBytes))).whenComplete((kept, e) -> {
                        if (e != null || kept == null || kept != 1) {
                            NOT_KEPT.log(() -> "cluster: realm " + realm + ": an event on " + topic
                                    + " is not recorded in the cluster's history (" + (e != null ? e
                                    : "more than " + maxBytes + " bytes: postmaster.history-max-bytes") + ")");
                        }
                    });
        } catch (RuntimeException e) {
            NOT_KEPT.log(() -> "cluster: an event is not recorded in the cluster's history (" + e + ")");
        }
    }

    void retained(String topic, MatchPolicy policy, SessionDirectory.Answer<List<Stored>> answer) {
        RedisLink c = cluster.link();
        if (c == null) {
            answer.failed("Redis is not connected");
            return;
        }
        try {
            if (policy == MatchPolicy.EXACT) {
                c.async().hget(retainedKey(), topic).whenComplete((v, e) -> answer(v == null ? List.of() : List.of(v),
                        e, 0, answer));
            } else {
                c.async().<List<Object>>eval(RETAINED_MATCHING, ScriptOutputType.MULTI, new String[] {retainedKey()},
                        utf8(policy.wireName()), utf8(topic)).whenComplete((v, e) -> answer(v, e, 0, answer));
            }
        } catch (RuntimeException e) {
            answer.failed(e.toString());
        }
    }

    void history(List<String> topics, SessionDirectory.Answer<List<Stored>> answer) {
        RedisLink c = cluster.link();
        if (c == null) {
            answer.failed("Redis is not connected");
            return;
        }
        if (topics.isEmpty()) {
            answer.ok(List.of());
            return;
        }
        try {
            c.async().<List<Object>>eval(READ, ScriptOutputType.MULTI,
                    topics.stream().map(this::historyKey).toArray(String[]::new))
                    .whenComplete((v, e) -> answer(v, e, 1, answer));
        } catch (RuntimeException e) {
            answer.failed(e.toString());
        }
    }

    /** Decodes what Redis answered ({@code sequenced}: each value starts with its sequence number and a space). */
    @SuppressWarnings("unchecked")
    private static void answer(List<?> values, Throwable error, int sequenced, SessionDirectory.Answer<List<Stored>> a) {
        if (error != null) {
            a.failed(error.toString());
            return;
        }
        List<Stored> out = new ArrayList<>();
        for (Object o : values == null ? List.of() : values) {
            if (!(o instanceof byte[] v)) {
                continue;
            }
            long seq = 0;
            int from = 0;
            if (sequenced == 1) {
                int sp = 0;
                while (sp < v.length && v[sp] != ' ') {
                    sp++;
                }
                try {
                    seq = Long.parseLong(new String(v, 0, sp, StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    continue;
                }
                from = sp + 1;
            }
            Publish p = from >= v.length ? null : RelayCodec.decode(java.util.Arrays.copyOfRange(v, from, v.length));
            if (p == null || !(p.options().get("t") instanceof Long time)
                    || !(p.options().getOrDefault("details", Map.of()) instanceof Map<?, ?> details)) {
                NOT_KEPT.log(() -> "cluster: an unreadable kept event in Redis was skipped");
                continue;
            }
            Object filter = p.options().get("filter");
            out.add(new Stored(seq, time, p.request(), p.topic(), (Map<String, Object>) details, p.args(), p.kwargs(),
                    filter instanceof Map<?, ?> f ? SubscriberFilter.fromMap((Map<String, Object>) f) : null));
        }
        a.ok(out);
    }
}
