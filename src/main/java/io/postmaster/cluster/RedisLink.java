package io.postmaster.cluster;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.postmaster.config.ClusterConfig;

import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The connections of one node to its engine: a command connection and a pub/sub connection, to one Redis server
 * ({@code redis://}) or to a Redis Cluster ({@code redis-cluster://}). The rest of the cluster code speaks to either
 * through the commands both share ({@link RedisClusterCommands}: Lettuce routes each command by its first key's hash
 * slot on a Redis Cluster) and through two kinds of channel:
 * <ul>
 * <li><em>broadcast</em> channels ({@code pm:ctl}, {@code pm:reg}), which every node subscribes: PUBLISH/SUBSCRIBE
 * on both (on a Redis Cluster a PUBLISH reaches every shard, and its subscribers on any of them);</li>
 * <li><em>node</em> channels (a node's inboxes, {@code pm:n:<id>}, {@code pm:c:<id>}), which only their node
 * subscribes and which carry almost all the traffic: PUBLISH/SUBSCRIBE on one server, sharded pub/sub
 * (SPUBLISH/SSUBSCRIBE, Redis 7) on a Redis Cluster, so a message to a node is handled by the one shard that holds
 * its channel instead of being broadcast to every shard.</li>
 * </ul>
 * Lettuce reconnects both connections by itself and subscribes their channels again.
 */
abstract class RedisLink {
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** Commands, waiting for the answer (the control thread only). */
    abstract RedisClusterCommands<String, byte[]> sync();

    /** Commands, not waiting (any thread). */
    abstract RedisClusterAsyncCommands<String, byte[]> async();

    /** Whether the command connection is open now. */
    abstract boolean isOpen();

    /** Whether the pub/sub connection is open now. */
    abstract boolean pubSubOpen();

    /** Publishes to a node channel; the answer is the number of subscribers that received it. */
    abstract RedisFuture<Long> publishToNode(String channel, byte[] data);

    /** A message for a node channel, and whom to tell once Redis took it (failure null) or did not. */
    record Outgoing(String channel, byte[] data, BiConsumer<Outgoing, Throwable> done) {
    }

    /**
     * Publishes each message to its node channel, in order, as one batch where the connection allows it; every
     * message's {@code done} is told, also when the batch cannot be written at all.
     */
    void publishToNodes(List<Outgoing> batch) {
        for (Outgoing o : batch) {
            try {
                publishToNode(o.channel(), o.data()).whenComplete((n, e) -> o.done().accept(o, e));
            } catch (RuntimeException e) {
                o.done().accept(o, e);
            }
        }
    }

    /** Subscribes broadcast channels (waits for Redis). */
    abstract void subscribeBroadcast(String... channels);

    /** Subscribes this node's own channels (waits for Redis). */
    abstract void subscribeNode(String... channels);

    /**
     * Whether this node's own channels have a subscriber in the engine: on a Redis Cluster a sharded subscription is
     * held by the shard that owns the channel, and one that a failover or a resharding took away is found here (and
     * made again by the caller). On one server Lettuce's own resubscription suffices: always true.
     */
    abstract boolean nodeChannelsSubscribed(String... channels);

    /** Whether this is a Redis Cluster. */
    abstract boolean clustered();

    /** Closes the connections and the client. */
    abstract void shutdown();

    /**
     * Connects to the engine {@code config} names, or throws (the caller retries at its next heartbeat).
     *
     * @param received gets every message of a subscribed channel (channel, message), on Lettuce's I/O threads
     * @param states   told of every connection made and lost (also a Redis Cluster's connections to each shard)
     */
    static RedisLink connect(ClusterConfig config, ClientResources resources, BiConsumer<String, byte[]> received,
                             RedisConnectionStateListener states) {
        Duration timeout = Duration.ofMillis(config.nodeTtlMs());
        RedisPubSubAdapter<String, byte[]> listener = new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                received.accept(channel, message);
            }

            @Override
            public void smessage(String channel, byte[] message) {
                received.accept(channel, message);
            }
        };
        return config.redisCluster() ? cluster(config, resources, timeout, listener, states)
                : standalone(config, resources, timeout, listener, states);
    }

    private static ClientOptions.Builder options(ClientOptions.Builder b, ClusterConfig config, Duration timeout) {
        return b.autoReconnect(true)
                // While disconnected, commands fail at once instead of piling up: a publication is then not
                // relayed (at most once), and nothing waits.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(config.outQueue() + RedisCluster.CONTROL_QUEUE)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build());
    }

    private static void closeOnFailure(AbstractRedisClient client, RuntimeException e) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        throw e;
    }

    // ------------------------------------------------------------------------------------------ one server

    private static RedisLink standalone(ClusterConfig config, ClientResources resources, Duration timeout,
                                        RedisPubSubAdapter<String, byte[]> listener,
                                        RedisConnectionStateListener states) {
        RedisURI uri = RedisURI.create(config.redis());
        uri.setTimeout(timeout);
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(options(ClientOptions.builder(), config, timeout).build());
        client.addListener(states);
        try {
            StatefulRedisConnection<String, byte[]> commands = client.connect(CODEC);
            StatefulRedisPubSubConnection<String, byte[]> pubsub = client.connectPubSub(CODEC);
            pubsub.addListener(listener);
            return new Standalone(client, commands, pubsub);
        } catch (RuntimeException e) {
            closeOnFailure(client, e);
            return null;
        }
    }

    private static final class Standalone extends RedisLink {
        private final RedisClient client;
        private final StatefulRedisConnection<String, byte[]> commands;
        private final StatefulRedisPubSubConnection<String, byte[]> pubsub;

        Standalone(RedisClient client, StatefulRedisConnection<String, byte[]> commands,
                   StatefulRedisPubSubConnection<String, byte[]> pubsub) {
            this.client = client;
            this.commands = commands;
            this.pubsub = pubsub;
        }

        @Override RedisClusterCommands<String, byte[]> sync() { return commands.sync(); }
        @Override RedisClusterAsyncCommands<String, byte[]> async() { return commands.async(); }
        @Override boolean isOpen() { return commands.isOpen(); }
        @Override boolean pubSubOpen() { return pubsub.isOpen(); }
        @Override boolean clustered() { return false; }

        /**
         * On the pub/sub connection where Redis speaks RESP3 to it (Redis 6 and later), which lets a subscribed
         * connection run commands: the answers and the messages from other nodes then arrive on one socket, read
         * together by one event loop. Under RESP2 a subscribed connection may not publish: the command connection.
         */
        @Override
        RedisFuture<Long> publishToNode(String channel, byte[] data) {
            return pubsub instanceof StatefulRedisConnectionImpl<?, ?> c && c.getConnectionState()
                    .getNegotiatedProtocolVersion() == ProtocolVersion.RESP3
                    ? pubsub.async().publish(channel, data) : commands.async().publish(channel, data);
        }

        /** Under RESP3 on the pub/sub connection as one dispatch: one task for its event loop, one write. */
        @Override
        @SuppressWarnings("unchecked")
        void publishToNodes(List<Outgoing> batch) {
            if (batch.size() < 2 || !(pubsub instanceof StatefulRedisConnectionImpl<?, ?> c) || c.getConnectionState()
                    .getNegotiatedProtocolVersion() != ProtocolVersion.RESP3) {
                super.publishToNodes(batch);
                return;
            }
            List<RedisCommand<String, byte[], ?>> commands = new ArrayList<>(batch.size());
            for (Outgoing o : batch) {
                AsyncCommand<String, byte[], Long> cmd = new AsyncCommand<>(new Command<>(CommandType.PUBLISH,
                        new IntegerOutput<>(CODEC), new CommandArgs<>(CODEC).addKey(o.channel()).addValue(o.data())));
                cmd.whenComplete((n, e) -> o.done().accept(o, e));
                commands.add(cmd);
            }
            try {
                ((StatefulRedisConnectionImpl<String, byte[]>) c).dispatch(commands);
            } catch (RuntimeException e) {
                for (RedisCommand<String, byte[], ?> cmd : commands) {
                    cmd.completeExceptionally(e); // each told once: a completed command ignores this
                }
            }
        }

        @Override
        void subscribeBroadcast(String... channels) {
            pubsub.sync().subscribe(channels);
        }

        @Override
        void subscribeNode(String... channels) {
            pubsub.sync().subscribe(channels);
        }

        @Override
        boolean nodeChannelsSubscribed(String... channels) {
            return true;
        }

        @Override
        void shutdown() {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    // ------------------------------------------------------------------------------------------ Redis Cluster

    private static RedisLink cluster(ClusterConfig config, ClientResources resources, Duration timeout,
                                     RedisPubSubAdapter<String, byte[]> listener,
                                     RedisConnectionStateListener states) {
        List<RedisURI> seeds = new ArrayList<>();
        for (URI seed : config.seeds()) {
            RedisURI uri = RedisURI.create(seed);
            uri.setTimeout(timeout);
            seeds.add(uri);
        }
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        client.setOptions(((ClusterClientOptions.Builder) options(ClusterClientOptions.builder(), config, timeout))
                // A failover or a resharding is learnt from the MOVED/ASK answers and lost connections at once, and
                // checked every 30 s besides.
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .enableAllAdaptiveRefreshTriggers()
                        .build())
                .build());
        client.addListener(states);
        try {
            StatefulRedisClusterConnection<String, byte[]> commands = client.connect(CODEC);
            StatefulRedisClusterPubSubConnection<String, byte[]> pubsub = client.connectPubSub(CODEC);
            pubsub.addListener(listener);
            return new Cluster(client, commands, pubsub);
        } catch (RuntimeException e) {
            closeOnFailure(client, e);
            return null;
        }
    }

    private static final class Cluster extends RedisLink {
        private final RedisClusterClient client;
        private final StatefulRedisClusterConnection<String, byte[]> commands;
        private final StatefulRedisClusterPubSubConnection<String, byte[]> pubsub;

        Cluster(RedisClusterClient client, StatefulRedisClusterConnection<String, byte[]> commands,
                StatefulRedisClusterPubSubConnection<String, byte[]> pubsub) {
            this.client = client;
            this.commands = commands;
            this.pubsub = pubsub;
        }

        @Override RedisClusterCommands<String, byte[]> sync() { return commands.sync(); }
        @Override RedisClusterAsyncCommands<String, byte[]> async() { return commands.async(); }
        @Override boolean isOpen() { return commands.isOpen(); }
        @Override boolean pubSubOpen() { return pubsub.isOpen(); }
        @Override boolean clustered() { return true; }

        @Override
        RedisFuture<Long> publishToNode(String channel, byte[] data) {
            return commands.async().spublish(channel, data); // to the shard that owns the channel's slot
        }

        @Override
        void subscribeBroadcast(String... channels) {
            pubsub.sync().subscribe(channels);
        }

        @Override
        void subscribeNode(String... channels) {
            for (String channel : channels) { // one at a time: each to the shard that owns its slot
                pubsub.sync().ssubscribe(channel);
            }
        }

        @Override
        boolean nodeChannelsSubscribed(String... channels) {
            for (String channel : channels) {
                Map<String, Long> n = commands.sync().pubsubShardNumsub(channel); // asked of the channel's shard
                Long count = n.get(channel);
                if (count == null || count < 1) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void shutdown() {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** A listener of connection states: {@code connected(true)} when one is made, {@code false} when one is lost. */
    static RedisConnectionStateListener states(java.util.function.Consumer<Boolean> connected) {
        return new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> ch, SocketAddress address) {
                connected.accept(true);
            }

            @Override
            public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> ch) {
                connected.accept(false);
            }
        };
    }
}
