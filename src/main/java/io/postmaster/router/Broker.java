package io.postmaster.router;

import io.postmaster.config.RealmConfig;
import io.postmaster.config.SessionLimits;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.Ids;
import io.postmaster.message.Sizes;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.message.WampMessage.Published;
import io.postmaster.message.WampMessage.Subscribed;
import io.postmaster.message.WampMessage.Unsubscribed;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.router.match.UriTable;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.Action;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WAMP Broker of one realm: SUBSCRIBE, UNSUBSCRIBE, PUBLISH → EVENT, with the Advanced Profile's pattern-based
 * subscriptions, subscriber black/whitelisting, publisher exclusion and identification, event retention and history,
 * subscription revocation, payload passthru mode ({@link Passthru}), and the sessions' testaments. It alone holds
 * and changes the realm's pub/sub tables: the topic table, subscriptions by ID, retained events, event histories,
 * and per session (its {@link Subscriber}) what the session subscribed and the testaments it left. It receives only
 * checked work (the {@link Gate} validated, authorized and intercepted it). See the package doc for the concurrency
 * rules.
 *
 * <p>Cluster seam: a publication is routed in two steps, {@link #deliverLocal} (to the subscribers of this node) and
 * the {@link PublicationRelay} (telling the other nodes, which call their own {@code deliverLocal}).
 */
final class Broker {
    private static final Logger LOG = Logger.getLogger(Broker.class.getName());
    private static final RateLimitedLog LIMIT_REACHED = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog NOT_RETAINED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog TESTAMENT_REFUSED = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog REVOKED = new RateLimitedLog(LOG, Level.INFO);
    /** Subscription meta events. */
    static final String ON_CREATE = "wamp.subscription.on_create";
    static final String ON_SUBSCRIBE = "wamp.subscription.on_subscribe";
    static final String ON_UNSUBSCRIBE = "wamp.subscription.on_unsubscribe";
    static final String ON_DELETE = "wamp.subscription.on_delete";

    /** The broker features announced in WELCOME: only those that work. */
    static final Map<String, Object> FEATURES = features();

    /**
     * One session as the broker knows it: the subscriptions it holds (by ID) and the testaments it left. Created when
     * the session joins, emptied once when it leaves ({@link #detach}); only the broker reads or changes it.
     */
    static final class Subscriber {
        private final Session session;
        /** Most sessions hold a few subscriptions: the table starts at two slots and grows as they come. */
        private final Map<Long, Subscription> subscriptions = new ConcurrentHashMap<>(1);
        /**
         * Made with the session's first testament (most leave none); {@link Testaments#DRAINED} once the session left
         * without one. Guarded by this subscriber.
         */
        private Testaments testaments;

        private Subscriber(Session session) {
            this.session = session;
        }

        private synchronized Testaments testamentsToAdd() {
            if (testaments == null) {
                testaments = new Testaments();
            }
            return testaments;
        }

        private List<Testaments.Testament> drainTestaments() {
            Testaments t;
            synchronized (this) {
                t = testaments;
                if (t == null) {
                    testaments = Testaments.DRAINED;
                    return List.of();
                }
            }
            return t.drain();
        }

        private void flushTestaments(Testaments.Scope scope) {
            Testaments t;
            synchronized (this) {
                t = testaments;
            }
            if (t != null) {
                t.flush(scope);
            }
        }
    }

    private final String realm;
    private final SessionLimits.Caps caps;
    private final MetaEvents metaEvents;
    private final Authorization authorization;
    private final PublicationRelay relay;
    private volatile java.util.function.LongSupplier ids = Ids::random;
    /** Publications routed here (clients' and meta events) and EVENTs queued: counted for the metrics only. */
    private final LongAdder publications = new LongAdder();
    private final LongAdder deliveries = new LongAdder();
    private final UriTable<Subscription> topics = new UriTable<>();
    private final Map<Long, Subscription> subscriptionsById = new ConcurrentHashMap<>();
    private final Quota subscriptionQuota;
    private final Map<String, Retained> retained = new ConcurrentHashMap<>();
    private final int retainedMax;
    private long retainedBytes; // guarded by retained
    private final Map<String, EventHistory> history = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong historySequence = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param authorization asked again when a testament fires
     * @param relay         tells other nodes of each publication ({@link PublicationRelay#NONE} on a single node)
     */
    Broker(RealmConfig config, SessionLimits.Caps caps, int retainedMax, MetaEvents metaEvents,
           Authorization authorization, PublicationRelay relay) {
        this.realm = config.name();
        this.caps = caps;
        this.retainedMax = retainedMax;
        this.metaEvents = metaEvents;
        this.authorization = authorization;
        this.relay = relay;
        this.subscriptionQuota = new Quota(caps.realmSubscriptions());
        config.history().forEach((topic, limit) -> history.put(topic,
                new EventHistory(historySequence, limit, caps.historyBytes())));
    }

    private static Map<String, Object> features() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("publisher_exclusion", true);
        f.put("publisher_identification", true);
        f.put("subscriber_blackwhite_listing", true);
        f.put("pattern_based_subscription", true);
        f.put("event_retention", true);
        f.put("session_meta_api", true);
        f.put("subscription_meta_api", true);
        f.put("testament_meta_api", true);
        f.put("event_history", true);
        f.put("subscription_revocation", true);
        f.put("payload_passthru_mode", true);
        return java.util.Collections.unmodifiableMap(f);
    }

    /** The broker's handle for a joining session. */
    Subscriber subscriber(Session s) {
        return new Subscriber(s);
    }

    // ------------------------------------------------------------------------------------------ subscriptions

    /** SUBSCRIBE to a valid, authorized topic or pattern. */
    void subscribe(Subscriber s, long request, String topic, MatchPolicy policy, boolean getRetained) {
        boolean retainedFromCluster = getRetained && relay.stores();
        boolean created;
        Subscription sub;
        synchronized (topics) {
            Subscription existing = topics.get(topic, policy);
            if (existing == null || !s.subscriptions.containsKey(existing.id())) {
                takeSlot(s);
            }
            sub = existing != null ? existing : topics.getOrCreate(topic, policy, () -> {
                Subscription c = new Subscription(newId(), topic, policy);
                subscriptionsById.put(c.key(), c);
                return c;
            });
            created = existing == null;
            // The session's before SUBSCRIBED is queued: a peer may act on SUBSCRIBED at once, on another thread (an
            // UNSUBSCRIBE a bridge had waiting), and must find the subscription.
            s.subscriptions.put(sub.key(), sub);
            // Under the subscription's monitor, which delivery holds too: no EVENT of it can be queued between
            // joining the set and SUBSCRIBED, and every publication after SUBSCRIBED finds the session in the set.
            synchronized (sub) {
                sub.subscribers.add(s.session);
                s.session.send(new Subscribed(request, sub.id()));
                if (getRetained && !retainedFromCluster) {
                    sendRetained(sub, s.session);
                }
            }
            // Meta events queued under the table's monitor, so they come out in the order the changes happened
            // (on_create before the on_subscribe of a second session), and published after letting go of it.
            if (created) {
                metaEvents.add(ON_CREATE, List.of(s.session.id(), sub.details()));
                relay.interest(realm, topic, policy, true);
            }
            metaEvents.add(ON_SUBSCRIBE, List.of(s.session.id(), sub.id()));
        }
        metaEvents.flush();
        if (retainedFromCluster) {
            clusterRetained(sub, s.session);
        }
        if (s.session.closed()) {
            // The session was detached by another thread (killed, transport closed) while we subscribed it: the
            // detach set the flag before it cleaned up, so either it removed this subscription or we do.
            remove(s, sub);
        }
    }

    /**
     * Takes a subscription slot of the session and of the realm for a new subscription, or refuses with
     * {@code postmaster.error.limit_reached}. Under the table's monitor; the slot is given back by {@link #remove}.
     */
    private void takeSlot(Subscriber s) {
        int cap = caps.subscriptions();
        String refused = s.subscriptions.size() >= cap
                ? "the session holds " + cap + " subscriptions (postmaster.max-subscriptions)"
                : !subscriptionQuota.tryAcquire()
                ? "the realm holds " + subscriptionQuota.cap() + " subscriptions (postmaster.realm-max-subscriptions)"
                : null;
        if (refused != null) {
            LIMIT_REACHED.log(() -> "SUBSCRIBE refused for " + s.session + ": " + refused);
            throw new Refusal(ErrorUris.LIMIT_REACHED, refused);
        }
    }

    void unsubscribe(Subscriber s, long request, long subscription) {
        Subscription sub = s.subscriptions.get(subscription);
        if (sub == null) {
            throw new Refusal(ErrorUris.NO_SUCH_SUBSCRIPTION, null);
        }
        remove(s, sub);
        s.session.send(new Unsubscribed(request, null));
    }

    /**
     * Removes everything a leaving session holds: one subscription at a time, each a short hold of the table's
     * monitor (O(URI length)), so other sessions' SUBSCRIBEs interleave and the whole costs O(the session's own
     * subscriptions).
     */
    void detach(Subscriber s) {
        for (Subscription sub : s.subscriptions.values()) {
            remove(s, sub);
        }
    }

    /**
     * Removes the session from the subscription and publishes on_unsubscribe (and on_delete when it was the last):
     * the change under the table's monitor like every change, the meta events after it.
     */
    private void remove(Subscriber s, Subscription sub) {
        synchronized (topics) {
            if (s.subscriptions.remove(sub.id()) == null) {
                return;
            }
            subscriptionQuota.release();
            boolean empty;
            synchronized (sub) {
                sub.subscribers.remove(s.session);
                empty = sub.subscribers.isEmpty();
            }
            metaEvents.add(ON_UNSUBSCRIBE, List.of(s.session.id(), sub.id()));
            if (empty && topics.remove(sub.topic(), sub.policy(), sub)) {
                subscriptionsById.remove(sub.id());
                metaEvents.add(ON_DELETE, List.of(s.session.id(), sub.id()));
                relay.interest(realm, sub.topic(), sub.policy(), false);
            }
        }
        metaEvents.flush();
    }

    /**
     * Subscription revocation: removes {@code s} from {@code sub} as if it had unsubscribed (no EVENT of it follows),
     * and tells it with {@code [UNSUBSCRIBED, 0, {subscription, reason}]} if it announced
     * {@code subscription_revocation} (the spec: never a subscriber that did not).
     *
     * @param reason why, or null
     * @return false if {@code s} did not hold {@code sub}
     */
    boolean revoke(Subscriber s, Subscription sub, String reason) {
        if (!s.subscriptions.containsKey(sub.id())) {
            return false;
        }
        remove(s, sub);
        REVOKED.log(() -> "subscription " + sub + " of " + s.session + " revoked" + (reason == null ? "" : ": "
                + reason));
        if (s.session.supports(Session.SUBSCRIBER_SUBSCRIPTION_REVOCATION)) {
            s.session.send(new Unsubscribed(0, reason == null ? Map.of("subscription", sub.id())
                    : Map.of("subscription", sub.id(), "reason", reason)));
        }
        return true;
    }

    /**
     * Where new IDs come from: random over the whole range on a single node; on a cluster, the node's own share of
     * it ({@link Backplane#sessionIdCandidate}), so IDs of different nodes cannot clash.
     */
    void ids(java.util.function.LongSupplier source) {
        this.ids = source;
    }

    private long newId() {
        long id;
        do {
            id = ids.getAsLong();
        } while (subscriptionsById.containsKey(id));
        return id;
    }

    // ------------------------------------------------------------------------------------------ publications

    /**
     * PUBLISH of a valid, authorized (and intercepted) publication: delivered here and relayed to other nodes,
     * retained if asked, acknowledged if asked.
     *
     * @param filter   who may receive it (built once by the gate from the options); null for everyone
     * @param disclose whether the publisher is disclosed ({@code disclose_me}, or the rule that allowed it says so)
     */
    void publish(Session publisher, Publish m, SubscriberFilter filter, boolean disclose) {
        Map<String, Object> options = m.options();
        Map<String, Object> details = disclose ? publisherDetails(publisher) : Map.of();
        if (Passthru.requested(options)) { // the ppt_* attributes go out with the opaque payload
            details = Passthru.details(details, options);
        }
        long publication = route(m.topic(), details, m.args(), m.kwargs(), filter);
        if (Boolean.TRUE.equals(options.get("retain"))) {
            retain(m.topic(), new Retained(publication, details, m.args(), m.kwargs(), filter));
        }
        if (Boolean.TRUE.equals(options.get("acknowledge"))) {
            publisher.send(new Published(m.request(), publication));
        }
    }

    /** Publishes a meta event as the router: no URI checks, nobody excluded. */
    void publishMeta(String topic, List<Object> args) {
        route(topic, Map.of(), args, null, null);
    }

    private long route(String topic, Map<String, Object> details, List<Object> args, Map<String, Object> kwargs,
                       SubscriberFilter filter) {
        long publication = Ids.random();
        publications.increment();
        deliverLocal(topic, publication, details, args, kwargs, filter);
        relay.publish(realm, topic, publication, details, args, kwargs, filter);
        EventHistory h = history.isEmpty() ? null : history.get(topic);
        if (h != null && relay.stores() && (filter == null || !filter.namesSessions())) {
            relay.record(realm, topic, publication, details, args, kwargs, filter == null ? null
                    : filter.withoutSessions(), h.limit(), caps.historyBytes());
        }
        return publication;
    }

    /**
     * Delivers a publication to this node's subscribers only, and records it in the topic's history (if one is kept):
     * the local half of routing, and what a node does with a publication another node relays to it.
     */
    void deliverLocal(String topic, long publication, Map<String, Object> details, List<Object> args,
                      Map<String, Object> kwargs, SubscriberFilter filter) {
        topics.forEachMatch(topic, sub -> deliver(sub, filter, publication, topic, details, args, kwargs));
        EventHistory h = history.isEmpty() ? null : history.get(topic);
        if (h != null) {
            h.record(topic, publication, details, args, kwargs, filter);
        }
    }

    private void deliver(Subscription sub, SubscriberFilter filter, long publication, String topic,
                                Map<String, Object> details, List<Object> args, Map<String, Object> kwargs) {
        Outgoing event = null; // built on first use: a subscription may hold only the publisher
        int sent = 0;
        synchronized (sub) {
            for (Session subscriber : sub.subscribers) {
                if (filter != null && !filter.allows(subscriber)) {
                    continue;
                }
                if (event == null) {
                    event = new Outgoing(new Event(sub.id(), publication, eventDetails(sub, topic, details),
                            args, kwargs));
                }
                subscriber.send(event);
                sent++;
            }
        }
        if (sent > 0) {
            deliveries.add(sent);
        }
    }

    /** Subscriptions the realm's sessions hold (one per session and subscription). */
    int subscriptionCount() {
        return subscriptionQuota.used();
    }

    long publications() {
        return publications.sum();
    }

    long deliveries() {
        return deliveries.sum();
    }

    /** EVENT.Details: the publisher if disclosed, and for pattern subscriptions the concrete topic. */
    private static Map<String, Object> eventDetails(Subscription sub, String topic, Map<String, Object> details) {
        if (sub.policy() == MatchPolicy.EXACT) {
            return details;
        }
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("topic", topic);
        return d;
    }

    /** EVENT.Details that disclose the publisher: {@code publisher, publisher_authid, publisher_authrole}. */
    private static Map<String, Object> publisherDetails(Session s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("publisher", s.id());
        d.put("publisher_authid", s.authid());
        d.put("publisher_authrole", s.authrole());
        return d;
    }

    // ------------------------------------------------------------------------------------------ retained events

    /**
     * Stores the retained event of a topic (PUBLISH {@code retain: true}), replacing the topic's previous one; at
     * most the configured number of topics and bytes ({@link Sizes#json} of topic, details and payload). An event
     * past either cap is not retained — and the topic's previous one is dropped, as it is no longer the last —
     * with a (rate-limited) warning; the publication itself is unaffected.
     */
    private void retain(String topic, Retained event) {
        int budget = caps.retainedBytes();
        if (relay.stores()) {
            relay.retain(realm, topic, event.publication(), event.details(), event.args(), event.kwargs(),
                    event.filter(), retainedMax, budget);
        }
        long size = size(topic, event, budget);
        synchronized (retained) {
            Retained previous = retained.get(topic);
            long freed = previous == null ? 0 : size(topic, previous, budget);
            String refused = previous == null && retained.size() >= retainedMax
                    ? retainedMax + " topics have one (postmaster.retained-max)"
                    : retainedBytes - freed + size > budget
                    ? "retained events would take more than " + budget + " bytes (postmaster.retained-max-bytes)"
                    : null;
            if (refused != null) {
                if (previous != null) {
                    retained.remove(topic);
                    retainedBytes -= freed;
                }
                NOT_RETAINED.log(() -> "realm " + realm + ": not retaining an event on " + topic + ": " + refused);
                return;
            }
            retained.put(topic, event);
            retainedBytes += size - freed;
        }
    }

    private static long size(String topic, Retained r, long budget) {
        return topic.length() + (r.filter() == null ? 0 : r.filter().bytes())
                + Sizes.json(r.details(), budget, Integer.MAX_VALUE)
                + Sizes.json(r.args(), budget, Integer.MAX_VALUE) + Sizes.json(r.kwargs(), budget, Integer.MAX_VALUE);
    }

    /**
     * The retained events a new subscriber asked for, those it would have been eligible for when they were published:
     * for an exact topic one lookup; for a pattern a scan of the retained topics (at most
     * {@code postmaster.retained-max} of them).
     */
    private void sendRetained(Subscription sub, Session s) {
        if (sub.policy() == MatchPolicy.EXACT) {
            Retained r = retained.get(sub.topic());
            if (r != null && r.eligible(s)) {
                sendRetained(sub, s, sub.topic(), r);
            }
            return;
        }
        retained.forEach((topic, r) -> {
            if (sub.policy().matches(sub.topic(), topic) && r.eligible(s)) {
                sendRetained(sub, s, topic, r);
            }
        });
    }

    /**
     * The retained events a new subscriber asked for, from the cluster engine, which keeps those of every node: sent
     * when it answers (after SUBSCRIBED, at most one round trip later), if the session still holds the subscription;
     * this node's own are sent instead when the engine cannot answer.
     */
    private void clusterRetained(Subscription sub, Session s) {
        relay.retained(realm, sub.topic(), sub.policy(), new SessionDirectory.Answer<>() {
            @Override
            public void ok(List<PublicationRelay.Stored> events) {
                synchronized (sub) {
                    if (!sub.subscribers.contains(s)) {
                        return;
                    }
                    for (PublicationRelay.Stored e : events) {
                        Retained r = new Retained(e.publication(), e.details(), e.args(), e.kwargs(), e.filter());
                        if (sub.policy().matches(sub.topic(), e.topic()) && r.eligible(s)) {
                            sendRetained(sub, s, e.topic(), r);
                        }
                    }
                }
            }

            @Override
            public void failed(String why) {
                NOT_RETAINED.log(() -> "realm " + realm + ": the cluster's retained events could not be read (" + why
                        + "); this node's own are sent");
                synchronized (sub) {
                    if (sub.subscribers.contains(s)) {
                        sendRetained(sub, s);
                    }
                }
            }
        });
    }

    private static void sendRetained(Subscription sub, Session s, String topic, Retained r) {
        Map<String, Object> d = new LinkedHashMap<>(eventDetails(sub, topic, r.details()));
        d.put("retained", true);
        s.send(new Event(sub.id(), r.publication(), d, r.args(), r.kwargs()));
    }

    // ------------------------------------------------------------------------------------------ testaments

    /** Publishes the testaments of a session that left: once, the detached bucket first (see {@link Testaments}). */
    void publishTestaments(Subscriber s) {
        for (Testaments.Testament t : s.drainTestaments()) {
            publishTestament(s.session, t);
        }
    }

    /**
     * Adds a checked testament ({@code wamp.session.add_testament}) within the session's caps.
     *
     * @throws Refusal past a cap (see {@link Testaments#add}); logged, rate-limited
     */
    void addTestament(Subscriber s, Testaments.Scope scope, Testaments.Testament t, int maxCount, int maxBytes) {
        try {
            s.testamentsToAdd().add(scope, t, maxCount, maxBytes);
        } catch (Refusal r) {
            TESTAMENT_REFUSED.log(() -> "testament of about " + t.bytes() + " bytes refused for " + s.session + ": "
                    + r.getMessage());
            throw r;
        }
    }

    /** Drops the testaments of one scope ({@code wamp.session.flush_testaments}). */
    void flushTestaments(Subscriber s, Testaments.Scope scope) {
        s.flushTestaments(scope);
    }

    /**
     * Publishes a leaving session's testament as if the session had published it, if it still may: the authorizer is
     * asked again (its answer may have changed since the testament was added); a testament no longer allowed is
     * dropped and logged.
     */
    private void publishTestament(Session s, Testaments.Testament t) {
        boolean disclose;
        SubscriberFilter filter;
        try {
            disclose = authorization.check(s, Action.PUBLISH, t.topic())
                    || Boolean.TRUE.equals(t.options().get("disclose_me"));
            filter = SubscriberFilter.of(t.options(), s); // valid: checked when the testament was added
        } catch (Refusal r) {
            TESTAMENT_REFUSED.log(() -> "testament of " + s + " on " + t.topic() + " not published: " + r.error()
                    + " (the session may no longer publish there)");
            return;
        }
        Map<String, Object> details = disclose ? publisherDetails(s) : Map.of();
        long publication = route(t.topic(), details, t.args(), t.kwargs(), filter);
        if (Boolean.TRUE.equals(t.options().get("retain"))) {
            retain(t.topic(), new Retained(publication, details, t.args(), t.kwargs(), filter));
        }
    }

    // ------------------------------------------------------------------------------------------ reading the tables

    /** The subscription with this ID, or null. */
    Subscription subscription(long id) {
        return subscriptionsById.get(id);
    }

    /** The subscription to {@code topic} under {@code policy}, or null. */
    Subscription subscription(String topic, MatchPolicy policy) {
        return topics.get(topic, policy);
    }

    /** The subscriptions of one match policy. */
    java.util.Collection<Subscription> subscriptions(MatchPolicy policy) {
        return topics.entries(policy);
    }

    /** Calls {@code action} for every subscription matching {@code topic}. */
    void forEachMatch(String topic, Consumer<Subscription> action) {
        topics.forEachMatch(topic, action);
    }

    /** Whether the cluster engine keeps the event histories of all nodes now (then {@link #clusterHistory}). */
    boolean historyInCluster() {
        return relay.stores();
    }

    /**
     * The events the cluster engine recorded for {@code topics} (each with a history kept), oldest first, answered
     * once, on any thread.
     */
    void clusterHistory(List<String> topics, SessionDirectory.Answer<List<EventHistory.Entry>> answer) {
        relay.history(realm, topics, new SessionDirectory.Answer<>() {
            @Override
            public void ok(List<PublicationRelay.Stored> stored) {
                List<EventHistory.Entry> out = new java.util.ArrayList<>(stored.size());
                for (PublicationRelay.Stored e : stored) {
                    out.add(new EventHistory.Entry(e.seq(), java.time.Instant.ofEpochMilli(e.time()), e.publication(),
                            e.topic(), e.details(), e.args(), e.kwargs(), e.filter(), 0));
                }
                out.sort(java.util.Comparator.comparingLong(EventHistory.Entry::seq));
                answer.ok(out);
            }

            @Override
            public void failed(String why) {
                answer.failed(why);
            }
        });
    }

    /** The configured history topics {@code sub}'s topic or pattern matches. */
    List<String> historyTopics(String topic, MatchPolicy policy) {
        List<String> out = new java.util.ArrayList<>();
        for (String t : history.keySet()) {
            if (policy == MatchPolicy.EXACT ? t.equals(topic) : policy.matches(topic, t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** The event history of a topic, or null if the realm keeps none for it. */
    EventHistory history(String topic) {
        return history.isEmpty() ? null : history.get(topic);
    }

    /**
     * The event histories of the topics a subscription matches (for a pattern, every configured topic it matches;
     * their number is the operator's, not a client's).
     */
    List<EventHistory> histories(Subscription sub) {
        if (sub.policy() == MatchPolicy.EXACT) {
            EventHistory h = history(sub.topic());
            return h == null ? List.of() : List.of(h);
        }
        List<EventHistory> out = new java.util.ArrayList<>();
        history.forEach((topic, h) -> {
            if (sub.policy().matches(sub.topic(), topic)) {
                out.add(h);
            }
        });
        return out;
    }
}
