package io.postmaster.adapter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * Where sessions that outlive their connections are kept, by kind and key: webwire sessions (restored by key after a
 * reconnect) and resumable WAMP sessions (resumed by token). One store for both, bounded by count and bytes as a whole
 * and per kind, so neither kind can crowd out the other and together they cannot grow past the store's bounds. The
 * built-in store is {@link MemorySessionStore}; a cluster engine can back this interface later, so that a webwire
 * session restores on any node (a resumable WAMP session is live on one node: there the entry would name that node).
 * Implementations are thread-safe; every operation is short and never blocks on I/O.
 */
public interface SessionStore {

    /** The kinds of session kept; each has its own keys and bounds. */
    enum Kind { WEBWIRE, WAMP }

    /**
     * A kept session.
     *
     * @param value    what the kind keeps: a webwire session's identity and info, or a resumable WAMP session
     * @param bytes    what it counts against the byte bounds now (it may grow and shrink: {@link #resize})
     * @param lastUsed when it was last looked up or let go by its last connection
     */
    record Entry(Kind kind, String key, Object value, long bytes, Instant created, Instant lastUsed) {
        Entry used(Instant now) {
            return new Entry(kind, key, value, bytes, created, now);
        }

        Entry resized(long delta) {
            return new Entry(kind, key, value, bytes + delta, created, lastUsed);
        }
    }

    /** Why a session could not be kept: which bound it met. */
    final class Full extends Exception {
        public Full(String message) {
            super(message, null, false, false);
        }
    }

    /** Keeps a new session of {@code bytes}; {@link Full} past the store's or the kind's count or byte bound. */
    void create(Kind kind, String key, Object value, int bytes, Instant now) throws Full;

    /**
     * The session, its last use set to {@code now}; null if unknown, or (then it is dropped) idle for longer than
     * {@code idle} and not {@code inUse} (it has no connection).
     */
    Entry lookup(Kind kind, String key, Instant now, Duration idle, Predicate<String> inUse);

    /** The session as kept, its last use unchanged; null if unknown. */
    Entry peek(Kind kind, String key);

    /** Marks the session used at {@code now} (its last connection left): its idle time starts again. */
    void touch(Kind kind, String key, Instant now);

    /** Drops the session; the one dropped, or null. */
    Entry remove(Kind kind, String key);

    /**
     * Counts {@code delta} more bytes (fewer, if negative) for a kept session; false, and nothing changed, when more
     * would pass the store's or the kind's byte bound, or the session is not kept.
     */
    boolean resize(Kind kind, String key, long delta);

    /** Drops the sessions of {@code kind} idle for longer than {@code idle}, except those {@code inUse}; their keys. */
    List<String> expire(Kind kind, Duration idle, Instant now, Predicate<String> inUse);

    /** Sessions of {@code kind} kept. */
    int size(Kind kind);

    /** Bytes the sessions of {@code kind} take. */
    long bytes(Kind kind);
}
