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
    /** Registration IDs held. Changed under the procedure table's monitor. */
    final Set<Long> registrations = ConcurrentHashMap.newKeySet();
    /** Calls this session must answer as callee, by INVOCATION request ID. */
    final Map<Long, PendingCall> invocations = new ConcurrentHashMap<>();
    /** Calls this session made and waits for, by CALL request ID. */
    final Map<Long, PendingCall> calls = new ConcurrentHashMap<>();
    /** Its progressive calls that ended while it was still sending chunks: their late chunks are discarded. */
    final EndedStreams endedStreams = new EndedStreams();

    Party(Session session) {
        this.session = session;
    }

    @Override
    public String toString() {
        return session.toString();
    }

    /**
     * The last {@value #KEPT} progressive calls of a caller that ended (the callee answered, the call was canceled or
     * timed out) while the caller was still sending chunks, by CALL request ID and procedure: a chunk still on its
     * way for one of them is discarded, as the spec's progressive call invocations allow, instead of starting a new
     * call. Bounded by count; a chunk older than that looks like a new CALL again. Empty, and never consulted, for
     * callers that never stream.
     */
    static final class EndedStreams {
        static final int KEPT = 16;
        private final long[] requests = new long[KEPT];
        private final String[] procedures = new String[KEPT];
        private int next;
        private volatile boolean used;

        synchronized void add(long request, String procedure) {
            requests[next] = request;
            procedures[next] = procedure;
            next = (next + 1) % KEPT;
            used = true;
        }

        /** Whether a CALL of {@code procedure} with {@code request} is a late chunk of an ended call. */
        boolean contains(long request, String procedure) {
            if (!used) {
                return false;
            }
            synchronized (this) {
                for (int i = 0; i < KEPT; i++) {
                    if (requests[i] == request && procedure.equals(procedures[i])) {
                        return true;
                    }
                }
                return false;
            }
        }
    }
}
