package io.postmaster.webwire;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The built-in {@link SessionStore}: in memory, at most {@code maxSessions} sessions and {@code maxBytes} bytes, a
 * session with no connection dropped once idle for {@code idle}. Sessions do not survive a redeployment. One lock;
 * every operation is O(1) but {@link #expire}, which runs when the store is full and on the sweeper.
 */
public final class MemorySessionStore implements SessionStore {
    private final int maxSessions;
    private final long maxBytes;
    private final Duration idle;
    private final Map<String, Stored> sessions = new LinkedHashMap<>(); // guarded by this
    private long bytes;                                                 // guarded by this

    public MemorySessionStore(int maxSessions, long maxBytes, Duration idle) {
        this.maxSessions = maxSessions;
        this.maxBytes = maxBytes;
        this.idle = idle;
    }

    @Override
    public synchronized void create(Stored s) throws Full {
        if (sessions.size() >= maxSessions) {
            throw new Full(sessions.size() + " sessions are stored");
        }
        if (bytes + s.bytes() > maxBytes) {
            throw new Full("the stored sessions take " + bytes + " bytes");
        }
        sessions.put(s.key(), s);
        bytes += s.bytes();
    }

    @Override
    public synchronized Stored lookup(String key, Instant now, Predicate<String> inUse) {
        Stored s = sessions.get(key);
        if (s == null) {
            return null;
        }
        if (expired(s, now) && !inUse.test(key)) {
            remove(key);
            return null;
        }
        Stored used = s.used(now);
        sessions.put(key, used);
        return used;
    }

    /** Whether {@code s} was idle too long; only meaningful for a session with no connection. */
    private boolean expired(Stored s, Instant now) {
        return s.lastUsed().plus(idle).isBefore(now);
    }

    @Override
    public synchronized Stored peek(String key) {
        return sessions.get(key);
    }

    @Override
    public synchronized void touch(String key, Instant now) {
        sessions.computeIfPresent(key, (k, s) -> s.used(now));
    }

    @Override
    public synchronized Stored remove(String key) {
        Stored s = sessions.remove(key);
        if (s != null) {
            bytes -= s.bytes();
        }
        return s;
    }

    @Override
    public synchronized java.util.List<String> expire(Instant now, Predicate<String> inUse) {
        java.util.List<String> dropped = new java.util.ArrayList<>();
        for (Iterator<Stored> it = sessions.values().iterator(); it.hasNext(); ) {
            Stored s = it.next();
            if (expired(s, now) && !inUse.test(s.key())) {
                it.remove();
                bytes -= s.bytes();
                dropped.add(s.key());
            }
        }
        return dropped;
    }

    @Override
    public synchronized int size() {
        return sessions.size();
    }

    /** Bytes stored, for tests. */
    synchronized long bytes() {
        return bytes;
    }
}
