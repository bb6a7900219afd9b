/**
 * Scale-out: several Postmaster nodes form one router through Redis (or Valkey). Loaded only when
 * {@code postmaster.cluster.redis} is set; a single node never loads or connects a Redis client. The cluster plugs
 * into the routing core's seam ({@link io.postmaster.router.Backplane}, {@link io.postmaster.router.PublicationRelay})
 * and changes nothing else: authorization, interception and acknowledgement stay with the publisher's node.
 *
 * <h2>Client: Lettuce</h2>
 * Lettuce (MIT, maintained by Redis) is non-blocking: a publication is handed to Redis without waiting, so a slow
 * Redis can never stall a routing thread, and a pub/sub connection is one socket, not a thread per subscription (as
 * Jedis needs). It reconnects on its own and resubscribes its channels after a reconnect, and speaks TLS
 * ({@code rediss://}), ACL users, Redis Cluster and sharded pub/sub. It brings Netty and Reactor, bundled in
 * the WAR (no supported server exposes its own Netty to deployments), with two I/O and two computation threads of its own, started only when a cluster is configured.
 *
 * <h2>Keys and channels</h2> ({@code pm} is {@code postmaster.cluster.key-prefix}; realm keys carry the realm as a
 * hash tag, so a realm's keys stay on one Redis Cluster shard)
 * <ul>
 * <li>{@code pm:node:<id>} — a node is alive while this key is (renewed every heartbeat, expires after
 * {@code node-ttl-ms}). The ID is random in [1, 2^53] and claimed with {@code SET NX}.</li>
 * <li>{@code pm:{realm}:node:<id>} — the same in the realm's hash slot, for the realm's scripts (renewed just before
 * the node key, so it never outlives it by more than moments).</li>
 * <li>{@code pm:slot:<s>} — the node holding session-ID slot {@code s} (1…4095), claimed atomically, renewed with
 * the heartbeat; see {@link io.postmaster.cluster.SessionIds} for why session IDs cannot clash across nodes.</li>
 * <li>{@code pm:nodes} — the set of node IDs; a node finding a member whose {@code pm:node} key has expired removes
 * it and announces it dead.</li>
 * <li>{@code pm:{realm}:interest:<id>} — what a node's sessions subscribe to in a realm: one member per
 * subscription topic and match policy ({@code e com.x}, {@code p com.}, {@code w com..x}); expires with the
 * node.</li>
 * <li>channel {@code pm:ctl} — interest changes ({@code +}/{@code -}), {@code reset} (reload a node's interest),
 * {@code down} (a node left or died).</li>
 * <li>channel {@code pm:n:<id>} — a node's inbox: the publications relayed to it.</li>
 * <li>channel {@code pm:c:<id>} — a node's call inbox: the messages of calls that cross nodes, and the meta requests
 * between nodes and their answers ({@link io.postmaster.cluster.MetaRequests}).</li>
 * <li>{@code pm:{realm}:retained}, {@code retained-bytes}, {@code history:<topic>}, {@code history-bytes:<topic>},
 * {@code history-seq} — the realm's retained events and event histories, kept for every node, bounded by count and
 * bytes ({@link io.postmaster.cluster.ClusterStore}).</li>
 * </ul>
 *
 * <h2>One Redis or a Redis Cluster</h2>
 * {@link io.postmaster.cluster.RedisLink} hides which: {@code redis://} is one server, {@code redis-cluster://host:port,…}
 * a Redis Cluster, spoken to with Lettuce's cluster client. Every multi-key command and script touches the keys of
 * one realm only, all with the realm's hash tag, so it runs on one shard. The broadcast channels ({@code pm:ctl},
 * {@code pm:reg}: few messages, every node listens) stay ordinary pub/sub; a node's inboxes, which carry nearly all
 * the traffic and have one listener, are sharded channels (SPUBLISH/SSUBSCRIBE) there: a message to a node is handled
 * by the one shard that owns the channel instead of being broadcast to all. The heartbeat checks that the node's
 * sharded subscriptions are still held (a failover or a resharding moves them) and subscribes again if not.
 *
 * <h2>Pub/sub across nodes</h2>
 * Every node mirrors the other nodes' interest in memory, in the router's own matching table (exact, prefix,
 * wildcard), kept current by {@code pm:ctl} and reloaded from the interest sets on join, on a node's {@code reset}
 * and on a node not seen before. A publication is delivered locally first, then matched against the mirror: each node
 * with at least one matching subscription gets it once in its inbox — a node without subscribers gets no traffic for
 * the topic — whatever number of its subscriptions match; the receiving node's broker delivers it to its own matching
 * subscriptions ({@link io.postmaster.router.Realm#deliverRelayed}), applying the publisher's filter (exclude_me,
 * black/whitelists, which name sessions by cluster-unique ID) and its disclosure details, and never relays it again.
 * So each subscription receives each publication once while nodes and Redis are healthy. Order: one publisher's
 * publications leave its node on one Redis connection in order, Redis keeps order per channel, and the inbox is
 * delivered by one thread in order, so they reach each subscriber in publication order.
 *
 * <h2>RPC across nodes</h2>
 * {@link io.postmaster.cluster.ClusterDealer} keeps one registration table per realm in Redis
 * ({@code pm:{realm}:regs}, {@code regids}, {@code callees:<match> <uri>}, {@code noderegs:<node>}); each REGISTER is
 * decided by one Lua script (created, joined, or refused with {@code procedure_already_exists}, atomically), which
 * also publishes the change on {@code pm:reg}. Every node mirrors the table in its dealer, so a call finds its callee
 * from memory; the INVOCATION goes to the callee's node's inbox, its answer comes back to the caller's, where the
 * caller's dealer keeps the call. A dead node's registrations are removed by the node that finds it dead, and every
 * node ends the calls pending to it. {@link io.postmaster.cluster.ClusterSessions} keeps each node's sessions in
 * {@code pm:{realm}:sessions:<node>}, and how many have each authrole in {@code pm:{realm}:roles:<node>}, for the
 * session meta procedures.
 *
 * <h2>Meta API across nodes</h2>
 * What only the node holding a session can answer or do (kill it, describe and revoke its subscriptions and
 * registrations) is asked of every other node through its call inbox ({@link io.postmaster.cluster.MetaRequests}):
 * the caller's node authorizes and checks the call, each node carries it out on its own sessions on its control
 * thread and answers; the caller's node combines the answers. Each node keeps its own subscription per topic (and
 * ID); the meta API shows one per topic and match policy, named by any node's ID. Retained events and event
 * histories are kept in Redis by the publisher's node and read by any node
 * ({@link io.postmaster.cluster.ClusterStore}).
 *
 * <h2>Threads and bounds</h2>
 * What one node's clients can make Redis and the other nodes hold is bounded per realm: its announced interest
 * ({@code postmaster.cluster.max-interest}, {@code …-bytes}; past it the node announces one entry, "everything",
 * and matches what it is sent itself) and its registrations in the table ({@code postmaster.cluster.max-registrations},
 * {@code …-bytes}; past it REGISTER gets {@code postmaster.error.limit_reached}). No meta procedure scans sessions in
 * Redis: {@code wamp.session.count} and {@code get} are one small command per other live node, and
 * {@code wamp.session.list} is refused from those counts past {@code postmaster.session-list-max}, else answered by
 * the nodes holding the sessions.
 * Publishing to Redis is asynchronous and bounded ({@code out-queue}, {@code out-queue-bytes}); past the bound, or
 * while Redis is unreachable, a publication is not relayed (at most once) and a rate-limited warning is written.
 * Lettuce's I/O thread only queues what arrives: relayed publications into the inbound queue ({@code in-queue},
 * {@code in-queue-bytes}, each at most {@code max-message-size} + 64 KiB; beyond, dropped and logged), which thread
 * {@code postmaster-cluster-in} delivers; control messages onto thread {@code postmaster-cluster}, which also runs
 * the heartbeat and every synchronous Redis command. Interest changes come from the broker under its table monitor
 * and are only queued there.
 *
 * <h2>Failures</h2>
 * Redis unreachable at start: the node routes alone, says so in its log (once per outage, the retries rate-limited)
 * and its readiness, and retries every heartbeat. Redis lost
 * while joined: local routing goes on, publications to other nodes are dropped (logged), Lettuce reconnects and
 * resubscribes; the next heartbeat finds the node's keys gone (if Redis lost its data) and joins again, republishing
 * its interest and claiming its registrations again (so the table is rebuilt from the nodes' own), and the others
 * reload both. A connection lost and made again, however briefly, ends the calls in flight across nodes (their
 * messages may have been lost) before the node joins again. A node that dies stops renewing its keys; after
 * {@code node-ttl-ms} they expire and the next node to sweep removes it from the set and tells the others to drop
 * its interest.
 */
package io.postmaster.cluster;
