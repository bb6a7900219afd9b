package io.postmaster.router;

import io.postmaster.message.Ids;

/**
 * What a cluster engine gives the router so that several nodes form one router: session IDs unique across the nodes
 * and, per realm, the {@link PublicationRelay} that tells the other nodes about publications. A single node uses
 * {@link #NONE}: IDs random over the whole range, nobody to tell. The engine lives outside the routing core (it
 * knows the core, the core knows only this interface) and is handed to the {@link Router}'s constructor.
 */
public interface Backplane {
    /** A single node. */
    Backplane NONE = new Backplane() { };

    /**
     * A candidate ID for a new session; the router draws again while the candidate is in use on this node, so an
     * engine only has to make IDs of different nodes disjoint. By default random over [1, 2^53] from a
     * cryptographic source.
     */
    /** Whether this node is one of a cluster (false for {@link #NONE}). */
    default boolean clustered() {
        return false;
    }

    /**
     * Whether this node is joined to its cluster right now: reaches the engine and routes with the other nodes. A
     * single node always is.
     */
    default boolean joined() {
        return true;
    }

    /** This node's ID in its cluster, 0 for a single node (or before it first joined). */
    default long nodeId() {
        return 0;
    }

    default long sessionIdCandidate() {
        return Ids.secureRandom();
    }

    /** How the broker of {@code realm} tells other nodes about its publications. Asked once per realm, at start. */
    default PublicationRelay relay(String realm) {
        return PublicationRelay.NONE;
    }

    /**
     * The cluster's registration table and call link for {@code realm}, or null on a single node (each realm's
     * dealer is then alone). Asked once per realm, at start; the engine reaches the realm's side through
     * {@link Realm#clusterRpc()}.
     */
    default RpcBackplane rpc(String realm) {
        return null;
    }

    /** The other nodes' sessions of {@code realm} for the meta API, or null on a single node. Asked once, at start. */
    default SessionDirectory sessions(String realm) {
        return null;
    }
}
