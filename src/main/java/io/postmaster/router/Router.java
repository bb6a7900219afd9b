package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.config.RealmConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.Ids;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.metrics.Metrics;
import io.postmaster.spi.SessionDetails;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The WAMP router: its realms, the transports connected to it and the session IDs in use. One per application; the
 * endpoint hands it each new transport through {@link #connect(Peer)}. Routing itself is each realm's (its gate,
 * broker and dealer); the router also keeps what logins share across realms (the extensions, the login guard and the
 * credential-check lane).
 */
public final class Router implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Router.class.getName());

    private final PostmasterConfig config;
    private final ScheduledExecutorService scheduler;
    private final Extensions extensions;
    private final Backplane backplane;
    /**
     * The realms served, by name: an immutable snapshot read without a lock on every HELLO, replaced as a whole
     * (holding {@code realmChanges}) when an operator adds or removes a realm.
     */
    private volatile Map<String, Realm> realms = Map.of();
    private final Object realmChanges = new Object();
    private final Authorization authorization;
    private final Interception interception;
    private final Set<Long> sessionIds = ConcurrentHashMap.newKeySet();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final LoginGuard loginGuard;
    private final CheckLane checks;
    private final Map<String, Object> roles = Map.of(
            "broker", Map.of("features", Broker.FEATURES),
            "dealer", Map.of("features", Dealer.FEATURES));
    private volatile boolean closed;
    /** Set by {@link #drain}: no new session, no new call. */
    private volatile boolean draining;
    private final Metrics metrics = new Metrics();

    /**
     * A router whose realms admit anonymous sessions where the configuration says so, with every permission but
     * those granted on purpose, and that runs application code inline ({@link Extensions#openRealms}).
     *
     * @param config    the settings
     * @param scheduler runs timers (HELLO timeout, call timeouts); its tasks are short and never block
     */
    public Router(PostmasterConfig config, ScheduledExecutorService scheduler) {
        this(config, scheduler, Extensions.openRealms(config));
    }

    /** A router with open realms ({@link Extensions#openRealms}) that is one node of a cluster. */
    public Router(PostmasterConfig config, ScheduledExecutorService scheduler, Backplane backplane) {
        this(config, scheduler, Extensions.openRealms(config), backplane);
    }

    /**
     * @param config     the settings
     * @param scheduler  runs timers (HELLO timeout, call timeouts); its tasks are short and never block
     * @param extensions authentication, authorization, interceptors and lifecycle hooks
     */
    public Router(PostmasterConfig config, ScheduledExecutorService scheduler, Extensions extensions) {
        this(config, scheduler, extensions, Backplane.NONE);
    }

    /**
     * @param config     the settings
     * @param scheduler  runs timers (HELLO timeout, call timeouts); its tasks are short and never block
     * @param extensions authentication, authorization, interceptors and lifecycle hooks
     * @param backplane  the cluster engine this node shares routing through ({@link Backplane#NONE}: a single node)
     */
    public Router(PostmasterConfig config, ScheduledExecutorService scheduler, Extensions extensions,
                  Backplane backplane) {
        this.config = config;
        this.backplane = backplane;
        this.scheduler = scheduler;
        this.extensions = extensions;
        this.loginGuard = new LoginGuard(config.login());
        this.checks = new CheckLane(extensions.executor(), config.login().checkThreads(), config.login().checkQueue());
        this.authorization = new Authorization(extensions.authorizer());
        this.interception = new Interception(extensions.publishInterceptors(), extensions.callInterceptors());
        Map<String, Realm> initial = new LinkedHashMap<>();
        for (RealmConfig rc : config.realms().values()) {
            initial.put(rc.name(), newRealm(rc));
        }
        realms = Collections.unmodifiableMap(initial);
        LOG.info(() -> "Postmaster router started; realms " + realms.keySet());
    }

    private Realm newRealm(RealmConfig rc) {
        Realm realm = new Realm(rc, config.limits().of(rc.name()), config.retainedMax(),
                config.callMaxPending().toMillis(), scheduler, authorization, interception,
                backplane.relay(rc.name()), backplane.rpc(rc.name()), backplane.sessions(rc.name()));
        MetaApi meta = new MetaApi(realm, config.metaAccess(), config.metaLimits(), authorization);
        realm.dealer().routerProcedures(meta);
        realm.forNode(meta::forNode);
        if (backplane.clustered()) {
            realm.ids(backplane::sessionIdCandidate); // subscription and registration IDs unique across nodes
        }
        return realm;
    }

    /**
     * Starts serving a realm while the router runs: from now on a HELLO naming it joins it (with the authentication
     * methods, roles and users the {@link Extensions} know for it). It gets the caps and meta API grants the
     * configuration sets for its name, else the defaults.
     *
     * @throws IllegalStateException if a realm of that name is served, the router is closed, or
     *                               {@code postmaster.realms-max} realms are served already
     */
    public Realm addRealm(RealmConfig rc) {
        synchronized (realmChanges) {
            if (closed) {
                throw new IllegalStateException("the router is stopped");
            }
            if (realms.containsKey(rc.name())) {
                throw new IllegalStateException("realm " + rc.name() + " is served already");
            }
            if (realms.size() >= config.runtimeRealms().max()) {
                throw new IllegalStateException(realms.size() + " realms are served, as many as postmaster.realms-max"
                        + " allows");
            }
            Realm realm = newRealm(rc);
            if (draining) {
                realm.gate().drain();
            }
            Map<String, Realm> next = new LinkedHashMap<>(realms);
            next.put(rc.name(), realm);
            realms = Collections.unmodifiableMap(next);
            LOG.fine(() -> "realm " + rc.name() + " added; realms " + realms.keySet());
            return realm;
        }
    }

    /**
     * Stops serving a realm while the router runs: a HELLO naming it gets ABORT {@code wamp.error.no_such_realm}
     * from now on, and every session joined to it GOODBYE {@code wamp.close.close_realm} with {@code message}
     * before its transport is closed (their calls end for their callers, their subscriptions and registrations
     * go).
     *
     * @return how many sessions were told GOODBYE, or -1 if no realm of that name is served
     */
    public int removeRealm(String name, String message) {
        Realm gone;
        synchronized (realmChanges) {
            gone = realms.get(name);
            if (gone == null) {
                return -1;
            }
            Map<String, Realm> next = new LinkedHashMap<>(realms);
            next.remove(name);
            realms = Collections.unmodifiableMap(next);
        }
        int n = gone.remove(ErrorUris.CLOSE_REALM, message);
        LOG.fine(() -> "realm " + name + " removed; " + n + " session(s) told GOODBYE " + ErrorUris.CLOSE_REALM
                + "; realms " + realms.keySet());
        return n;
    }

    /** The router-wide counters (the transports count their traffic here too). */
    public Metrics metrics() { return metrics; }

    /** The settings. */
    public PostmasterConfig config() { return config; }
    ScheduledExecutorService scheduler() { return scheduler; }
    /** The extension points in use (a transport that authenticates or runs application code uses them too). */
    public Extensions extensions() { return extensions; }
    LoginGuard loginGuard() { return loginGuard; }
    /** Where credential checks run: a bounded share of the executor. */
    CheckLane checks() { return checks; }

    /** The realm with this name, or null if the router does not serve it. */
    public Realm realm(String name) {
        return realms.get(name);
    }

    /** Every realm served. */
    public Collection<Realm> realms() {
        return realms.values();
    }

    /** The {@code roles} announced in WELCOME: only features that really work. */
    Map<String, Object> roles() {
        return roles;
    }

    /** Starts serving a new transport; the returned connection receives its messages. */
    public Connection connect(Peer peer) {
        Connection c = new Connection(this, peer);
        if (closed) {
            peer.close(1001, "router shutting down");
            return c;
        }
        connections.add(c);
        c.start();
        return c;
    }

    void disconnected(Connection c) {
        connections.remove(c);
    }

    /**
     * A new session ID in [1, 2^53], unique among live sessions of this router (and, with a cluster engine, disjoint
     * from other nodes' by the {@link Backplane}'s candidates).
     */
    long newSessionId() {
        while (true) {
            long id = backplane.sessionIdCandidate();
            if (sessionIds.add(id)) {
                return id;
            }
        }
    }

    void releaseSessionId(long id) {
        sessionIds.remove(id);
    }

    /**
     * Registers a server-side procedure: an in-process callee session joins {@code realm} and registers
     * {@code procedure}; from then on CALLs of it are allowed exactly to the sessions {@code access} admits (instead
     * of the role rules) and run {@code handler} on the executor.
     *
     * @throws IllegalArgumentException if the realm is not served, the URI is invalid or already registered
     */
    public void registerLocal(String realm, String procedure, Predicate<SessionDetails> access,
                              LocalCallee.Handler handler) {
        Realm r = realms.get(realm);
        if (r == null) {
            throw new IllegalArgumentException("server-side procedure " + procedure + ": no realm " + realm);
        }
        long id = newSessionId();
        try {
            LocalCallee.register(r, id, procedure, access, handler, extensions.executor());
        } catch (IllegalArgumentException e) {
            releaseSessionId(id);
            throw e;
        }
        LOG.info(() -> "server-side procedure " + procedure + " registered in realm " + realm);
    }

    /**
     * Stops taking new work: a HELLO gets ABORT {@code wamp.close.system_shutdown}, a CALL gets ERROR
     * {@code wamp.close.system_shutdown}; calls already routed run on, and every other message is still routed. Used
     * before {@link #close()} so that running calls may finish. Idempotent.
     */
    public void drain() {
        synchronized (realmChanges) {
            drainRealms();
        }
    }

    private void drainRealms() {
        if (!draining) {
            draining = true;
            for (Realm realm : realms.values()) {
                realm.gate().drain();
            }
            LOG.info("Postmaster router draining: no new sessions or calls");
        }
    }

    /** Whether {@link #drain} was called. */
    public boolean draining() {
        return draining;
    }

    /** The outbound queues of all connections: the longest and the total, in messages. */
    public record QueueDepth(int max, long sum) { }

    /** Walks the open connections (for a scrape: O(connections)). */
    public QueueDepth outboundQueueDepth() {
        int max = 0;
        long sum = 0;
        for (Connection c : connections) {
            int q = c.peer().queued();
            max = Math.max(max, q);
            sum += q;
        }
        return new QueueDepth(max, sum);
    }

    /** Open transports (with or without a session). */
    public int connectionCount() {
        return connections.size();
    }

    /** Calls routed and not yet answered, in all realms. */
    public int callsInFlight() {
        int n = 0;
        for (Realm realm : realms.values()) {
            n += realm.callsInFlight();
        }
        return n;
    }

    /**
     * Ends a session as the meta API's {@code wamp.session.kill} does: GOODBYE with {@code reason} (a valid URI, else
     * {@code wamp.close.normal}, as the meta API) and {@code message}, then the transport is closed.
     *
     * @return whether a session with this ID was joined to one of the realms
     */
    public boolean kill(long sessionId, String reason, String message) {
        for (Realm realm : realms.values()) {
            Session s = realm.session(sessionId);
            if (s != null) {
                s.kill(killReason(reason), message);
                return true;
            }
        }
        return false;
    }

    /** Ends every session of {@code realm} authenticated as {@code authid} (see {@link #kill}); returns how many. */
    public int killByAuthid(String realm, String authid, String reason, String message) {
        Realm r = realms.get(realm);
        if (r == null || authid == null) {
            return 0;
        }
        int n = 0;
        for (Session s : r.sessions()) {
            if (authid.equals(s.authid())) {
                s.kill(killReason(reason), message);
                n++;
            }
        }
        return n;
    }

    private static String killReason(String reason) {
        return reason != null && Uris.valid(reason, Uris.Rule.STRICT) ? reason : ErrorUris.CLOSE_NORMAL;
    }

    /** Closes every session with GOODBYE {@code wamp.close.system_shutdown}, then every transport. */
    @Override
    public void close() {
        synchronized (realmChanges) {
            closed = true;
        }
        for (Realm realm : realms.values()) {
            realm.close();
        }
        for (Connection c : connections) {
            c.shutdown(new WampMessage.Goodbye(Map.of("message", "router shutting down"), ErrorUris.SYSTEM_SHUTDOWN));
        }
        LOG.info("Postmaster router stopped");
    }
}
