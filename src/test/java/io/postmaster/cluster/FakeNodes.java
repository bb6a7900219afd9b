package io.postmaster.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Live cluster nodes that exist only in Redis, for measuring what the session meta procedures cost over many
 * sessions: each with its node keys (which never expire) and its sessions written as a node writes them — the
 * sessions hash and its counts per authrole. One session in {@code guestEvery} has authrole {@code guest}, the others
 * {@code user}. They answer no request: the real nodes see them, count and read their sessions in Redis.
 */
final class FakeNodes {
    /**
     * KEYS: the sessions hash, the counts. ARGV: the first session ID, how many, one guest in how many, a user's
     * entry, a guest's entry.
     */
    private static final String FILL = """
            local first, n, k = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
            local users, guests = 0, 0
            for i = 0, n - 1 do
              if i % k == 0 then
                redis.call('hset', KEYS[1], tostring(first + i), ARGV[5])
                guests = guests + 1
              else
                redis.call('hset', KEYS[1], tostring(first + i), ARGV[4])
                users = users + 1
              end
            end
            redis.call('hset', KEYS[2], 'user', users, 'guest', guests)
            return users + guests
            """;

    private FakeNodes() {
    }

    /** The ID of fake node {@code f} (1, 2, …). */
    static long node(int f) {
        return 9_000_000_000L + f;
    }

    /** The first session ID of fake node {@code f}: a guest's; the next is a user's. */
    static long firstSession(int f) {
        return f * 10_000_000L;
    }

    /** Writes {@code nodes} fake nodes of {@code perNode} sessions each (one script per node); returns the sessions. */
    static long fill(RedisCommands<String, byte[]> r, int nodes, int perNode, int guestEvery) {
        long total = 0;
        for (int f = 1; f <= nodes; f++) {
            long node = node(f);
            Long n = r.eval(FILL, ScriptOutputType.INTEGER, new String[] {"pm:{realm1}:sessions:" + node,
                    "pm:{realm1}:roles:" + node}, utf8(firstSession(f)), utf8(perNode), utf8(guestEvery),
                    entry("user", firstSession(f) + 1), entry("guest", firstSession(f)));
            total += n;
            r.set("pm:node:" + node, utf8("alive"));
            r.set("pm:{realm1}:node:" + node, utf8("alive"));
            r.sadd("pm:nodes", utf8(node));
        }
        return total;
    }

    /** A session hash entry: the authrole, a newline, details like a WebSocket session's (~200 bytes). */
    static byte[] entry(String role, long session) {
        byte[] r = (role + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] d = RelayCodec.details(Map.of("session", session, "authid", "fake", "authrole", role,
                "authmethod", "anonymous", "authprovider", "static", "transport", Map.of("type", "websocket",
                        "protocol", "wamp.2.json", "http_headers_received", Map.of("user-agent",
                                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"))));
        byte[] out = new byte[r.length + d.length];
        System.arraycopy(r, 0, out, 0, r.length);
        System.arraycopy(d, 0, out, r.length, d.length);
        return out;
    }

    static byte[] utf8(Object o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }
}
