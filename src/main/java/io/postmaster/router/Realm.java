package io.postmaster.router;

import io.postmaster.config.RealmConfig;
import io.postmaster.message.Uris;
import io.postmaster.router.broker.EventHistory;
import io.postmaster.router.broker.MetaEvents;
import io.postmaster.router.broker.Retained;
import io.postmaster.router.broker.Subscription;
import io.postmaster.router.dealer.Registration;
import io.postmaster.router.match.UriTable;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.logging.Logger;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A routing namespace: its sessions and its broker and dealer tables. Sessions in different realms never see each
 * other. The tables are state only; the rules that change them live in {@link io.postmaster.router.broker.Broker}
 * and {@link io.postmaster.router.dealer.Dealer}.
 */
public final class Realm {
    private static final Logger LOG = Logger.getLogger(Realm.class.getName());
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
    private final Map<String, EventHistory> history = new ConcurrentHashMap<>();
    private final MetaEvents metaEvents;

    Realm(RealmConfig config, Router router, int retainedMax) {
        this.config = config;
        this.router = router;
        this.retainedMax = retainedMax;
        config.history().forEach((topic, limit) -> history.put(topic, new EventHistory(limit)));
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

    /** Stores the retained event of a topic (PUBLISH {@code retain: true}); at most the configured number of topics. */
    public void retain(String topic, Retained event) {
        if (retained.size() >= retainedMax && !retained.containsKey(topic)) {
            LOG.warning(() -> "realm " + name() + ": not retaining an event on " + topic + ", already "
                    + retainedMax + " topics have one (postmaster.retained-max)");
            return;
        }
        retained.put(topic, event);
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
        router.broker().publishMeta(this, ON_JOIN, List.of(sessionDetails(s)));
    }

    /** A session as the meta API describes it. */
    public static Map<String, Object> sessionDetails(Session s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("session", s.id());
        d.put("authid", s.authid());
        d.put("authrole", s.authrole());
        d.put("authmethod", s.authmethod());
        d.put("authprovider", s.details().authprovider());
        d.put("transport", Map.of("type", "websocket", "protocol", s.peer().transport().subprotocol(),
                "peer", s.peer().transport().peerAddress()));
        return d;
    }

    /**
     * Removes a session and everything it holds: subscriptions, registrations, pending calls (its callers get
     * {@code wamp.error.canceled}). Idempotent; safe from any thread.
     */
    void detach(Session s) {
        if (sessions.remove(s.id(), s)) {
            s.markClosed();
            router.broker().detach(s);
            router.dealer().detach(s);
            for (Session.Testament t : s.testaments()) {
                router.publishTestament(this, s, t);
            }
            router.broker().publishMeta(this, ON_LEAVE, List.of(s.id(), s.authid(), s.authrole()));
            router.releaseSessionId(s.id());
        }
    }
}
