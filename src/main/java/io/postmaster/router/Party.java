package io.postmaster.router;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One session as the dealer knows it: the registrations it holds, the calls it made and waits for, and the
 * invocations it owes an answer. Created when the session joins, emptied once when it leaves; only the
 * {@link Dealer} reads or changes it.
 *
 * <p>The maps are concurrent because other sessions' threads touch them (a caller's thread adds to a callee's
 * {@link #invocations}); removal from the callee's map is the single point that decides who answers a call.
 */
final class Party {
    final Session session;
    /** The cluster node the session lives on, 0 for this node (a session of another node is a proxy here). */
    final long node;
    /** Its registrations stay on this node (the router's own server-side procedures, present on every node). */
    volatile boolean nodeOnly;
    /** Registrations asked of the cluster and not answered yet (they count against the session's cap). */
    final java.util.concurrent.atomic.AtomicInteger claiming = new java.util.concurrent.atomic.AtomicInteger();
    /** Registration IDs held. Changed under the procedure table's monitor. */
    final Set<Long> registrations = ConcurrentHashMap.newKeySet();
    /** Calls this session must answer as callee, by INVOCATION request ID. */
    final Map<Long, PendingCall> invocations = new ConcurrentHashMap<>();
    /** Calls this session made and waits for, by CALL request ID. */
    final Map<Long, PendingCall> calls = new ConcurrentHashMap<>();
    /** Its progressive calls that ended while it was still sending chunks: their late chunks are discarded. */
    final EndedStreams endedStreams = new EndedStreams();

    Party(Session session) {
        this(session, 0);
    }

    Party(Session session, long node) {
        this.session = session;
        this.node = node;
    }

    @Override
    public String toString() {
        return session.toString();
    }
}
