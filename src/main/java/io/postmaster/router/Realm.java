package io.postmaster.router;

import io.postmaster.config.RealmConfig;
import io.postmaster.message.Uris;
import io.postmaster.router.broker.Subscription;
import io.postmaster.router.dealer.Registration;
import io.postmaster.router.match.UriTable;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A routing namespace: its sessions and its broker and dealer tables. Sessions in different realms never see each
 * other. The tables are state only; the rules that change them live in {@link io.postmaster.router.broker.Broker}
 * and {@link io.postmaster.router.dealer.Dealer}.
 */
public final class Realm {
    private final RealmConfig config;
    private final Router router;
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final UriTable<Subscription> topics = new UriTable<>();
    private final Map<Long, Subscription> subscriptionsById = new ConcurrentHashMap<>();
    private final UriTable<Registration> procedures = new UriTable<>();
    private final Map<Long, Registration> registrationsById = new ConcurrentHashMap<>();

    Realm(RealmConfig config, Router router) {
        this.config = config;
        this.router = router;
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

    void attach(Session s) {
        sessions.put(s.id(), s);
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
            router.releaseSessionId(s.id());
        }
    }
}
