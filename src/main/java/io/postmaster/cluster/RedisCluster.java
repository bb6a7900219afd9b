package io.postmaster.cluster;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.postmaster.config.ClusterBounds;
import io.postmaster.config.ClusterConfig;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.Ids;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.router.Backplane;
import io.postmaster.router.PublicationRelay;
import io.postmaster.router.Realm;
import io.postmaster.router.Router;
import io.postmaster.router.SubscriberFilter;
import io.postmaster.router.match.MatchPolicy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One node of a Postmaster cluster over Redis: the {@link Backplane} that makes session IDs disjoint across nodes
 * and relays publications to the nodes that have subscribers for them. See the package doc for the keys, channels,
 * threads and guarantees.
 *
 * <p>Life cycle: {@link #start} (no I/O yet), then the {@link Router} is built with it, then {@link #attach} (the
 * node connects and joins in the background, retrying while Redis is unreachable), {@link #close} at the end (the
 * node leaves: its keys are deleted and the others told).
 */
public final class RedisCluster implements Backplane, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisCluster.class.getName());
    private static final RateLimitedLog UNAVAILABLE = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog NOT_RELAYED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog NOT_DELIVERED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog CONTROL_FAILED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog ASKS_EVERYTHING = new RateLimitedLog(LOG, Level.WARNING);
    /** Control messages from other nodes that may wait for the control thread; past it, all interest is reloaded. */
    static final int CONTROL_QUEUE = 100_000;
    /** Renews the slot's expiry if this node still holds it: 1, else 0. */
    private static final String RENEW_SLOT = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    /** Takes a slot that is free or already this node's: 1, else 0. */
    private static final String CLAIM_SLOT = "local v = redis.call('get', KEYS[1]) "
            + "if v == false or v == ARGV[1] then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 "
            + "else return 0 end";

    private final ClusterConfig config;
    private final ClusterBounds bounds;
    private final List<String> realms;
    private final String prefix;
    private final SessionIds ids = new SessionIds();
    private final Map<String, RemoteInterest> interest = new LinkedHashMap<>();
    /** Per realm: what this node's subscribers want, as announced to the others (control thread only). */
    private final Map<String, LocalInterest> localInterest = new LinkedHashMap<>();
    /** Per realm: the cluster-wide registration table and calls across nodes. */
    private final Map<String, ClusterDealer> dealers = new LinkedHashMap<>();
    /** Per realm: the sessions of every node, for the meta API. */
    private final Map<String, ClusterSessions> sessions = new LinkedHashMap<>();
    /** Meta requests to the other nodes and their answers. */
    private final MetaRequests metaRequests = new MetaRequests(this);
    /** The other live nodes, as the control thread last knew them (read by queries on any thread). */
    private volatile long[] otherNodes = new long[0];
    private final ScheduledThreadPoolExecutor control;
    private final Thread inboundThread;
    private final BlockingQueue<byte[]> inbound;
    private final AtomicLong inboundBytes = new AtomicLong();
    private final AtomicInteger outCount = new AtomicInteger();
    private final AtomicLong outBytes = new AtomicLong();
    private final AtomicInteger controlPending = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    /** Messages to other nodes' inboxes that event-loop threads queued during their current pass (see send). */
    private final java.util.concurrent.ConcurrentLinkedQueue<RedisLink.Outgoing> passQueue =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean passFlushQueued =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final Runnable passFlush = this::flushPass;
    /** Told of each message to another node's inbox once Redis took it or did not (one for all messages). */
    private final java.util.function.BiConsumer<RedisLink.Outgoing, Throwable> sentCallback = this::sent;
    /** Publications received from other nodes (delivered or not). */
    private final AtomicLong relayedIn = new AtomicLong();
    /** Heartbeats that could not reach Redis. */
    private final AtomicLong failedHeartbeats = new AtomicLong();

    private volatile Router router;
    private ClientResources resources;
    /** The connections to the engine (one server or a Redis Cluster), null before the first connect. */
    private volatile RedisLink link;
    /** This node's ID (random, claimed with SET NX), 0 before the first join. Control thread writes. */
    private volatile long nodeId;
    /** Slots of the call inboxes' names {@link #sendToNode} remembers, instead of naming one per message. */
    private static final int INBOX_NAMES = 64;
    private final Named[] callInboxes = new Named[INBOX_NAMES];
    /** This node's call inbox, named once its ID is known (compared with every message received). */
    private volatile String ownCallInbox = "";
    /** The channels every node subscribes. */
    private final String controlChannel;
    private final String registrationChannel;
    /** This node's session-ID slot, 0 before the first join. */
    private volatile int slot;
    /** Whether the node is joined: its keys are in Redis and it receives and relays publications. */
    private volatile boolean joined;
    /** Local interest must be published again in full (a change could not be sent, or too many waited). */
    private volatile boolean resync;
    /** The other nodes' interest must be reloaded in full (too many control messages waited). */
    private volatile boolean reload;
    /** The other live nodes known (control thread only). */
    private final Set<Long> peers = new HashSet<>();
    private volatile boolean closed;
    /** A connection to Redis was lost and made again since the last join: messages may have been lost meanwhile. */
    private volatile boolean reconnected;
    /** A connection to Redis was lost since the last join. */
    private volatile boolean disconnected;
    /** Whether this node has said in the log that Redis is unavailable (control thread only). */
    private boolean toldUnavailable;

    private RedisCluster(ClusterConfig config, ClusterBounds bounds, List<String> realms) {
        this.config = config;
        this.bounds = bounds;
        this.realms = realms;
        this.prefix = config.keyPrefix();
        this.controlChannel = prefix + ":ctl";
        this.registrationChannel = ClusterDealer.channel(prefix);
        realms.forEach(r -> interest.put(r, new RemoteInterest()));
        realms.forEach(r -> localInterest.put(r, new LocalInterest()));
        realms.forEach(r -> dealers.put(r, new ClusterDealer(this, r, prefix, bounds)));
        realms.forEach(r -> sessions.put(r, new ClusterSessions(this, r, prefix)));
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        this.control = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "postmaster-cluster");
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        });
        control.setRemoveOnCancelPolicy(true);
        this.inbound = new ArrayBlockingQueue<>(config.inQueue());
        this.inboundThread = new Thread(this::deliverInbound, "postmaster-cluster-in");
        inboundThread.setDaemon(true);
        inboundThread.setContextClassLoader(loader);
    }

    /** The cluster node for these settings; nothing is connected until {@link #attach}. */
    public static RedisCluster start(PostmasterConfig config) {
        if (!config.cluster().enabled()) {
            throw new IllegalArgumentException(ClusterConfig.REDIS + " is not set");
        }
        return new RedisCluster(config.cluster(), config.clusterBounds(), List.copyOf(config.realms().keySet()));
    }

    /** Starts delivering to {@code router} and joining the cluster in the background. */
    public void attach(Router router) {
        this.router = router;
        dealers.forEach((name, d) -> {
            Realm realm = router.realm(name);
            if (realm != null && realm.clusterRpc() != null) {
                d.attach(realm.clusterRpc());
            }
        });
        inboundThread.start();
        control.scheduleWithFixedDelay(this::tick, 0, config.heartbeatMs(), TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean clustered() {
        return true;
    }

    /** Whether this node is joined to the cluster right now (its health as a cluster member). */
    @Override
    public boolean joined() {
        return joined;
    }

    /** This node's ID in the cluster, 0 before it first joined. */
    @Override
    public long nodeId() {
        return nodeId;
    }

    /** Publications not relayed or not delivered because a bound was hit or Redis was unavailable. */
    public long dropped() {
        return dropped.get();
    }

    /** Publications received from other nodes so far. */
    long relayedIn() {
        return relayedIn.get();
    }

    /** Heartbeats so far that could not reach Redis (to connect, join or renew). */
    long failedHeartbeats() {
        return failedHeartbeats.get();
    }

    /** This node's session-ID slot, 0 before it first joined. */
    int slot() {
        return slot;
    }

    /** Whether {@code node} asks this node for every publication of {@code realm} (asked on the control thread). */
    boolean remoteWantsEverything(String realm, long node) throws Exception {
        return control.submit(() -> interest.get(realm).wantsEverything(node)).get(5, TimeUnit.SECONDS);
    }

    /** How many topics and patterns of {@code node} in {@code realm} this node knows (asked on the control thread). */
    int remoteInterest(String realm, long node) throws Exception {
        return control.submit(() -> interest.get(realm).size(node)).get(5, TimeUnit.SECONDS);
    }

    /** Stops as a killed process would: no leaving, keys left to expire. */
    void crash() {
        closed = true;
        joined = false;
        control.shutdownNow();
        inboundThread.interrupt();
        if (link != null) {
            link.shutdown();
        }
        if (resources != null) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------------------------------ Backplane

    @Override
    public long sessionIdCandidate() {
        return ids.next(slot);
    }

    @Override
    public io.postmaster.router.RpcBackplane rpc(String realm) {
        return dealers.get(realm);
    }

    /** Whether this node has left (or crashed, in tests). */
    boolean closed() {
        return closed;
    }

    @Override
    public io.postmaster.router.SessionDirectory sessions(String realm) {
        return sessions.get(realm);
    }

    /** The other live nodes this node knows of. */
    long[] otherNodes() {
        return otherNodes;
    }

    /** Takes a snapshot of {@link #peers} for the queries (control thread, after each change). */
    private void peersChanged() {
        otherNodes = peers.stream().mapToLong(Long::longValue).toArray();
    }

    /** The connections to Redis, or null before the first connect. */
    RedisLink link() {
        return link;
    }

    /** The meta requests between this node and the others. */
    MetaRequests metaRequests() {
        return metaRequests;
    }

    /** How long a node may be silent before the others declare it dead. */
    int nodeTtlMs() {
        return config.nodeTtlMs();
    }

    /** Runs {@code task} on the control thread after {@code ms}. */
    java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long ms) {
        return control.schedule(task, ms, TimeUnit.MILLISECONDS);
    }

    /** Hands a message of a call to {@code node}'s inbox; false if it could not be (see {@link #send}). */
    boolean sendToNode(long node, byte[] data) {
        int i = (int) (node ^ (node >>> 32)) & (INBOX_NAMES - 1);
        Named n = callInboxes[i];
        if (n == null || n.node != node) {
            n = new Named(node, callInbox(node));
            callInboxes[i] = n; // a slot another node's name may take again: the cache stays this size
        }
        return send(n.channel, data);
    }

    /** A node's call inbox by name, as {@link #sendToNode} remembers it (immutable: racing writers are harmless). */
    private record Named(long node, String channel) {
    }

    @Override
    public PublicationRelay relay(String realm) {
        RemoteInterest remote = interest.get(realm);
        ClusterStore store = new ClusterStore(this, realm, prefix);
        return new PublicationRelay() {
            @Override
            public boolean stores() {
                return joined;
            }

            @Override
            public void retain(String realmName, String topic, long publication, Map<String, Object> details,
                               List<Object> args, Map<String, Object> kwargs, SubscriberFilter filter, int maxTopics,
                               long maxBytes) {
                store.retain(topic, publication, details, args, kwargs, filter, maxTopics, maxBytes);
            }

            @Override
            public void record(String realmName, String topic, long publication, Map<String, Object> details,
                               List<Object> args, Map<String, Object> kwargs, SubscriberFilter filter, int limit,
                               long maxBytes) {
                store.record(topic, publication, details, args, kwargs, filter, limit, maxBytes);
            }

            @Override
            public void retained(String realmName, String topic, MatchPolicy policy,
                                 io.postmaster.router.SessionDirectory.Answer<List<Stored>> answer) {
                store.retained(topic, policy, answer);
            }

            @Override
            public void history(String realmName, List<String> topics,
                                io.postmaster.router.SessionDirectory.Answer<List<Stored>> answer) {
                store.history(topics, answer);
            }

            @Override
            public void publish(String realmName, String topic, long publication, Map<String, Object> details,
                                List<Object> args, Map<String, Object> kwargs, SubscriberFilter filter) {
                if (!joined || remote.isEmpty()) {
                    return;
                }
                byte[][] data = new byte[1][];
                remote.forEachNode(topic, node -> {
                    if (data[0] == null) {
                        data[0] = RelayCodec.publication(realmName, topic, publication, details, args, kwargs,
                                filter == null ? null : filter.toMap());
                    }
                    send(inbox(node), data[0]);
                });
            }

            @Override
            public void interest(String realmName, String topic, MatchPolicy policy, boolean on) {
                if (controlPending.incrementAndGet() > CONTROL_QUEUE) {
                    controlPending.decrementAndGet();
                    resync = true; // the next heartbeat publishes the full state instead
                    return;
                }
                onControl(() -> {
                    controlPending.decrementAndGet();
                    localInterest(realmName, topic, policy, on);
                });
            }
        };
    }

    /** Queues work for the control thread; after {@link #close} it is dropped (called under the broker's monitor). */
    private void onControl(Runnable task) {
        try {
            control.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing to tell anyone any more
        }
    }

    // ------------------------------------------------------------------------------------------ keys and channels

    String nodeKey(long node) { return prefix + ":node:" + node; }
    /** A node is alive in a realm while this key is: in the realm's hash slot, for the realm's scripts to check. */
    String realmNodeKey(String realm, long node) { return prefix + ":{" + realm + "}:node:" + node; }
    private String slotKey(int s) { return prefix + ":slot:" + s; }
    private String nodesKey() { return prefix + ":nodes"; }
    private String interestKey(String realm, long node) { return prefix + ":{" + realm + "}:interest:" + node; }
    private String controlChannel() { return controlChannel; }
    private String inbox(long node) { return prefix + ":n:" + node; }
    private String callInbox(long node) { return prefix + ":c:" + node; }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------ relaying

    /**
     * Publishes to another node's inbox, asynchronously, within the outbound bounds: with Redis slow or gone a
     * publication is not relayed (at most once), never waited for.
     *
     * <p>Sent from an event-loop thread (XNIO's I/O threads are {@link Executor}s, as {@code WebSocketPeer} uses them
     * too), a message waits until that thread has finished its pass — reading and routing everything that arrived
     * at once — and goes to Lettuce with the others of the pass as one batch: one task for its event loop instead of
     * one per message. From any other thread it goes at once, after whatever a pass has left queued (in order).
     */
    private boolean send(String channel, byte[] data) {
        RedisLink c = link;
        if (c == null || !c.isOpen()) {
            notRelayed("Redis is not connected");
            return false;
        }
        if (outCount.incrementAndGet() > config.outQueue()
                | outBytes.addAndGet(data.length) > config.outQueueBytes()) {
            outCount.decrementAndGet();
            outBytes.addAndGet(-data.length);
            notRelayed(config.outQueue() + " publications or " + config.outQueueBytes() + " bytes wait for Redis ("
                    + ClusterConfig.OUT_QUEUE + ", " + ClusterConfig.OUT_QUEUE_BYTES + ")");
            return false;
        }
        RedisLink.Outgoing out = new RedisLink.Outgoing(channel, data, sentCallback);
        if (Thread.currentThread() instanceof Executor loop) {
            passQueue.add(out);
            if (passFlushQueued.compareAndSet(false, true)) {
                try {
                    loop.execute(passFlush);
                } catch (RuntimeException e) { // the loop is shutting down
                    flushPass();
                }
            }
            return true;
        }
        synchronized (passQueue) {
            List<RedisLink.Outgoing> batch = drainPass();
            batch.add(out);
            c.publishToNodes(batch);
        }
        return true;
    }

    /** What a pass of an event loop queued goes to Lettuce in one batch. */
    private void flushPass() {
        passFlushQueued.set(false);
        synchronized (passQueue) {
            List<RedisLink.Outgoing> batch = drainPass();
            if (batch.isEmpty()) {
                return;
            }
            RedisLink c = link;
            if (c == null) {
                batch.forEach(o -> sent(o, new IllegalStateException("Redis is not connected")));
                return;
            }
            c.publishToNodes(batch);
        }
    }

    private List<RedisLink.Outgoing> drainPass() {
        List<RedisLink.Outgoing> batch = new java.util.ArrayList<>();
        for (RedisLink.Outgoing o; (o = passQueue.poll()) != null; ) {
            batch.add(o);
        }
        return batch;
    }

    /** A message to another node's inbox was taken by Redis, or {@code failure} says why not. */
    private void sent(RedisLink.Outgoing o, Throwable failure) {
        outCount.decrementAndGet();
        outBytes.addAndGet(-o.data().length);
        if (failure != null) {
            notRelayed("Redis refused it: " + failure);
        }
    }

    private void notRelayed(String why) {
        dropped.incrementAndGet();
        NOT_RELAYED.log(() -> "a publication was not relayed to another node: " + why);
    }

    /** A message on a subscribed channel, on Lettuce's I/O thread: queued, never handled here. */
    private void received(String channel, byte[] data) {
        if (channel.equals(ownCallInbox)) {
            call(data);
            return;
        }
        if (channel.equals(registrationChannel)) {
            if (controlPending.incrementAndGet() > CONTROL_QUEUE) {
                controlPending.decrementAndGet();
                reload = true;
                return;
            }
            onControl(() -> {
                controlPending.decrementAndGet();
                registrationChange(data);
            });
            return;
        }
        if (channel.equals(controlChannel())) {
            if (controlPending.incrementAndGet() > CONTROL_QUEUE) {
                controlPending.decrementAndGet();
                reload = true; // the next heartbeat reloads everything instead
                return;
            }
            onControl(() -> {
                controlPending.decrementAndGet();
                controlMessage(data);
            });
            return;
        }
        relayedIn.incrementAndGet();
        if (data.length > config.maxRelayBytes()) {
            notDelivered("it has " + data.length + " bytes, more than " + config.maxRelayBytes());
            return;
        }
        if (inboundBytes.addAndGet(data.length) > config.inQueueBytes() || !inbound.offer(data)) {
            inboundBytes.addAndGet(-data.length);
            notDelivered(config.inQueue() + " publications or " + config.inQueueBytes()
                    + " bytes wait for delivery (" + ClusterConfig.IN_QUEUE + ", " + ClusterConfig.IN_QUEUE_BYTES + ")");
        }
    }

    private void notDelivered(String why) {
        dropped.incrementAndGet();
        NOT_DELIVERED.log(() -> "a publication from another node was not delivered: " + why);
    }

    /**
     * A message of a call from another node, handled on Lettuce's I/O thread as it arrives (in the order of the
     * connection): the dealer only queues what it sends, so nothing here waits, and no hand-off to another thread
     * is paid twice per call. TCP and Redis's output buffer limits bound what can arrive.
     */
    private void call(byte[] data) {
        relayedIn.incrementAndGet();
        Router r = router;
        if (data.length <= config.maxRelayBytes() && RelayCodec.isCallMessage(data)) {
            RelayCodec.CallMessage c = RelayCodec.callMessage(data);
            ClusterDealer d = c == null || r == null ? null : dealers.get(c.realm());
            if (d == null) {
                notDelivered("a call message from another node is malformed or for a realm not served here");
                return;
            }
            try {
                d.deliver(c);
            } catch (RuntimeException e) {
                NOT_DELIVERED.log(() -> "a call message from another node failed (" + e + ")", e);
            }
            return;
        }
        Publish p = data.length > config.maxRelayBytes() ? null : RelayCodec.decode(data);
        if (p != null && r != null && MetaRequests.isAnswer(p)) {
            if (p.options().get("from") instanceof Long from) {
                metaRequests.answered(from, p.request(), p.args());
            }
            return;
        }
        if (p != null && r != null && MetaRequests.isRequest(p)) {
            // carried out on the control thread: it may end sessions and revoke what they hold
            if (controlPending.incrementAndGet() > CONTROL_QUEUE) {
                controlPending.decrementAndGet();
                notDelivered("a meta request from another node found the control thread's queue full");
                return;
            }
            onControl(() -> {
                controlPending.decrementAndGet();
                metaRequests.request(r, p);
            });
            return;
        }
        notDelivered("a message from another node's call inbox is malformed or too large");
    }

    /** The inbound thread: delivers relayed publications in the order they came, one at a time. */
    private void deliverInbound() {
        while (!closed) {
            byte[] data;
            try {
                data = inbound.take();
            } catch (InterruptedException e) {
                return;
            }
            inboundBytes.addAndGet(-data.length);
            try {
                deliver(data);
            } catch (Throwable t) { // keep the loop alive on a failing publication
                NOT_DELIVERED.log(() -> "a publication from another node failed to deliver: " + t, t);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void deliver(byte[] data) {
        Publish p = RelayCodec.decode(data);
        Router r = router;
        if (p == null || r == null || !(p.options().get("realm") instanceof String realmName)
                || !(p.options().getOrDefault("details", Map.of()) instanceof Map<?, ?> details)) {
            notDelivered("it is malformed");
            return;
        }
        Realm realm = r.realm(realmName);
        if (realm == null) {
            notDelivered("this node does not serve realm " + realmName);
            return;
        }
        Object filter = p.options().get("filter");
        realm.deliverRelayed(p.topic(), p.request(), (Map<String, Object>) details, p.args(), p.kwargs(),
                filter instanceof Map<?, ?> f ? SubscriberFilter.fromMap((Map<String, Object>) f) : null);
    }

    // ------------------------------------------------------------------------------------------ control thread

    /** The heartbeat: connect, join or renew, find dead nodes, republish interest if needed. */
    private void tick() {
        if (closed) {
            return;
        }
        try {
            if (link == null) {
                connect();
            }
            if (reconnected && joined) {
                // Pub/sub keeps nothing: what crossed nodes while the connection was down (an INVOCATION, a
                // RESULT) is lost, so the calls between this node and the others end now instead of waiting
                // forever, as if Redis had been lost for longer; then the node joins again.
                joined = false;
                forgetOthers();
                LOG.warning(() -> "cluster: the connection to Redis was lost and made again; calls in flight "
                        + "between this node and the others are ended, and the node joins again");
            }
            if (!joined || reconnected || !renew()) {
                reconnected = false;
                disconnected = false;
                join();
                toldUnavailable = false;
            } else {
                sweep();
            }
            if (resync) {
                publishInterest();
            }
            if (reload) {
                reload = false;
                reloadAll();
            }
        } catch (RuntimeException e) {
            failedHeartbeats.incrementAndGet();
            if (joined) {
                joined = false;
                forgetOthers();
                toldUnavailable = true;
                LOG.warning(() -> "cluster: lost Redis at " + ClusterConfig.redacted(config.redis())
                        + "; routing stays local until it is back (" + e + ")");
            } else if (!toldUnavailable) { // once per outage whatever else was logged: the operator must see it
                toldUnavailable = true;
                LOG.warning(() -> "cluster: Redis at " + ClusterConfig.redacted(config.redis())
                        + " is unavailable; this node routes alone and keeps trying (" + e + ")");
            } else {
                UNAVAILABLE.log(() -> "cluster: Redis at " + ClusterConfig.redacted(config.redis())
                        + " is still unavailable; this node routes alone and keeps trying (" + e + ")");
            }
        }
    }

    private void connect() {
        if (resources == null) {
            // Netty (ours, inside the WAR) logs through java.util.logging like the rest of Postmaster, instead of
            // probing for other logging libraries, which the server's class loader reports as failures.
            InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
            // Reconnect attempts back off to one a second at most (Lettuce's default grows to 30 s): routing across
            // nodes is back within about a second of Redis.
            resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
                            TimeUnit.MILLISECONDS))
                    .nettyCustomizer(new CoalescedFlushes())
                    .build();
        }
        RedisLink l = RedisLink.connect(config, resources, this::received, RedisLink.states(up -> {
            if (!up) {
                disconnected = true;
            } else if (disconnected) {
                // After a reconnect, messages may have been missed and Redis may have lost this node's rows: the
                // next heartbeat ends the calls across nodes, joins again (idempotent) and reloads the others.
                // (A connection made for the first time, as a Redis Cluster's to a further shard, is no reason.)
                reconnected = true;
            }
        }));
        try {
            l.subscribeBroadcast(controlChannel(), ClusterDealer.channel(prefix));
        } catch (RuntimeException e) {
            l.shutdown();
            throw e;
        }
        link = l;
    }

    /** Claims (or reclaims) this node's ID and slot, subscribes its inbox, loads the others, publishes its own. */
    private void join() {
        RedisClusterCommands<String, byte[]> redis = link.sync();
        long ttl = config.nodeTtlMs();
        if (nodeId == 0) {
            long id;
            do {
                id = Ids.secureRandom();
            } while (!"OK".equals(redis.set(nodeKey(id), utf8("alive"), SetArgs.Builder.nx().px(ttl))));
            nodeId = id;
            ownCallInbox = callInbox(id);
        } else {
            redis.set(nodeKey(nodeId), utf8("alive"), SetArgs.Builder.px(ttl));
        }
        for (String realm : realms) {
            redis.set(realmNodeKey(realm, nodeId), utf8("alive"), SetArgs.Builder.px(ttl));
        }
        claimSlot(redis);
        redis.sadd(nodesKey(), utf8(Long.toString(nodeId)));
        link.subscribeNode(inbox(nodeId), callInbox(nodeId));
        reloadAll();
        publishInterest();
        joined = true;
        dealers.values().forEach(ClusterDealer::reclaim);
        for (var e : sessions.entrySet()) {
            Realm realm = router.realm(e.getKey());
            if (realm != null) {
                e.getValue().publish(redis, realm, nodeId, ttl);
            }
        }
        LOG.info(() -> "cluster: node " + nodeId + " (session-ID slot " + slot + ") joined through Redis at "
                + ClusterConfig.redacted(config.redis()) + "; peers " + peers);
    }

    private void claimSlot(RedisClusterCommands<String, byte[]> redis) {
        byte[] me = utf8(Long.toString(nodeId));
        byte[] ttl = utf8(Integer.toString(config.nodeTtlMs()));
        int held = slot;
        if (held != 0 && claim(redis, held, me, ttl)) {
            return;
        }
        int start = 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(SessionIds.SLOTS - 1);
        for (int i = 0; i < SessionIds.SLOTS - 1; i++) {
            int s = 1 + (start - 1 + i) % (SessionIds.SLOTS - 1);
            if (claim(redis, s, me, ttl)) {
                if (held != 0) {
                    LOG.warning("cluster: node " + nodeId + " lost session-ID slot " + held + " (silent for longer than "
                            + ClusterConfig.NODE_TTL_MS + "); new sessions use slot " + s);
                }
                slot = s;
                return;
            }
        }
        throw new IllegalStateException("all " + (SessionIds.SLOTS - 1) + " session-ID slots are taken");
    }

    private boolean claim(RedisClusterCommands<String, byte[]> redis, int s, byte[] me, byte[] ttl) {
        Long ok = redis.eval(CLAIM_SLOT, ScriptOutputType.INTEGER, new String[] {slotKey(s)}, me, ttl);
        return ok != null && ok == 1;
    }

    /** Renews this node's keys; false if they were gone (Redis lost them, or the node was declared dead). */
    private boolean renew() {
        RedisClusterCommands<String, byte[]> redis = link.sync();
        long ttl = config.nodeTtlMs();
        if (!link.pubSubOpen()) {
            throw new IllegalStateException("the pub/sub connection to Redis is down");
        }
        // The realm keys first: each expires before the node key does, so a node whose key is gone has no realm key
        // left in a moment (see sweep), whichever shard holds them.
        for (String realm : realms) {
            if (!redis.pexpire(realmNodeKey(realm, nodeId), ttl)) {
                LOG.warning(() -> "cluster: node " + nodeId + " was missing from Redis in realm " + realm
                        + " (restarted, failed over, or this node was silent for longer than "
                        + ClusterConfig.NODE_TTL_MS + "); joining again");
                return false;
            }
        }
        if (!"OK".equals(redis.set(nodeKey(nodeId), utf8("alive"), SetArgs.Builder.xx().px(ttl)))) {
            LOG.warning(() -> "cluster: node " + nodeId + " was missing from Redis (restarted, or this node was silent "
                    + "for longer than " + ClusterConfig.NODE_TTL_MS + "); joining again");
            return false;
        }
        Long held = redis.eval(RENEW_SLOT, ScriptOutputType.INTEGER, new String[] {slotKey(slot)},
                utf8(Long.toString(nodeId)), utf8(Long.toString(ttl)));
        if (held == null || held != 1) {
            return false;
        }
        for (String realm : realms) {
            redis.pexpire(interestKey(realm, nodeId), ttl);
            sessions.get(realm).renew(redis, nodeId, ttl);
        }
        if (!link.nodeChannelsSubscribed(inbox(nodeId), callInbox(nodeId))) {
            LOG.warning(() -> "cluster: node " + nodeId + "'s inboxes were not subscribed in Redis (a failover or a "
                    + "resharding of the Redis Cluster); subscribing and joining again");
            return false;
        }
        return true;
    }

    /** Finds nodes that stopped renewing their key: forgets them, removes them from the node set, tells the others. */
    private void sweep() {
        RedisClusterCommands<String, byte[]> redis = link.sync();
        List<Long> members = new java.util.ArrayList<>();
        for (byte[] member : redis.smembers(nodesKey())) {
            long node = parseId(text(member));
            if (node != 0 && node != nodeId) {
                members.add(node);
            }
        }
        Set<Long> alive = new HashSet<>();
        if (!members.isEmpty()) { // one round trip for all of them (on a Redis Cluster, one per shard)
            String[] keys = members.stream().map(this::nodeKey).toArray(String[]::new);
            for (KeyValue<String, byte[]> kv : redis.mget(keys)) {
                if (kv.hasValue()) {
                    alive.add(parseId(kv.getKey().substring(kv.getKey().lastIndexOf(':') + 1)));
                }
            }
        }
        Set<Long> live = new HashSet<>();
        for (long node : members) {
            if (!alive.contains(node)) {
                boolean forgotten = true;
                for (ClusterDealer d : dealers.values()) {
                    forgotten &= d.forget(redis, node);
                }
                if (!forgotten) {
                    continue; // a realm key of the node outlives its node key by moments: the next sweep
                }
                redis.srem(nodesKey(), utf8(Long.toString(node)));
                for (String realm : realms) {
                    redis.del(interestKey(realm, node));
                }
                for (ClusterSessions cs : sessions.values()) {
                    cs.forget(redis, node);
                }
                redis.publish(controlChannel(), RelayCodec.control(node, "down", null, null, null));
                LOG.info(() -> "cluster: node " + node + " is dead (no heartbeat for "
                        + config.nodeTtlMs() + " ms); its interest is dropped");
            } else {
                live.add(node);
                if (!peers.contains(node)) {
                    reload(node);
                }
            }
        }
        for (Long gone : Set.copyOf(peers)) {
            if (!live.contains(gone)) {
                drop(gone);
            }
        }
    }

    private void reloadAll() {
        RedisClusterCommands<String, byte[]> redis = link.sync();
        Set<Long> live = new HashSet<>();
        for (byte[] member : redis.smembers(nodesKey())) {
            long node = parseId(text(member));
            if (node != 0 && node != nodeId) {
                live.add(node);
                reload(node);
            }
        }
        for (Long gone : Set.copyOf(peers)) {
            if (!live.contains(gone)) {
                drop(gone);
            }
        }
        reloadRegistrations();
    }

    /**
     * This node can no longer reach the others (Redis lost, or declared dead): their callees are dropped here (the
     * calls pending to them end with {@code wamp.error.canceled}) and the calls they made here end; the next join
     * reads the table again.
     */
    private void forgetOthers() {
        dealers.values().forEach(ClusterDealer::dropAll);
    }

    /** Reads the registration table again on the control thread (after this node revoked a clashing one). */
    void reloadRegistrationsSoon() {
        onControl(() -> {
            try {
                if (link != null) {
                    reloadRegistrations();
                }
            } catch (RuntimeException e) {
                CONTROL_FAILED.log(() -> "cluster: the registration table could not be read (" + e
                        + "); the next join reads it");
            }
        });
    }

    /** Reads the whole registration table of every realm into the dealers' mirrors. */
    private void reloadRegistrations() {
        RedisClusterCommands<String, byte[]> redis = link.sync();
        for (ClusterDealer d : dealers.values()) {
            d.reload(redis);
        }
    }

    /** A change of the registration table (control thread). */
    private void registrationChange(byte[] data) {
        String[] f = text(data).split(" ", 11);
        ClusterDealer d = f.length > 1 ? dealers.get(f[1]) : null;
        if (d == null) {
            return; // a realm this node does not serve
        }
        try {
            d.changed(f);
        } catch (RuntimeException e) {
            CONTROL_FAILED.log(() -> "cluster: a registration change could not be applied (" + e + ")");
        }
    }

    /** Reads what {@code node} subscribes to in every realm. */
    private void reload(long node) {
        RedisClusterCommands<String, byte[]> redis = link.sync();
        for (String realm : realms) {
            Set<String> keys = new HashSet<>();
            for (byte[] k : redis.smembers(interestKey(realm, node))) {
                keys.add(text(k));
            }
            interest.get(realm).replace(node, keys);
        }
        peers.add(node);
        peersChanged();
    }

    private void drop(long node) {
        peers.remove(node);
        peersChanged();
        metaRequests.nodeGone(node);
        interest.values().forEach(i -> i.dropNode(node));
        dealers.values().forEach(d -> d.dropNode(node));
    }

    /** Writes this node's whole interest to Redis and tells the others to reload it. */
    private void publishInterest() {
        resync = true;
        Router r = router;
        RedisClusterCommands<String, byte[]> redis = link.sync();
        for (String realmName : realms) {
            Realm realm = r.realm(realmName);
            LocalInterest mine = localInterest.get(realmName);
            mine.clear();
            for (MatchPolicy policy : MatchPolicy.values()) {
                for (String topic : realm.subscribedTopics(policy)) {
                    mine.add(RemoteInterest.key(policy, topic));
                }
            }
            boolean wasEverything = mine.everything;
            mine.everything = mine.everything ? !mine.underHalf(bounds) : mine.over(bounds);
            if (mine.everything != wasEverything) {
                logEverything(realmName, mine);
            }
            String key = interestKey(realmName, nodeId);
            // Built aside and renamed into place: a node reading the set meanwhile sees the old one or the new one,
            // never a half-written one (which would make it skip this node for a moment).
            String next = key + ":next";
            redis.del(next);
            List<byte[]> members = new java.util.ArrayList<>();
            for (String k : mine.everything ? Set.of(RemoteInterest.EVERYTHING) : mine.keys) {
                members.add(utf8(k));
                if (members.size() == 1000) {
                    redis.sadd(next, members.toArray(new byte[0][]));
                    members.clear();
                }
            }
            if (!members.isEmpty()) {
                redis.sadd(next, members.toArray(new byte[0][]));
            }
            if (redis.pexpire(next, config.nodeTtlMs())) { // the set exists; it keeps its expiry when renamed
                redis.rename(next, key);
            } else {
                redis.del(key);
            }
        }
        redis.publish(controlChannel(), RelayCodec.control(nodeId, "reset", null, null, null));
        resync = false;
    }

    private static void logEverything(String realm, LocalInterest mine) {
        ASKS_EVERYTHING.log(() -> mine.everything
                ? "cluster: this node's subscribers in realm " + realm + " want " + mine.keys.size() + " topics and "
                        + "patterns (" + mine.bytes + " bytes), more than " + ClusterBounds.MAX_INTEREST + " or "
                        + ClusterBounds.MAX_INTEREST_BYTES + " allow; it asks the other nodes for every publication of "
                        + "the realm instead"
                : "cluster: this node's subscribers in realm " + realm + " want " + mine.keys.size()
                        + " topics and patterns again; it asks the other nodes for those only");
    }

    /** A change of this node's interest: written to Redis and announced, or left to a full resync. */
    private void localInterest(String realm, String topic, MatchPolicy policy, boolean on) {
        LocalInterest mine = localInterest.get(realm);
        String k = RemoteInterest.key(policy, topic);
        if (mine == null || !(on ? mine.add(k) : mine.remove(k))) {
            return; // a realm not clustered, or already so (a full resync read it)
        }
        if (!joined || resync) {
            return; // the join (or the resync) publishes the whole state
        }
        if (mine.everything ? mine.underHalf(bounds) : mine.over(bounds)) {
            resync = true; // the next heartbeat publishes the whole state, switched
            return;
        }
        if (mine.everything) {
            return; // the other nodes send everything anyway
        }
        try {
            RedisClusterCommands<String, byte[]> redis = link.sync();
            String key = interestKey(realm, nodeId);
            byte[] member = utf8(k);
            if (on) {
                redis.sadd(key, member);
                redis.pexpire(key, config.nodeTtlMs());
            } else {
                redis.srem(key, member);
            }
            redis.publish(controlChannel(), RelayCodec.control(nodeId, on ? "+" : "-", realm, policy.name(), topic));
        } catch (RuntimeException e) {
            resync = true;
            CONTROL_FAILED.log(() -> "cluster: a subscription change could not be sent (" + e
                    + "); the whole state is sent again");
        }
    }

    /**
     * What this node's subscribers want in one realm, as announced (control thread only): the keys, their bytes,
     * and whether the node asks for everything instead (past {@link ClusterBounds#maxInterest()} or
     * {@link ClusterBounds#maxInterestBytes()}, until back under half of both).
     */
    private static final class LocalInterest {
        final Set<String> keys = new HashSet<>();
        long bytes;
        boolean everything;

        boolean add(String k) {
            if (keys.add(k)) {
                bytes += utf8(k).length;
                return true;
            }
            return false;
        }

        boolean remove(String k) {
            if (keys.remove(k)) {
                bytes -= utf8(k).length;
                return true;
            }
            return false;
        }

        void clear() {
            keys.clear();
            bytes = 0;
        }

        boolean over(ClusterBounds b) {
            return keys.size() > b.maxInterest() || bytes > b.maxInterestBytes();
        }

        boolean underHalf(ClusterBounds b) {
            return keys.size() <= b.maxInterest() / 2 && bytes <= b.maxInterestBytes() / 2;
        }
    }

    /** A control message from a node (ours included, which is ignored). */
    private void controlMessage(byte[] data) {
        Publish p = RelayCodec.decode(data);
        if (p == null || !(p.options().get("op") instanceof String op)) {
            CONTROL_FAILED.log(() -> "cluster: a malformed control message was ignored");
            return;
        }
        long node = p.request();
        if (node == nodeId) {
            if (op.equals("down") && joined) {
                joined = false; // declared dead by another node: join again at the next heartbeat
                forgetOthers(); // as they forgot this node
            }
            return;
        }
        try {
            switch (op) {
                case "+", "-" -> {
                    RemoteInterest remote = p.options().get("realm") instanceof String realm ? interest.get(realm)
                            : null;
                    MatchPolicy policy = p.options().get("match") instanceof String m ? policy(m) : null;
                    if (remote == null || policy == null) {
                        return; // a realm this node does not serve
                    }
                    if (op.equals("+")) {
                        remote.add(node, policy, p.topic());
                        if (peers.add(node)) {
                            peersChanged();
                        }
                    } else {
                        remote.remove(node, policy, p.topic());
                    }
                }
                case "reset" -> {
                    if (link != null) {
                        reload(node);
                        reloadRegistrations();
                    }
                }
                case "down" -> drop(node);
                default -> CONTROL_FAILED.log(() -> "cluster: unknown control message " + op + " ignored");
            }
        } catch (RuntimeException e) {
            CONTROL_FAILED.log(() -> "cluster: control message " + op + " from node " + node + " failed (" + e
                    + "); the next heartbeat catches up");
        }
    }

    private static MatchPolicy policy(String name) {
        for (MatchPolicy p : MatchPolicy.values()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    private static long parseId(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------ leaving

    /** Leaves the cluster (deletes this node's keys, tells the others) and stops the threads and the client. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            control.submit(this::leave).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.info(() -> "cluster: leaving cleanly failed (" + e + "); this node's keys expire on their own");
        }
        closed = true;
        control.shutdownNow();
        inboundThread.interrupt();
        if (link != null) {
            link.shutdown();
        }
        if (resources != null) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    private void leave() {
        closed = true;
        if (!joined || link == null) {
            return;
        }
        joined = false;
        RedisClusterCommands<String, byte[]> redis = link.sync();
        byte[] me = utf8(Long.toString(nodeId));
        redis.srem(nodesKey(), me);
        for (String realm : realms) {
            redis.del(interestKey(realm, nodeId));
        }
        redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
                ScriptOutputType.INTEGER, new String[] {slotKey(slot)}, me);
        redis.del(nodeKey(nodeId));
        for (String realm : realms) {
            redis.del(realmNodeKey(realm, nodeId));
        }
        for (ClusterDealer d : dealers.values()) {
            d.forget(redis, nodeId);
        }
        for (ClusterSessions cs : sessions.values()) {
            cs.forget(redis, nodeId);
        }
        redis.publish(controlChannel(), RelayCodec.control(nodeId, "down", null, null, null));
        LOG.info(() -> "cluster: node " + nodeId + " left");
    }
}
