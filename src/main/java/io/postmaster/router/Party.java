package io.postmaster.router;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;
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
    /** Registrations claimed from the cluster and not answered yet: counted against the session's cap. */
    private volatile int claiming;
    // The maps are made on first use (most sessions never call, are called or register): an idle session pays for
    // none. Read through the accessors (empty until made); added to through the ...ToAdd ones.
    /** Registration IDs held. Changed under the procedure table's monitor. */
    private volatile Set<Long> registrations;
    /** Calls this session must answer as callee, by INVOCATION request ID. */
    private volatile Map<Long, PendingCall> invocations;
    /** Calls this session made and waits for, by CALL request ID. */
    private volatile Map<Long, PendingCall> calls;
    /**
     * Its progressive calls that ended while it was still sending chunks: their late chunks are discarded. Made with
     * its first progressive call.
     */
    private volatile EndedStreams endedStreams;

    private static final VarHandle REGISTRATIONS;
    private static final VarHandle INVOCATIONS;
    private static final VarHandle CALLS;
    private static final VarHandle ENDED_STREAMS;
    private static final VarHandle CLAIMING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            REGISTRATIONS = l.findVarHandle(Party.class, "registrations", Set.class);
            INVOCATIONS = l.findVarHandle(Party.class, "invocations", Map.class);
            CALLS = l.findVarHandle(Party.class, "calls", Map.class);
            ENDED_STREAMS = l.findVarHandle(Party.class, "endedStreams", EndedStreams.class);
            CLAIMING = l.findVarHandle(Party.class, "claiming", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Party(Session session) {
        this(session, 0);
    }

    Party(Session session, long node) {
        this.session = session;
        this.node = node;
    }

    /** Registrations claimed from the cluster and not answered yet. */
    int claiming() {
        return claiming;
    }

    /** One more (1) or one fewer (-1) registration claimed and not answered yet. */
    void claimed(int delta) {
        CLAIMING.getAndAdd(this, delta);
    }

    /** Whether a CALL of {@code procedure} with {@code request} is a late chunk of an ended progressive call. */
    boolean endedStream(long request, String procedure) {
        EndedStreams e = endedStreams;
        return e != null && e.contains(request, procedure);
    }

    /** Where its progressive calls note that they ended (made now if this is its first). */
    EndedStreams endedStreams() {
        EndedStreams e = endedStreams;
        if (e == null) {
            ENDED_STREAMS.compareAndSet(this, null, new EndedStreams());
            e = endedStreams;
        }
        return e;
    }

    Set<Long> registrations() {
        Set<Long> r = registrations;
        return r != null ? r : Collections.emptySet();
    }

    Map<Long, PendingCall> invocations() {
        Map<Long, PendingCall> m = invocations;
        return m != null ? m : Collections.emptyMap();
    }

    Map<Long, PendingCall> calls() {
        Map<Long, PendingCall> m = calls;
        return m != null ? m : Collections.emptyMap();
    }

    Set<Long> registrationsToAdd() {
        Set<Long> r = registrations;
        if (r == null) {
            REGISTRATIONS.compareAndSet(this, null, ConcurrentHashMap.newKeySet());
            r = registrations;
        }
        return r;
    }

    Map<Long, PendingCall> invocationsToAdd() {
        Map<Long, PendingCall> m = invocations;
        if (m == null) {
            INVOCATIONS.compareAndSet(this, null, new ConcurrentHashMap<Long, PendingCall>());
            m = invocations;
        }
        return m;
    }

    Map<Long, PendingCall> callsToAdd() {
        Map<Long, PendingCall> m = calls;
        if (m == null) {
            CALLS.compareAndSet(this, null, new ConcurrentHashMap<Long, PendingCall>());
            m = calls;
        }
        return m;
    }

    @Override
    public String toString() {
        return session.toString();
    }
}
