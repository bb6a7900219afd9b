package io.postmaster.router.match;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Entries (subscriptions, registrations) keyed by URI and match policy.
 *
 * <p>Reads ({@link #get}, {@link #forEachMatch}) take no lock and may run on any thread. Writes
 * ({@link #getOrCreate}, {@link #remove}) must be made while holding the table's monitor, so that a
 * find-or-create and the removal of an emptied entry never interleave.
 *
 * @param <T> the entry type
 */
public final class UriTable<T> {
    private final ConcurrentHashMap<String, T> exact = new ConcurrentHashMap<>();

    /** The entry with exactly this URI and policy, or null. */
    public T get(String uri, MatchPolicy policy) {
        return policy == MatchPolicy.EXACT ? exact.get(uri) : null;
    }

    /** Calls {@code action} for every entry whose pattern matches {@code uri}. */
    public void forEachMatch(String uri, Consumer<? super T> action) {
        T e = exact.get(uri);
        if (e != null) {
            action.accept(e);
        }
    }

    /** The single entry that matches {@code uri} best (for the dealer: exact before patterns), or null. */
    public T bestMatch(String uri) {
        return exact.get(uri);
    }

    /** The entry for this URI and policy, created by {@code factory} if there is none. Hold the monitor. */
    public T getOrCreate(String uri, MatchPolicy policy, Supplier<T> factory) {
        requireSupported(policy);
        assert Thread.holdsLock(this);
        return exact.computeIfAbsent(uri, k -> factory.get());
    }

    /** Removes this entry if it is still the one stored for its URI and policy. Hold the monitor. */
    public boolean remove(String uri, MatchPolicy policy, T entry) {
        assert Thread.holdsLock(this);
        return policy == MatchPolicy.EXACT && exact.remove(uri, entry);
    }

    /** Whether this table can store entries of {@code policy}. */
    public static boolean supports(MatchPolicy policy) {
        return policy == MatchPolicy.EXACT;
    }

    private static void requireSupported(MatchPolicy policy) {
        if (!supports(policy)) {
            throw new IllegalArgumentException("match policy not supported: " + policy);
        }
    }

    /** Every entry; a weakly consistent view for inspection and tests. */
    public Collection<T> entries() {
        return exact.values();
    }

    /** Whether the table holds no entry. */
    public boolean isEmpty() {
        return exact.isEmpty();
    }
}
