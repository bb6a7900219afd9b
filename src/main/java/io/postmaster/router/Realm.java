package io.postmaster.router;

import io.postmaster.config.RealmConfig;
import io.postmaster.config.SessionLimits;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.Sizes;
import io.postmaster.message.Uris;
import io.postmaster.router.match.UriTable;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A routing namespace: its sessions and its broker and dealer tables. Sessions in different realms never see each
 * other. The tables are state only; the rules that change them live in {@link io.postmaster.router.Broker}
 * and {@link io.postmaster.router.Dealer}.
 */
public final class Realm {
    private static final Logger LOG = Logger.getLogger(Realm.class.getName());
    private static final RateLimitedLog NOT_RETAINED = new RateLimitedLog(LOG, Level.WARNING);
    /** Session meta events, published by the router. */
    public static final String ON_JOIN = "wamp.session.on_join";
    public static final String ON_LEAVE = "wamp.session.on_leave";

    private final RealmConfig config;
    private final Router router;
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final UriTable<Subscription> topics = new UriTable<>();
    private final Map<Long, Subscription> subscriptionsById = new ConcurrentHashMap<>();
    private final UriTable<Registration> procedures = new UriTable<>();
    private final Map<Long, Registration> registrationsById = new ConcurrentHashMap<>();
    private final Map<String, Retained> retained = new ConcurrentHashMap<>();
    private final int retainedMax;
    private long retainedBytes; // guarded by retained
    private final Map<String, EventHistory> history = new ConcurrentHashMap<>();
    private final SessionLimits.Caps caps;
    private final Quota subscriptionQuota;
    private final Quota registrationQuota;
    private final Quota pendingCallQuota;
    private final MetaEvents metaEvents;

    Realm(RealmConfig config, Router router, int retainedMax) {
        this.config = config;
        this.router = router;
        this.retainedMax = retainedMax;
        this.caps = router.config().limits().of(config.name());
        this.subscriptionQuota = new Quota(caps.realmSubscriptions());
        this.registrationQuota = new Quota(caps.realmRegistrations());
        this.pendingCallQuota = new Quota(caps.realmPendingCalls());
        config.history().forEach((topic, limit) -> history.put(topic, new EventHistory(limit, caps.historyBytes())));
        this.metaEvents = new MetaEvents((topic, args) -> router.broker().publishAsRouter(this, topic, args, null,
                Map.of(), null), router.scheduler());
    }

    /** This realm's meta events, in the order of the changes, published outside the tables' monitors. */
    public MetaEvents metaEvents() { return metaEvents; }

    /** The event history of a topic, or null if the realm keeps none for it. */
    public EventHistory history(String topic) {
        return history.isEmpty() ? null : history.get(topic);
    }

    public String name() { return config.name(); }
    /** The router serving this realm. */
    public Router router() { return router; }
    public RealmConfig config() { return config; }
    public Uris.Rule uriRule() { return config.uriRule(); }

    /** Subscriptions by topic. Writers hold the table's monitor (see {@link UriTable}). */
    public UriTable<Subscription> topics() { return topics; }
    /** Subscriptions by ID; written under {@link #topics()}' monitor. */
    public Map<Long, Subscription> subscriptionsById() { return subscriptionsById; }
    /** Registrations by procedure. Writers hold the table's monitor. */
    public UriTable<Registration> procedures() { return procedures; }
    /** Registrations by ID; written under {@link #procedures()}' monitor. */
    public Map<Long, Registration> registrationsById() { return registrationsById; }

    /** The sessions joined to this realm. */
    public Collection<Session> sessions() { return sessions.values(); }

    /** A joined session by ID, or null. */
    public Session session(long id) { return sessions.get(id); }

    /** What one session, and all sessions together, may hold in this realm. */
    public SessionLimits.Caps caps() { return caps; }
    /** Subscriptions held by all sessions (one per session and subscription); see {@link SessionLimits.Caps}. */
    public Quota subscriptionQuota() { return subscriptionQuota; }
    /** Registrations held by all sessions. */
    public Quota registrationQuota() { return registrationQuota; }
    /** Calls waiting for an answer. */
    public Quota pendingCallQuota() { return pendingCallQuota; }

    /**
     * Stores the retained event of a topic (PUBLISH {@code retain: true}), replacing the topic's previous one; at
     * most the configured number of topics and bytes ({@link Sizes#json} of topic, details and payload). An event
     * past either cap is not retained — and the topic's previous one is dropped, as it is no longer the last —
     * with a (rate-limited) warning; the publication itself is unaffected.
     */
    public void retain(String topic, Retained event) {
        int budget = caps.retainedBytes();
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
                NOT_RETAINED.log(() -> "realm " + name() + ": not retaining an event on " + topic + ": " + refused);
                return;
            }
            retained.put(topic, event);
            retainedBytes += size - freed;
        }
    }

    private static long size(String topic, Retained r, long budget) {
        return topic.length() + Sizes.json(r.details(), budget, Integer.MAX_VALUE)
                + Sizes.json(r.args(), budget, Integer.MAX_VALUE) + Sizes.json(r.kwargs(), budget, Integer.MAX_VALUE);
    }

    /** Bytes held by retained events ({@link Sizes#json}). */
    public long retainedBytes() {
        synchronized (retained) {
            return retainedBytes;
        }
    }

    /** The retained event of one topic, or null. */
    public Retained retained(String topic) {
        return retained.get(topic);
    }

    /** Calls {@code action} for every topic with a retained event. */
    public void forEachRetained(BiConsumer<String, Retained> action) {
        retained.forEach(action);
    }

    void attach(Session s) {
        sessions.put(s.id(), s);
        // Every subscriber of on_join gets the same event: it never carries the transport address (see below)
        router.broker().publishMeta(this, ON_JOIN, List.of(sessionDetails(s, false)));
    }

    /**
     * A session as the meta API describes it.
     *
     * @param withPeerAddress whether to include {@code transport.peer}, the client's address: only for sessions of
     *                        the roles in {@code postmaster.realm.<realm>.peer-address-roles}
     */
    public static Map<String, Object> sessionDetails(Session s, boolean withPeerAddress) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("session", s.id());
        d.put("authid", s.authid());
        d.put("authrole", s.authrole());
        d.put("authmethod", s.authmethod());
        d.put("authprovider", s.details().authprovider());
        d.put("transport", withPeerAddress
                ? Map.of("type", "websocket", "protocol", s.peer().transport().subprotocol(),
                        "peer", s.peer().transport().peerAddress())
                : Map.of("type", "websocket", "protocol", s.peer().transport().subprotocol()));
        return d;
    }

    /**
     * Removes a session and everything it holds: subscriptions, registrations, pending calls (its callers get
     * {@code wamp.error.canceled}). Idempotent; safe from any thread.
     */
    void detach(Session s) {
        if (sessions.remove(s.id(), s)) {
            s.markClosed();
            Pacing.run(() -> { // what a leaving session leaves behind reaches others as the router's own burst
                router.broker().detach(s);
                router.dealer().detach(s);
                // No session resumption: leaving detaches and destroys at once, so the detached bucket goes first (spec)
                for (Testaments.Testament t : s.testaments().drain()) {
                    router.publishTestament(this, s, t);
                }
                router.broker().publishMeta(this, ON_LEAVE, List.of(s.id(), s.authid(), s.authrole()));
            });
            router.releaseSessionId(s.id());
        }
    }
}
