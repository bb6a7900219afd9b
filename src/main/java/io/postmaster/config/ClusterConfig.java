package io.postmaster.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Scale-out: whether this node shares routing with others through Redis, and the bounds of that link. Unset
 * {@code postmaster.cluster.redis} (the default) means a single node: no Redis client is loaded or connected.
 *
 * @param redis         the Redis (or Valkey) server, {@code redis://[[user]:password@]host[:port][/db]} or
 *                      {@code rediss://…} for TLS; or a Redis Cluster, {@code redis-cluster://[[user]:password@]host:port[,
 *                      host:port…]} (some of its masters, to learn the rest from) or {@code rediss-cluster://…} for TLS;
 *                      null for a single node
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

    /** The schemes of a Redis Cluster: seeds, comma-separated. */
    private static final String CLUSTER_SCHEME = "redis-cluster";
    private static final String CLUSTER_TLS_SCHEME = "rediss-cluster";

    public ClusterConfig {
        if (redis != null) {
            String scheme = scheme(redis);
            boolean ok = switch (scheme) {
                case "redis", "rediss" -> redis.getHost() != null;
                case CLUSTER_SCHEME, CLUSTER_TLS_SCHEME -> validSeeds(redis);
                default -> false;
            };
            if (!ok) {
                throw new IllegalArgumentException(REDIS + " must be redis://host[:port] or rediss://host[:port] "
                        + "(with an optional user:password@ and /database), or for a Redis Cluster "
                        + "redis-cluster://host:port[,host:port…] or rediss-cluster://… (with an optional "
                        + "user:password@), got " + redacted(redis));
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

    /** Whether {@link #redis} names a Redis Cluster ({@code redis-cluster://}, {@code rediss-cluster://}). */
    public boolean redisCluster() {
        return redis != null && scheme(redis).endsWith("-cluster");
    }

    /**
     * The Redis Cluster's seed nodes as single-server URIs ({@code redis://[userinfo@]host:port}, {@code rediss://} for
     * TLS), each with the user and password given; empty when {@link #redis} is not a Redis Cluster.
     */
    public List<URI> seeds() {
        if (!redisCluster()) {
            return List.of();
        }
        String authority = redis.getRawAuthority();
        int at = authority.lastIndexOf('@');
        String info = at < 0 ? "" : authority.substring(0, at + 1);
        String single = scheme(redis).equals(CLUSTER_TLS_SCHEME) ? "rediss" : "redis";
        List<URI> out = new ArrayList<>();
        for (String hostPort : authority.substring(at + 1).split(",")) {
            out.add(URI.create(single + "://" + info + hostPort.trim()));
        }
        return out;
    }

    private static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    /** A Redis Cluster's authority: {@code [userinfo@]host:port[,host:port…]}, each seed with its port. */
    private static boolean validSeeds(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty() || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            return false;
        }
        String hosts = authority.substring(authority.lastIndexOf('@') + 1);
        for (String hostPort : hosts.split(",", -1)) {
            try {
                URI seed = new URI("redis://" + hostPort.trim());
                if (seed.getHost() == null || seed.getPort() < 1) {
                    return false;
                }
            } catch (URISyntaxException e) {
                return false;
            }
        }
        return true;
    }

    /** The Redis URI with its password hidden, for logs and messages. */
    public static String redacted(URI uri) {
        if (uri == null) {
            return "(none)";
        }
        String info = uri.getRawUserInfo();
        if (info == null && uri.getRawAuthority() != null && uri.getRawAuthority().lastIndexOf('@') >= 0) {
            info = uri.getRawAuthority().substring(0, uri.getRawAuthority().lastIndexOf('@')); // a cluster's seeds
        }
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
                throw new IllegalArgumentException(REDIS + " is not a URI (redis://host:port, or "
                        + "redis-cluster://host:port[,host:port…] for a Redis Cluster)");
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
