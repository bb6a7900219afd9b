package io.postmaster.router;

/**
 * The dealer's first half of the cluster seam: "find a callee". Given a procedure a caller may call, it names the
 * registration that matches best and the callee its invocation policy picks. On a single node that is the realm's
 * own procedure table (the dealer's default); a cluster engine looks registrations up cluster-wide (registration and
 * session IDs are unique across nodes) and returns a callee on another node as a {@link Party} whose session's
 * {@link Peer} forwards to that node, so the rest of the call — pending-call bookkeeping, timeouts, cancellation,
 * "every CALL ends exactly once" — stays the dealer's, unchanged.
 *
 * <p>Called on the caller's thread with no monitor held; it must answer from memory and never block.
 */
interface CalleeLocator {
    /** The callee for a call of {@code procedure}, or null if no registration matches (or none has a callee left). */
    Registration.Callee find(String procedure);
}
