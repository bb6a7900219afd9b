package io.postmaster.router;

import io.postmaster.router.match.MatchPolicy;

import java.util.List;
import java.util.Map;

/**
 * The broker's half of the cluster seam: "tell the world about a publication". The {@link Broker} delivers each
 * publication to the subscribers of its own node ({@link Broker#deliverLocal}) and hands it here; a cluster engine
 * sends it to the other nodes, each of which calls {@code deliverLocal} on the broker of the same realm
 * ({@link Realm#deliverRelayed}) — and never relays it again. On a single node there is nobody to tell
 * ({@link #NONE}).
 *
 * <p>Called on the publisher's thread, after local delivery, with no monitor held; it must not block. Everything it
 * receives is immutable and identifies sessions by ID only (publication IDs and session IDs are unique across
 * nodes), so it can be serialized as it is ({@link SubscriberFilter#toMap}).
 *
 * <p>The broker also says which topics this node's subscribers want ({@link #interest}), so an engine can send a node
 * only the publications it has subscribers for.
 */
public interface PublicationRelay {
    /** A single node: nothing to relay. */
    PublicationRelay NONE = (realm, topic, publication, details, args, kwargs, filter) -> { };

    /**
     * @param realm       the realm published in
     * @param topic       the concrete topic
     * @param publication the publication ID, the same on every node
     * @param details     EVENT.Details for exact subscriptions (the publisher, when disclosed)
     * @param filter      who may receive it (publisher exclusion, black/whitelists); null for everyone
     */
    void publish(String realm, String topic, long publication, Map<String, Object> details, List<Object> args,
                 Map<String, Object> kwargs, SubscriberFilter filter);

    /**
     * This node's first subscription to {@code topic} under {@code policy} was created ({@code on}), or its last one
     * removed. Called holding the broker's topic table monitor, so the calls come in the order of the changes; it
     * must only queue, never block or call back into the router.
     */
    default void interest(String realm, String topic, MatchPolicy policy, boolean on) {
    }
}
