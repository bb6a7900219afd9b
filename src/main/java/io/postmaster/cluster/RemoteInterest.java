package io.postmaster.cluster;

import io.postmaster.router.match.MatchPolicy;
import io.postmaster.router.match.UriTable;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * One realm's mirror of what the other nodes subscribe to: per topic or pattern (exact, prefix, wildcard) the nodes
 * that want it, in the router's own matching table, so finding the nodes a publication must go to costs
 * O(URI components) like local matching. Changed only on the cluster's control thread (holding the table's monitor,
 * as the table requires); read lock-free on publishers' threads.
 */
final class RemoteInterest {
    /** The nodes wanting one topic under one policy; replaced, never changed, so readers need no lock. */
    private static final class Nodes {
        volatile long[] ids = new long[0];
    }

    /** The key of a node that wants every publication of the realm (its subscribers want more than it announces). */
    static final String EVERYTHING = "a ";

    private final UriTable<Nodes> table = new UriTable<>();
    /** The nodes that want everything; replaced, never changed. */
    private volatile long[] everything = new long[0];
    /** Per node, its entries ("policy topic" keys as {@link #key} builds them). Control thread only. */
    private final Map<Long, Set<String>> byNode = new HashMap<>();

    /** Calls {@code action} once for every node that has a subscription matching {@code topic}. */
    void forEachNode(String topic, LongConsumer action) {
        // Most topics match one entry: no set for that case.
        long[][] matched = new long[1][];
        @SuppressWarnings("unchecked")
        Set<Long>[] seen = new Set[1];
        table.forEachMatch(topic, n -> {
            long[] ids = n.ids;
            if (ids.length == 0) {
                return;
            }
            if (matched[0] == null) {
                matched[0] = ids;
            } else {
                if (seen[0] == null) {
                    seen[0] = new HashSet<>();
                    for (long id : matched[0]) {
                        seen[0].add(id);
                    }
                }
                for (long id : ids) {
                    seen[0].add(id);
                }
            }
        });
        long[] all = everything;
        if (all.length > 0) {
            if (seen[0] == null) {
                seen[0] = new HashSet<>();
                if (matched[0] != null) {
                    for (long id : matched[0]) {
                        seen[0].add(id);
                    }
                }
            }
            for (long id : all) {
                seen[0].add(id);
            }
        }
        if (seen[0] != null) {
            seen[0].forEach(action::accept);
        } else if (matched[0] != null) {
            for (long id : matched[0]) {
                action.accept(id);
            }
        }
    }

    /** Whether {@code node} wants every publication (its announced key is {@link #EVERYTHING}). */
    private void everything(long node, boolean on) {
        long[] old = everything;
        boolean has = java.util.Arrays.stream(old).anyMatch(id -> id == node);
        if (on && !has) {
            long[] ids = java.util.Arrays.copyOf(old, old.length + 1);
            ids[old.length] = node;
            everything = ids;
        } else if (!on && has) {
            everything = java.util.Arrays.stream(old).filter(id -> id != node).toArray();
        }
    }

    /** Whether any node wants anything (cheap check before matching). */
    boolean isEmpty() {
        return table.isEmpty() && everything.length == 0;
    }

    static String key(MatchPolicy policy, String topic) {
        return switch (policy) {
            case EXACT -> "e ";
            case PREFIX -> "p ";
            case WILDCARD -> "w ";
        } + topic;
    }

    /** The policy and topic of a {@link #key}, or null if it is not one. */
    static Map.Entry<MatchPolicy, String> parse(String key) {
        if (key.length() < 3 || key.charAt(1) != ' ') {
            return null;
        }
        MatchPolicy p = switch (key.charAt(0)) {
            case 'e' -> MatchPolicy.EXACT;
            case 'p' -> MatchPolicy.PREFIX;
            case 'w' -> MatchPolicy.WILDCARD;
            default -> null;
        };
        return p == null ? null : Map.entry(p, key.substring(2));
    }

    void add(long node, MatchPolicy policy, String topic) {
        if (!byNode.computeIfAbsent(node, n -> new HashSet<>()).add(key(policy, topic))) {
            return;
        }
        synchronized (table) {
            Nodes n = table.getOrCreate(topic, policy, Nodes::new);
            long[] old = n.ids;
            long[] ids = java.util.Arrays.copyOf(old, old.length + 1);
            ids[old.length] = node;
            n.ids = ids;
        }
    }

    void remove(long node, MatchPolicy policy, String topic) {
        Set<String> mine = byNode.get(node);
        if (mine == null || !mine.remove(key(policy, topic))) {
            return;
        }
        synchronized (table) {
            Nodes n = table.get(topic, policy);
            if (n == null) {
                return;
            }
            n.ids = java.util.Arrays.stream(n.ids).filter(id -> id != node).toArray();
            if (n.ids.length == 0) {
                table.remove(topic, policy, n);
            }
        }
    }

    /**
     * Replaces everything {@code node} wants by {@code keys} (as {@link #key} builds them): only the differences
     * change, so an entry in both is never missing, not even for a moment (a publication routed meanwhile still
     * reaches the node).
     */
    void replace(long node, Set<String> keys) {
        if (keys.contains(EVERYTHING)) { // first, so no publication misses the node while its entries go
            everything(node, true);
            byNode.computeIfAbsent(node, n -> new HashSet<>());
        }
        Set<String> mine = byNode.get(node);
        if (mine != null) {
            for (String k : Set.copyOf(mine)) {
                if (!keys.contains(k)) {
                    Map.Entry<MatchPolicy, String> e = parse(k);
                    remove(node, e.getKey(), e.getValue());
                }
            }
        }
        for (String k : keys) {
            Map.Entry<MatchPolicy, String> e = parse(k);
            if (e != null) {
                add(node, e.getKey(), e.getValue());
            }
        }
        if (!keys.contains(EVERYTHING)) { // last, once the node's entries are in place
            everything(node, false);
        }
    }

    /** Forgets a node (it left, or is dead). */
    void dropNode(long node) {
        everything(node, false);
        Set<String> mine = byNode.get(node);
        if (mine == null) {
            return;
        }
        for (String k : Set.copyOf(mine)) {
            Map.Entry<MatchPolicy, String> e = parse(k);
            remove(node, e.getKey(), e.getValue());
        }
        byNode.remove(node);
    }

    /** The nodes this mirror knows entries of. */
    Set<Long> nodes() {
        return Set.copyOf(byNode.keySet());
    }

    /** Whether {@code node} asks for every publication (for tests and logs). */
    boolean wantsEverything(long node) {
        return java.util.Arrays.stream(everything).anyMatch(id -> id == node);
    }

    /** How many entries a node has here (for tests and logs). */
    int size(long node) {
        Set<String> mine = byNode.get(node);
        return (mine == null ? 0 : mine.size()) + (wantsEverything(node) ? 1 : 0);
    }
}
