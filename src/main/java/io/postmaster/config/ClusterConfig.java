package io.postmaster.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.Function;

/**
 * Scale-out: whether this node shares routing with others through Redis, and the bounds of that link. Unset
 * {@code postmaster.cluster.redis} (the default) means a single node: no Redis client is loaded or connected.
 *
 * @param redis         the Redis (or Valkey) server, {@code redis://[[user]:password@]host[:port][/db]} or
 *                      {@code rediss://…} for TLS; null for a single node
 * @param keyPrefix     the first component of every key and channel, so several clusters can share one Redis
 * @param nodeTtlMs     how long a node's liveness key lives without a heartbeat: a node silent this long is dead to
 *                      the others (its interest dropped, its keys expire)
 * @param heartbeatMs   how often a node renews its keys and looks for dead ones
 * @param outQueue      publications to other nodes that may wait for Redis at once; past it (Redis slow or gone) a
 *                      publication is not relayed, with a rate-limited warning (local delivery is unaffected)
 * @param outQueueBytes the same bound in bytes
 * @param inQueue       publications from other nodes that may wait for local delivery; past it one is dropped, with
 *                      a rate-limited warning
 * @param inQueueBytes  the same bound in bytes
 * @param maxRelayBytes the largest publication accepted from another node; a bigger one is dropped and logged
 */
public record ClusterConfig(URI redis, String keyPrefix, int nodeTtlMs, int heartbeatMs, int outQueue,
                            long outQueueBytes, int inQueue, long inQueueBytes, int maxRelayBytes) {

    public static final String REDIS = "postmaster.cluster.redis";
    public static final String KEY_PREFIX = "postmaster.cluster.key-prefix";
    public static final String NODE_TTL_MS = "postmaster.cluster.node-ttl-ms";
    public static final String HEARTBEAT_MS = "postmaster.cluster.heartbeat-ms";
    public static final String OUT_QUEUE = "postmaster.cluster.out-queue";
    public static final String OUT_QUEUE_BYTES = "postmaster.cluster.out-queue-bytes";
    public static final String IN_QUEUE = "postmaster.cluster.in-queue";
    public static final String IN_QUEUE_BYTES = "postmaster.cluster.in-queue-bytes";

    public ClusterConfig {
        if (redis != null) {
            String scheme = redis.getScheme() == null ? "" : redis.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("redis") && !scheme.equals("rediss") || redis.getHost() == null) {
                throw new IllegalArgumentException(REDIS + " must be redis://host[:port] or rediss://host[:port] "
                        + "(with an optional user:password@ and /database), got " + redacted(redis));
            }
        }
        if (keyPrefix == null || keyPrefix.isEmpty() || !keyPrefix.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException(KEY_PREFIX + " must be letters, digits, '-' or '_', got '" + keyPrefix
                    + "'");
        }
        if (heartbeatMs < 100) {
            throw new IllegalArgumentException(HEARTBEAT_MS + " must be at least 100, got " + heartbeatMs);
        }
        if (nodeTtlMs < 2 * heartbeatMs) {
            throw new IllegalArgumentException(NODE_TTL_MS + " (" + nodeTtlMs + ") must be at least twice "
                    + HEARTBEAT_MS + " (" + heartbeatMs + ")");
        }
        if (outQueue < 1 || inQueue < 1) {
            throw new IllegalArgumentException(OUT_QUEUE + " and " + IN_QUEUE + " must be positive");
        }
        if (outQueueBytes < maxRelayBytes || inQueueBytes < maxRelayBytes) {
            throw new IllegalArgumentException(OUT_QUEUE_BYTES + " and " + IN_QUEUE_BYTES
                    + " must be at least the largest relayed publication (" + maxRelayBytes + " bytes)");
        }
    }

    /** Whether this node is one of a cluster. */
    public boolean enabled() {
        return redis != null;
    }

    /** The Redis URI with its password hidden, for logs and messages. */
    public static String redacted(URI uri) {
        if (uri == null) {
            return "(none)";
        }
        String info = uri.getRawUserInfo();
        return info == null ? uri.toString() : uri.toString().replace(info + "@", "***@");
    }

    /**
     * The settings from {@code lookup}.
     *
     * @param maxMessageSize the largest WAMP message a client may send ({@code postmaster.max-message-size}): a
     *                       relayed publication is at most about that big
     */
    public static ClusterConfig from(Function<String, String> lookup, int maxMessageSize) {
        String value = PostmasterConfig.value(lookup, REDIS, "");
        URI redis = null;
        if (!value.isEmpty()) {
            try {
                redis = new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(REDIS + " is not a URI (redis://host:port)");
            }
        }
        // A publication's topic, options and payload fit in a client message; details and the filter add a little.
        int maxRelay = maxMessageSize + 64 * 1024;
        return new ClusterConfig(redis, PostmasterConfig.value(lookup, KEY_PREFIX, "pm"),
                PostmasterConfig.intValue(lookup, NODE_TTL_MS, 3_000),
                PostmasterConfig.intValue(lookup, HEARTBEAT_MS, 1_000),
                PostmasterConfig.intValue(lookup, OUT_QUEUE, 10_000),
                PostmasterConfig.longValue(lookup, OUT_QUEUE_BYTES, 64L << 20),
                PostmasterConfig.intValue(lookup, IN_QUEUE, 10_000),
                PostmasterConfig.longValue(lookup, IN_QUEUE_BYTES, 64L << 20),
                maxRelay);
    }
}
