package io.postmaster.config;

import io.postmaster.message.Uris;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.boolValue;
import static io.postmaster.config.PostmasterConfig.list;
import static io.postmaster.config.PostmasterConfig.named;
import static io.postmaster.config.PostmasterConfig.parseInt;
import static io.postmaster.config.PostmasterConfig.value;

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

    /**
     * Reads realm {@code name}'s routing settings ({@code postmaster.realm.<name>.anonymous}, {@code uri-check},
     * {@code history}) through {@code lookup}.
     *
     * @throws IllegalArgumentException naming the key, if the name is not a realm URI or a setting is malformed
     */
    public static RealmConfig from(Function<String, String> lookup, String name) {
        if (!Uris.valid(name, Uris.Rule.LOOSE)) {
            throw new IllegalArgumentException(PostmasterConfig.REALMS + ": '" + name + "' is not a valid realm URI");
        }
        String prefix = "postmaster.realm." + name + ".";
        boolean anonymous = boolValue(lookup, prefix + "anonymous", true);
        String rule = value(lookup, prefix + "uri-check", "loose");
        Uris.Rule uriRule = named(Uris.Rule.class, rule).orElseThrow(() -> new IllegalArgumentException(
                prefix + "uri-check must be loose or strict, got " + rule.toUpperCase(Locale.ROOT)));
        Map<String, Integer> history = new LinkedHashMap<>();
        for (String entry : list(lookup.apply(prefix + "history"), "")) {
            int eq = entry.lastIndexOf('=');
            String topic = eq > 0 ? entry.substring(0, eq).trim() : "";
            int limit = eq > 0 ? parseInt(entry.substring(eq + 1).trim()).orElse(-1) : -1;
            if (!Uris.valid(topic, Uris.Rule.LOOSE) || limit < 1) {
                throw new IllegalArgumentException(prefix + "history: '" + entry
                        + "' must be topic=limit with a topic URI and a positive limit");
            }
            history.put(topic, limit);
        }
        return new RealmConfig(name, anonymous, uriRule, history);
    }
}
