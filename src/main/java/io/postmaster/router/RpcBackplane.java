package io.postmaster.router;

import io.postmaster.message.WampMessage;
import io.postmaster.router.match.MatchPolicy;

/**
 * The dealer's side of a cluster engine, for one realm: one registration table for all nodes, and the link that
 * carries calls between them. Given by {@link Backplane#rpc}; null on a single node. The engine drives the other
 * direction through the realm's {@link ClusterRpc}: the other nodes' registrations, and the calls and answers that
 * arrive for this node.
 *
 * <p>Every method is called on a routing thread, possibly under the procedure table's monitor: it only queues work,
 * never blocks, and answers a claim later, on any thread.
 */
public interface RpcBackplane {

    /** Whether the cluster's table is reachable now; when not, registrations are made on this node alone. */
    boolean joined();

    /**
     * Claims a place for {@code session} in the cluster-wide registration of {@code procedure} under {@code match}:
     * atomically, the registration is created (with {@code candidateId}, unless that ID is taken) or joined if its
     * invocation policy is {@code invoke} and shared; otherwise refused. Answers exactly once.
     *
     * @param features the callee's announced features (the bits other nodes need to call it correctly)
     */
    void claim(long session, long features, long candidateId, String procedure, MatchPolicy match, String invoke,
               boolean disclose, Claimed done);

    /** {@code session} no longer serves {@code registration} (unregistered, revoked or left). */
    void release(long session, long registration);

    /**
     * Sends a message of a call that crosses nodes to {@code node}: INVOCATION or INTERRUPT for its callee
     * {@code calleeSession}, or the RESULT or ERROR its callee's call gets. False if it could not be handed on (the
     * engine is unreachable or its bounds are hit).
     */
    boolean send(long node, long calleeSession, WampMessage m);

    /** The answer to {@link #claim}. */
    interface Claimed {
        /** Claimed: the registration's cluster-wide ID and the callee's place in cluster registration order. */
        void registered(long registration, long order);

        /** Refused with an error URI (and a message for the client, or null). */
        void refused(String error, String message);
    }
}
