package io.postmaster.router;

import io.postmaster.message.WampMessage;

/**
 * The dealer's second half of the cluster seam: "send an invocation to a callee that may live elsewhere". The dealer
 * hands it every INVOCATION (and INTERRUPT) for a callee; on a single node it queues the message on the callee's
 * transport ({@link #LOCAL}). A cluster engine forwards it to the callee's node, and brings the callee's YIELD or
 * ERROR back to this node's dealer ({@link Dealer#yield}, {@link Dealer#invocationError}) for the callee's
 * {@link Party}, where the pending call is answered as for a local callee. (A callee on another node is a session
 * whose {@link Peer} forwards there, so the default works for it too; a link lets the engine batch or route
 * differently.)
 *
 * <p>Called on the caller's (or the router's) thread; like {@link Peer#send} it only queues, never blocks.
 */
interface InvocationLink {
    /** A single node: the callee's own transport. */
    InvocationLink LOCAL = Session::send;

    /** Sends {@code m} (INVOCATION or INTERRUPT) to {@code callee}. */
    void send(Session callee, WampMessage m);
}
