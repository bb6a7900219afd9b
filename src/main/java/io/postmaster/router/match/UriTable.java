package io.postmaster.router.match;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 * prefix, as the spec's examples show: {@code com.myapp.myobject1} matches {@code com.myapp.myobject1-mysubobject1});
 * wildcard patterns have empty components that match any one component. Pattern lookups scan the patterns of
 * their kind, and are skipped entirely while a table holds none.
 *
 * @param <T> the entry type
 */
public final class UriTable<T> {
    private final ConcurrentHashMap<String, T> exact = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, T> prefix = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Wildcard<T>> wildcard = new ConcurrentHashMap<>();

    private record Wildcard<T>(String[] components, int[] runs, T entry) {
        static <T> Wildcard<T> of(String pattern, T entry) {
            String[] c = pattern.split("\\.", -1);
            List<Integer> runs = new ArrayList<>();
            int run = 0;
            for (String s : c) {
                if (s.isEmpty()) {
                    runs.add(run);
                    run = 0;
                } else {
                    run++;
                }
            }
            runs.add(run);
            return new Wildcard<>(c, runs.stream().mapToInt(Integer::intValue).toArray(), entry);
        }

        boolean matches(String[] uri) {
            return wildcardMatches(components, uri);
        }
    }

    /** Whether wildcard pattern components match URI components: same count, empty pattern components match any. */
    static boolean wildcardMatches(String[] pattern, String[] uri) {
        if (uri.length != pattern.length) {
            return false;
        }
        for (int i = 0; i < uri.length; i++) {
            if (!pattern[i].isEmpty() && !pattern[i].equals(uri[i])) {
                return false;
            }
        }
        return true;
    }

    /** The entry with exactly this URI and policy, or null. */
    public T get(String uri, MatchPolicy policy) {
        return switch (policy) {
            case EXACT -> exact.get(uri);
            case PREFIX -> prefix.get(uri);
            case WILDCARD -> {
                Wildcard<T> w = wildcard.get(uri);
                yield w == null ? null : w.entry();
            }
        };
    }

    /** Calls {@code action} for every entry whose pattern matches {@code uri}: the broker's rule. */
    public void forEachMatch(String uri, Consumer<? super T> action) {
        T e = exact.get(uri);
        if (e != null) {
            action.accept(e);
        }
        if (!prefix.isEmpty()) {
            for (var p : prefix.entrySet()) {
                if (uri.startsWith(p.getKey())) {
                    action.accept(p.getValue());
                }
            }
        }
        if (!wildcard.isEmpty()) {
            String[] components = uri.split("\\.", -1);
            for (Wildcard<T> w : wildcard.values()) {
                if (w.matches(components)) {
                    action.accept(w.entry());
                }
            }
        }
    }

    /**
     * The one entry a URI routes to — the dealer's rule (spec, "Calls matching multiple registrations"): an exact
     * match; else the longest matching prefix; else the wildcard pattern whose runs of literal components before
     * each wildcard are longest, compared run by run. Null when nothing matches.
     */
    public T bestMatch(String uri) {
        T e = exact.get(uri);
        if (e != null) {
            return e;
        }
        if (!prefix.isEmpty()) {
            String best = null;
            T bestEntry = null;
            for (var p : prefix.entrySet()) {
                String k = p.getKey();
                if (uri.startsWith(k) && (best == null || k.length() > best.length())) {
                    best = k;
                    bestEntry = p.getValue();
                }
            }
            if (bestEntry != null) {
                return bestEntry;
            }
        }
        if (!wildcard.isEmpty()) {
            String[] components = uri.split("\\.", -1);
            Wildcard<T> best = null;
            for (Wildcard<T> w : wildcard.values()) {
                if (w.matches(components) && (best == null || longerRuns(w.runs(), best.runs()))) {
                    best = w;
                }
            }
            if (best != null) {
                return best.entry();
            }
        }
        return null;
    }

    private static boolean longerRuns(int[] a, int[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                return a[i] > b[i];
            }
        }
        return false;
    }

    /** The entry for this URI and policy, created by {@code factory} if there is none. Hold the monitor. */
    public T getOrCreate(String uri, MatchPolicy policy, Supplier<T> factory) {
        assert Thread.holdsLock(this);
        return switch (policy) {
            case EXACT -> exact.computeIfAbsent(uri, k -> factory.get());
            case PREFIX -> prefix.computeIfAbsent(uri, k -> factory.get());
            case WILDCARD -> wildcard.computeIfAbsent(uri, k -> Wildcard.of(k, factory.get())).entry();
        };
    }

    /** Removes this entry if it is still the one stored for its URI and policy. Hold the monitor. */
    public boolean remove(String uri, MatchPolicy policy, T entry) {
        assert Thread.holdsLock(this);
        return switch (policy) {
            case EXACT -> exact.remove(uri, entry);
            case PREFIX -> prefix.remove(uri, entry);
            case WILDCARD -> {
                Wildcard<T> w = wildcard.get(uri);
                yield w != null && w.entry() == entry && wildcard.remove(uri, w);
            }
        };
    }

    /** The entries of one policy; a weakly consistent view for inspection (meta API, tests). */
    public Collection<T> entries(MatchPolicy policy) {
        return switch (policy) {
            case EXACT -> exact.values();
            case PREFIX -> prefix.values();
            case WILDCARD -> wildcard.values().stream().map(Wildcard::entry).toList();
        };
    }

    /** The work {@link #forEachMatch} does for {@code uri}: the patterns it compares. For tests that pin the cost. */
    int visits(String uri) {
        return 1 + prefix.size() + wildcard.size();
    }

    /** Whether the table holds no entry. */
    public boolean isEmpty() {
        return exact.isEmpty() && prefix.isEmpty() && wildcard.isEmpty();
    }
}
