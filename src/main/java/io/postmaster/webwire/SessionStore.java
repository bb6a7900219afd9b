package io.postmaster.webwire;

import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where sessions that survive reconnects are kept, by key. The built-in store is {@link MemorySessionStore}, bounded
 * by count and bytes; a cluster engine can back this interface later so a session restores on any node.
 * Implementations are thread-safe.
 */
public interface SessionStore {

    /**
     * A stored session: what a restoration gives back.
     *
     * @param key     the session key (64 characters of Base64url, from 48 random bytes)
     * @param realm   the realm it belongs to
     * @param authid  the WAMP authid its connections join with
     * @param authrole the WAMP role its connections join with
     * @param info    the session info, a JSON object (webwire's {@code "i"}); its connections' {@code authextra}
     * @param bytes   what it counts against the store's byte bound
     */
    record Stored(String key, String realm, String authid, String authrole, Map<String, Object> info,
                  Instant created, Instant lastUsed, int bytes) {
        Stored used(Instant now) {
            return new Stored(key, realm, authid, authrole, info, created, now, bytes);
        }
    }

    /** Why a session could not be stored. */
    final class Full extends Exception {
        public Full(String message) {
            super(message, null, false, false);
        }
    }

    /** Stores a new session. */
    void create(Stored session) throws Full;

    /**
     * The session, its last use set to {@code now}; null if unknown, or idle for longer than allowed and not
     * {@code inUse} (it has no connection).
     */
    Stored lookup(String key, Instant now, Predicate<String> inUse);

    /** The session as stored, its last use unchanged; null if unknown. */
    Stored peek(String key);

    /** Marks the session used at {@code now} (its last connection left): its idle time starts again. */
    void touch(String key, Instant now);

    /** Removes the session; the one removed, or null. */
    Stored remove(String key);

    /**
     * Drops the sessions idle for longer than allowed, except those {@code inUse} (they have connections).
     *
     * @return the keys dropped
     */
    java.util.List<String> expire(Instant now, Predicate<String> inUse);

    /** Sessions stored. */
    int size();
}
