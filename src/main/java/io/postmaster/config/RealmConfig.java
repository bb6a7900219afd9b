package io.postmaster.config;

import io.postmaster.message.Uris;

/**
 * One realm's settings.
 *
 * @param name      the realm URI clients name in HELLO
 * @param anonymous whether sessions may join without credentials (authmethod {@code anonymous})
 * @param uriRule   how strictly URIs are checked in this realm
 * @param history   topics whose last events the broker keeps, with how many (event history)
 */
public record RealmConfig(String name, boolean anonymous, Uris.Rule uriRule, java.util.Map<String, Integer> history) {
    public RealmConfig {
        history = java.util.Map.copyOf(history);
    }
}
