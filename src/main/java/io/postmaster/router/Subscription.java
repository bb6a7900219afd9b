package io.postmaster.router;

import io.postmaster.router.match.MatchPolicy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One subscription: a topic pattern and the sessions subscribed to it, all sharing its ID. */
final class Subscription {
    /** Boxed once: the key of this subscription in the broker's table and in each of its subscribers'. */
    private final Long id;
    private final String topic;
    private final MatchPolicy policy;
    private final long created = System.currentTimeMillis();
    final Set<Session> subscribers = ConcurrentHashMap.newKeySet();

    Subscription(long id, String topic, MatchPolicy policy) {
        this.id = id;
        this.topic = topic;
        this.policy = policy;
    }

    long id() { return id; }
    /** {@link #id} as the key of the tables it is in: one box for them all, not one per subscriber. */
    Long key() { return id; }
    String topic() { return topic; }
    MatchPolicy policy() { return policy; }
    /** When the subscription was created, in epoch milliseconds. */
    long created() { return created; }
    /** The subscription as the meta API describes it: {@code id, created, uri, match}. */
    java.util.Map<String, Object> details() {
        java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("id", id);
        d.put("created", java.time.Instant.ofEpochMilli(created).toString());
        d.put("uri", topic);
        d.put("match", policy.wireName());
        return d;
    }

    /** The subscribed sessions: a live, weakly consistent view. */
    Set<Session> subscribers() { return java.util.Collections.unmodifiableSet(subscribers); }

    @Override
    public String toString() {
        return "subscription " + id + " (" + policy.wireName() + " " + topic + ")";
    }
}
