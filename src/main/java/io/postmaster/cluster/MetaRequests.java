package io.postmaster.cluster;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.router.Realm;
import io.postmaster.router.Router;
import io.postmaster.router.SessionDirectory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Meta requests between nodes ({@link SessionDirectory#ask}): the asking node sends the request to every other live
 * node's call inbox ({@code pm:c:<node>}, the channel the messages of calls use); each carries it out on its own
 * sessions, subscriptions and callees on its control thread ({@link Realm#answerForNode}) and sends its answer to
 * the asking node's call inbox, which completes the request once every node it asked has answered.
 *
 * <p>Bounds: at most {@link #MAX_PENDING} requests of a node wait for answers (past it a request fails at once);
 * each waits at most {@code node-ttl-ms} (then it fails: a node that cannot answer in that time is about to be
 * declared dead). A node declared dead meanwhile is not waited for. An answer larger than the largest message a node
 * accepts from another ({@code max-message-size} + 64 KiB) is dropped there, and the request fails at its time-out.
 * Nothing is kept in Redis.
 */
final class MetaRequests {
    private static final Logger LOG = Logger.getLogger(MetaRequests.class.getName());
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);
    /** Meta requests of this node waiting for the other nodes' answers. */
    static final int MAX_PENDING = 1024;

    private final RedisCluster cluster;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    private static final class Pending {
        final Set<Long> waiting = new HashSet<>(); // guarded by this
        final List<List<Object>> answers = new ArrayList<>(); // guarded by this
        final SessionDirectory.Answer<List<List<Object>>> answer;
        volatile ScheduledFuture<?> timeout;

        Pending(long[] nodes, SessionDirectory.Answer<List<List<Object>>> answer) {
            for (long n : nodes) {
                waiting.add(n);
            }
            this.answer = answer;
        }
    }

    MetaRequests(RedisCluster cluster) {
        this.cluster = cluster;
    }

    /** Sends {@code op} to every other live node; {@code answer} gets their answers once (see the class doc). */
    void ask(String realm, String op, List<Object> args, SessionDirectory.Answer<List<List<Object>>> answer) {
        ask(realm, op, args, cluster.otherNodes(), answer);
    }

    /** Sends {@code op} to {@code nodes} (other live nodes); {@code answer} gets their answers once. */
    void ask(String realm, String op, List<Object> args, long[] nodes,
             SessionDirectory.Answer<List<List<Object>>> answer) {
        if (nodes.length == 0) {
            answer.ok(List.of());
            return;
        }
        if (pending.size() >= MAX_PENDING) {
            FAILED.log(() -> "cluster: " + MAX_PENDING + " meta requests wait for other nodes; " + op + " refused");
            answer.failed(MAX_PENDING + " meta requests wait for the other nodes");
            return;
        }
        long id = ids.incrementAndGet();
        Pending p = new Pending(nodes, answer);
        pending.put(id, p);
        byte[] data = RelayCodec.metaRequest(realm, cluster.nodeId(), id, op, args);
        for (long node : nodes) {
            if (!cluster.sendToNode(node, data)) {
                fail(id, "it could not be handed to Redis");
                return;
            }
        }
        try {
            p.timeout = cluster.schedule(() -> fail(id, "not every node answered within "
                    + cluster.nodeTtlMs() + " ms"), cluster.nodeTtlMs());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            fail(id, "this node is leaving the cluster");
            return;
        }
        if (!pending.containsKey(id)) { // answered before the time-out was set
            p.timeout.cancel(false);
        }
    }

    private void fail(long id, String why) {
        Pending p = pending.remove(id);
        if (p != null) {
            if (p.timeout != null) {
                p.timeout.cancel(false);
            }
            p.answer.failed(why);
        }
    }

    /** A node's answer (on Lettuce's I/O thread). */
    void answered(long node, long id, List<Object> results) {
        Pending p = pending.get(id);
        if (p == null) {
            return; // late: the request failed or completed already
        }
        synchronized (p) {
            if (!p.waiting.remove(node)) {
                return;
            }
            p.answers.add(results == null ? List.of() : results);
            if (!p.waiting.isEmpty()) {
                return;
            }
        }
        complete(id, p);
    }

    /** {@code node} left or died: the requests waiting for it no longer do. */
    void nodeGone(long node) {
        for (var e : pending.entrySet()) {
            Pending p = e.getValue();
            boolean done;
            synchronized (p) {
                done = p.waiting.remove(node) && p.waiting.isEmpty();
            }
            if (done) {
                complete(e.getKey(), p);
            }
        }
    }

    private void complete(long id, Pending p) {
        if (pending.remove(id, p)) {
            if (p.timeout != null) {
                p.timeout.cancel(false);
            }
            List<List<Object>> answers;
            synchronized (p) {
                answers = List.copyOf(p.answers);
            }
            p.answer.ok(answers);
        }
    }

    /** Carries out another node's request on this node and answers it (control thread). */
    void request(Router router, Publish p) {
        if (!(p.options().get("realm") instanceof String realmName) || !(p.options().get("meta") instanceof String op)
                || !(p.options().get("from") instanceof Long from)) {
            FAILED.log(() -> "cluster: a malformed meta request from another node was dropped");
            return;
        }
        Realm realm = router.realm(realmName);
        List<Object> results;
        try {
            results = realm == null ? List.of() : realm.answerForNode(op, p.args() == null ? List.of() : p.args());
        } catch (RuntimeException e) {
            FAILED.log(() -> "cluster: meta request " + op + " from node " + from + " failed (" + e + ")", e);
            results = List.of();
        }
        cluster.sendToNode(from, RelayCodec.metaAnswer(realmName, cluster.nodeId(), p.request(), results));
    }

    /** Whether {@code p} is a meta request, or an answer to one. */
    static boolean isRequest(Publish p) {
        return p.options().containsKey("meta");
    }

    static boolean isAnswer(Publish p) {
        return p.options().containsKey("answer");
    }
}
