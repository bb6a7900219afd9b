package io.postmaster.router.match;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Entries (subscriptions, registrations) keyed by URI and match policy: the one matching structure of the broker
 * and the dealer.
 *
 * <p>Reads ({@link #get}, {@link #forEachMatch}, {@link #bestMatch}) take no lock and may run on any thread.
 * Writes ({@link #getOrCreate}, {@link #remove}) must be made holding the table's monitor, so that a find-or-create
 * and the removal of an emptied entry never interleave.
 *
 * <p>Matching: exact URIs by hash lookup; prefix patterns match every URI that starts with them (plain string
 * prefix, as the spec's examples show: {@code com.myapp.myobject1} matches {@code com.myapp.myobject1-mysubobject1}),
 * found in a radix tree over characters ({@link PrefixTree}); wildcard patterns have empty components that match any
 * one component, found in a radix tree over components ({@link WildcardTree}). A lookup costs what the URI costs
 * (its length, its components), not what the table holds, so no client can slow others' routing down by holding many
 * patterns; a write costs the same, so a session's cleanup costs O(its own entries). Pattern lookups are skipped
 * entirely while a table holds none.
 *
 * @param <T> the entry type
 */
public final class UriTable<T> {
    private final ConcurrentHashMap<String, T> exact = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, T> prefix = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, T> wildcard = new ConcurrentHashMap<>();
    private final PrefixTree<T> prefixTree = new PrefixTree<>();
    private final WildcardTree<T> wildcardTree = new WildcardTree<>();

    /** The entry with exactly this URI and policy, or null. */
    public T get(String uri, MatchPolicy policy) {
        return switch (policy) {
            case EXACT -> exact.get(uri);
            case PREFIX -> prefix.get(uri);
            case WILDCARD -> wildcard.get(uri);
        };
    }

    /** Calls {@code action} for every entry whose pattern matches {@code uri}: the broker's rule. */
    public void forEachMatch(String uri, Consumer<? super T> action) {
        forEachMatch(uri, action, null);
    }

    private void forEachMatch(String uri, Consumer<? super T> action, int[] visits) {
        T e = exact.get(uri);
        if (e != null) {
            action.accept(e);
        }
        if (!prefix.isEmpty()) {
            prefixTree.forEachPrefixOf(uri, action, visits);
        }
        if (!wildcard.isEmpty()) {
            wildcardTree.forEachMatch(components(uri), action, visits);
        }
    }

    /**
     * The one entry a URI routes to — the dealer's rule (spec, "Calls matching multiple registrations"): an exact
     * match; else the longest matching prefix; else the wildcard pattern whose runs of literal components before
     * each wildcard are longest, compared run by run. Null when nothing matches.
     */
    public T bestMatch(String uri) {
        return bestMatch(uri, null);
    }

    private T bestMatch(String uri, int[] visits) {
        T e = exact.get(uri);
        if (e != null) {
            return e;
        }
        if (!prefix.isEmpty()) {
            T p = prefixTree.longestPrefixOf(uri, visits);
            if (p != null) {
                return p;
            }
        }
        return wildcard.isEmpty() ? null : wildcardTree.bestMatch(components(uri), visits);
    }

    private static String[] components(String uri) {
        return uri.split("\\.", -1);
    }

    /** The entry for this URI and policy, created by {@code factory} if there is none. Hold the monitor. */
    public T getOrCreate(String uri, MatchPolicy policy, Supplier<T> factory) {
        assert Thread.holdsLock(this);
        return switch (policy) {
            case EXACT -> exact.computeIfAbsent(uri, k -> factory.get());
            case PREFIX -> prefix.computeIfAbsent(uri, k -> {
                T created = factory.get();
                prefixTree.put(k, created);
                return created;
            });
            case WILDCARD -> wildcard.computeIfAbsent(uri, k -> {
                T created = factory.get();
                wildcardTree.put(components(k), created);
                return created;
            });
        };
    }

    /** Removes this entry if it is still the one stored for its URI and policy. Hold the monitor. */
    public boolean remove(String uri, MatchPolicy policy, T entry) {
        assert Thread.holdsLock(this);
        return switch (policy) {
            case EXACT -> exact.remove(uri, entry);
            case PREFIX -> {
                boolean removed = prefix.remove(uri, entry);
                if (removed) {
                    prefixTree.remove(uri);
                }
                yield removed;
            }
            case WILDCARD -> {
                boolean removed = wildcard.remove(uri, entry);
                if (removed) {
                    wildcardTree.remove(components(uri));
                }
                yield removed;
            }
        };
    }

    /** The entries of one policy; a weakly consistent view for inspection (meta API, tests). */
    public Collection<T> entries(MatchPolicy policy) {
        return switch (policy) {
            case EXACT -> exact.values();
            case PREFIX -> prefix.values();
            case WILDCARD -> wildcard.values();
        };
    }

    /**
     * The work {@link #forEachMatch} and {@link #bestMatch} do for {@code uri}: tree nodes examined, plus one for the
     * exact lookup. For tests that pin the cost without timing it.
     */
    int visits(String uri) {
        int[] visits = {2};
        forEachMatch(uri, e -> { }, visits);
        bestMatch(uri, visits);
        return visits[0];
    }

    /**
     * The trees' size, for tests of their shape: nodes (the two roots included), and label length (characters of
     * prefix labels plus components of wildcard labels).
     */
    long[] treeSize() {
        long[] p = prefixTree.size();
        long[] w = wildcardTree.size();
        return new long[] {p[0] + w[0], p[1] + w[1]};
    }

    /** Whether the table holds no entry. */
    public boolean isEmpty() {
        return exact.isEmpty() && prefix.isEmpty() && wildcard.isEmpty();
    }
}
