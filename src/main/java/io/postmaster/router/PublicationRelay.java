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
 *
 * <p>Retained events and event histories: on a single node the broker keeps them. An engine that {@link #stores}
 * them keeps them for all nodes: the publisher's node hands it each retained event ({@link #retain}) and each
 * publication to a topic with an event history ({@link #record}), and a node reads them from it
 * ({@link #retained}, {@link #history}); when it cannot answer, the node answers from what it keeps itself.
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
     * A publication an engine keeps: a retained event, or an event of a topic's history.
     *
     * @param seq    its place among the realm's recorded events (history), 0 for a retained event
     * @param time   when it was published, in epoch milliseconds
     * @param filter who may receive it; null for everyone
     */
    record Stored(long seq, long time, long publication, String topic, Map<String, Object> details, List<Object> args,
                  Map<String, Object> kwargs, SubscriberFilter filter) {
    }

    /** Whether the engine keeps the retained events and event histories of all nodes now (it is reachable). */
    default boolean stores() {
        return false;
    }

    /**
     * Keeps {@code topic}'s retained event for every node, replacing the previous one, within the realm's caps
     * ({@code maxTopics} topics, {@code maxBytes}); past them the event is not kept and the topic's previous one is
     * dropped. Only queues; never blocks.
     */
    default void retain(String realm, String topic, long publication, Map<String, Object> details, List<Object> args,
                        Map<String, Object> kwargs, SubscriberFilter filter, int maxTopics, long maxBytes) {
    }

    /**
     * Records a publication in {@code topic}'s event history for every node: at most {@code limit} events and
     * {@code maxBytes}, the oldest dropped first. Only queues; never blocks.
     */
    default void record(String realm, String topic, long publication, Map<String, Object> details, List<Object> args,
                        Map<String, Object> kwargs, SubscriberFilter filter, int limit, long maxBytes) {
    }

    /** The retained events of the topics {@code topic} matches under {@code policy}, answered once, on any thread. */
    default void retained(String realm, String topic, MatchPolicy policy, SessionDirectory.Answer<List<Stored>> answer) {
        answer.failed("not kept by a cluster engine");
    }

    /** The recorded events of {@code topics}, answered once, on any thread. */
    default void history(String realm, List<String> topics, SessionDirectory.Answer<List<Stored>> answer) {
        answer.failed("not kept by a cluster engine");
    }

    /**
     * This node's first subscription to {@code topic} under {@code policy} was created ({@code on}), or its last one
     * removed. Called holding the broker's topic table monitor, so the calls come in the order of the changes; it
     * must only queue, never block or call back into the router.
     */
    default void interest(String realm, String topic, MatchPolicy policy, boolean on) {
    }
}
