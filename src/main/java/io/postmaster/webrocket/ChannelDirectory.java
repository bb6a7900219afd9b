package io.postmaster.webrocket;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels that exist, per realm: webrocket publishes only to an existing channel. A channel exists while a
 * webrocket connection subscribes to it (the seed kept every channel ever subscribed to forever, a table any client
 * could grow without bound); so each entry stands for at least one live subscription, which the realm's subscription
 * caps bound. Belongs to the deployment, never to a static field. Thread-safe.
 */
@ApplicationScoped
public class ChannelDirectory {
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Integer>> realms = new ConcurrentHashMap<>();

    void add(String realm, String channel) {
        realms.computeIfAbsent(realm, r -> new ConcurrentHashMap<>()).merge(channel, 1, Integer::sum);
    }

    void remove(String realm, String channel) {
        ConcurrentHashMap<String, Integer> m = realms.get(realm);
        if (m != null) {
            m.computeIfPresent(channel, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    boolean exists(String realm, String channel) {
        ConcurrentHashMap<String, Integer> m = realms.get(realm);
        return m != null && m.containsKey(channel);
    }

    /** Subscriptions to the channel, for tests. */
    int subscribers(String realm, String channel) {
        ConcurrentHashMap<String, Integer> m = realms.get(realm);
        return m == null ? 0 : m.getOrDefault(channel, 0);
    }
}
