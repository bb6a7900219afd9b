package io.postmaster.adapter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The built-in {@link SessionStore}: in memory, at most {@code maxSessions} sessions and {@code maxBytes} bytes in
 * all, and per kind at most what its {@link Bounds} allow. Sessions do not survive a redeployment. One lock; every
 * operation is O(1) but {@link #expire}, which is O(the kind's sessions) and runs when the kind is full.
 */
public final class MemorySessionStore implements SessionStore {

    /** A kind's own bounds, within the store's. */
    public record Bounds(int maxSessions, long maxBytes) { }

    private record Id(Kind kind, String key) { }

    private final int maxSessions;
    private final long maxBytes;
    private final Map<Kind, Bounds> bounds;
    private final Map<Id, Entry> sessions = new LinkedHashMap<>();         // guarded by this
    private final Map<Kind, int[]> counts = new EnumMap<>(Kind.class);     // guarded by this
    private final Map<Kind, long[]> kindBytes = new EnumMap<>(Kind.class); // guarded by this
    private long bytes;                                                     // guarded by this

    /** @param bounds each kind's own bounds; a kind not given has only the store's */
    public MemorySessionStore(int maxSessions, long maxBytes, Map<Kind, Bounds> bounds) {
        this.maxSessions = maxSessions;
        this.maxBytes = maxBytes;
        this.bounds = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            this.bounds.put(k, bounds.getOrDefault(k, new Bounds(maxSessions, maxBytes)));
            counts.put(k, new int[1]);
            kindBytes.put(k, new long[1]);
        }
    }

    @Override
    public synchronized void create(Kind kind, String key, Object value, int size, Instant now) throws Full {
        Bounds b = bounds.get(kind);
        if (sessions.size() >= maxSessions) {
            throw new Full(sessions.size() + " sessions are kept (of every kind)");
        }
        if (counts.get(kind)[0] >= b.maxSessions()) {
            throw new Full(counts.get(kind)[0] + " " + kind + " sessions are kept");
        }
        if (bytes + size > maxBytes) {
            throw new Full("the sessions kept take " + bytes + " bytes (of every kind)");
        }
        if (kindBytes.get(kind)[0] + size > b.maxBytes()) {
            throw new Full("the " + kind + " sessions kept take " + kindBytes.get(kind)[0] + " bytes");
        }
        Entry old = sessions.put(new Id(kind, key), new Entry(kind, key, value, size, now, now));
        if (old != null) {
            forget(old);
        }
        counts.get(kind)[0]++;
        kindBytes.get(kind)[0] += size;
        bytes += size;
    }

    @Override
    public synchronized Entry lookup(Kind kind, String key, Instant now, Duration idle, Predicate<String> inUse) {
        Id id = new Id(kind, key);
        Entry e = sessions.get(id);
        if (e == null) {
            return null;
        }
        if (e.lastUsed().plus(idle).isBefore(now) && !inUse.test(key)) {
            sessions.remove(id);
            forget(e);
            return null;
        }
        Entry used = e.used(now);
        sessions.put(id, used);
        return used;
    }

    @Override
    public synchronized Entry peek(Kind kind, String key) {
        return sessions.get(new Id(kind, key));
    }

    @Override
    public synchronized void touch(Kind kind, String key, Instant now) {
        sessions.computeIfPresent(new Id(kind, key), (k, e) -> e.used(now));
    }

    @Override
    public synchronized Entry remove(Kind kind, String key) {
        Entry e = sessions.remove(new Id(kind, key));
        if (e != null) {
            forget(e);
        }
        return e;
    }

    @Override
    public synchronized boolean resize(Kind kind, String key, long delta) {
        Id id = new Id(kind, key);
        Entry e = sessions.get(id);
        if (e == null) {
            return false;
        }
        if (delta > 0 && (bytes + delta > maxBytes || kindBytes.get(kind)[0] + delta > bounds.get(kind).maxBytes())) {
            return false;
        }
        sessions.put(id, e.resized(delta));
        kindBytes.get(kind)[0] += delta;
        bytes += delta;
        return true;
    }

    @Override
    public synchronized List<String> expire(Kind kind, Duration idle, Instant now, Predicate<String> inUse) {
        List<String> dropped = new ArrayList<>();
        for (Iterator<Entry> it = sessions.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.kind() == kind && e.lastUsed().plus(idle).isBefore(now) && !inUse.test(e.key())) {
                it.remove();
                forget(e);
                dropped.add(e.key());
            }
        }
        return dropped;
    }

    /** Hold the monitor: {@code e} is no longer kept. */
    private void forget(Entry e) {
        counts.get(e.kind())[0]--;
        kindBytes.get(e.kind())[0] -= e.bytes();
        bytes -= e.bytes();
    }

    @Override
    public synchronized int size(Kind kind) {
        return counts.get(kind)[0];
    }

    @Override
    public synchronized long bytes(Kind kind) {
        return kindBytes.get(kind)[0];
    }

    /** Sessions kept, of every kind. */
    public synchronized int size() {
        return sessions.size();
    }

    /** Bytes kept, of every kind. */
    public synchronized long bytes() {
        return bytes;
    }
}
