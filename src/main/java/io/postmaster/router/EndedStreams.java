package io.postmaster.router;

/**
 * The last {@value #KEPT} progressive calls of a caller that ended (the callee answered, the call was canceled or
 * timed out) while the caller was still sending chunks, by CALL request ID and procedure: a chunk still on its
 * way for one of them is discarded, as the spec's progressive call invocations allow, instead of starting a new
 * call. Bounded by count; a chunk older than that looks like a new CALL again. Empty, and never consulted, for
 * callers that never stream: its arrays are made on first use, so a session that never streams pays for none.
 */
final class EndedStreams {
    static final int KEPT = 16;
    private long[] requests;
    private String[] procedures;
    private int next;
    private volatile boolean used;

    synchronized void add(long request, String procedure) {
        if (requests == null) {
            requests = new long[KEPT];
            procedures = new String[KEPT];
        }
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
