package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.config.RealmConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.Ids;
import io.postmaster.message.WampMessage;
import io.postmaster.spi.Action;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.SessionJoined;
import io.postmaster.spi.SessionLeft;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The WAMP router: realms, the broker and the dealer. One per application; the endpoint hands it each new
 * transport through {@link #connect(Peer)}.
 */
public final class Router implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Router.class.getName());
    private static final RateLimitedLog SATURATED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog TESTAMENT_REFUSED = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog LISTENER_FAILURES = new RateLimitedLog(LOG, Level.WARNING);

    private final PostmasterConfig config;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Realm> realms = new LinkedHashMap<>();
    private final Set<Long> sessionIds = ConcurrentHashMap.newKeySet();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Broker broker = new Broker();
    private final Dealer dealer;
    private final Map<String, Object> roles;
    private volatile boolean closed;
    // --- extension points ---
    private final Extensions extensions;
    private final Authorization authorization;
    private final Interception interception;
    private final LoginGuard loginGuard;
    private final CheckLane checks;
    private final ScheduledFuture<?> sweeper;

    /**
     * @param config    the settings
     * @param scheduler runs timers (HELLO timeout); its tasks are short and never block
     */
    public Router(PostmasterConfig config, ScheduledExecutorService scheduler) {
        this(config, scheduler, Extensions.openRealms(config));
    }

    /**
     * @param config     the settings
     * @param scheduler  runs timers (HELLO timeout); its tasks are short and never block
     * @param extensions authentication, authorization and lifecycle hooks
     */
    public Router(PostmasterConfig config, ScheduledExecutorService scheduler, Extensions extensions) {
        this.config = config;
        this.scheduler = scheduler;
        this.extensions = extensions;
        this.authorization = new Authorization(extensions.authorizer());
        this.interception = new Interception(extensions.publishInterceptors(), extensions.callInterceptors());
        this.loginGuard = new LoginGuard(config.login());
        this.checks = new CheckLane(extensions.executor(), config.login().checkThreads(), config.login().checkQueue());
        this.dealer = new Dealer(scheduler);
        dealer.routerProcedures(new MetaApi(this));
        for (RealmConfig rc : config.realms().values()) {
            realms.put(rc.name(), new Realm(rc, this, config.retainedMax()));
        }
        long maxNanos = config.callMaxPending().toNanos();
        long sweep = Math.max(10, Math.min(1000, config.callMaxPending().toMillis() / 10));
        this.sweeper = scheduler.scheduleWithFixedDelay(() -> {
            // A periodic task that throws is never run again: the sweep must survive anything.
            try {
                Pacing.run(() -> { // the timeouts of many calls at once reach their callers as the router's burst
                    for (Realm realm : realms.values()) {
                        dealer.expire(realm, maxNanos);
                    }
                });
            } catch (RuntimeException | Error e) {
                FAILURES.log(() -> "the sweep of calls past " + PostmasterConfig.CALL_MAX_PENDING_MS
                        + " failed; it runs again in " + sweep + " ms", e);
            }
        }, sweep, sweep, TimeUnit.MILLISECONDS);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("broker", Map.of("features", broker.features()));
        r.put("dealer", Map.of("features", dealer.features()));
        this.roles = Map.copyOf(r);
        LOG.info(() -> "Postmaster router started; realms " + realms.keySet());
    }

    public PostmasterConfig config() { return config; }
    public Broker broker() { return broker; }
    public Dealer dealer() { return dealer; }
    ScheduledExecutorService scheduler() { return scheduler; }
    /** The extension points in use. */
    public Extensions extensions() { return extensions; }
    /** Asks the authorizer; the broker and dealer call it before each action. */
    public Authorization authorization() { return authorization; }
    LoginGuard loginGuard() { return loginGuard; }
    /** Where credential checks run: a bounded share of the executor. */
    CheckLane checks() { return checks; }
    /** The publish and call interceptors; the broker and dealer hand each PUBLISH and CALL to it. */
    public Interception interception() { return interception; }

    void notifyJoined(Session s) {
        SessionJoined e = new SessionJoined(s.details(), s.permissions());
        notify(() -> extensions.listener().joined(e), "joined", s);
    }

    void notifyLeft(Session s) {
        SessionLeft e = new SessionLeft(s.details());
        notify(() -> extensions.listener().left(e), "left", s);
    }

    /** Runs a listener on the executor: outside any lock and off the routing thread; a failure is only logged. */
    private void notify(Runnable r, String what, Session s) {
        try {
            s.lane().execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    LISTENER_FAILURES.log(() -> "a session-" + what + " observer failed for " + s, e);
                }
            });
        } catch (RejectedExecutionException e) {
            SATURATED.log(() -> "session-" + what + " event for " + s + " dropped: the executor is saturated"
                    + " (postmaster.executor-queue)");
        }
    }

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
     * Publishes a leaving session's testament as if the session had published it, if it still may: the authorizer is
     * asked again (its answer may have changed since the testament was added); a testament no longer allowed is
     * dropped and logged.
     */
    void publishTestament(Realm realm, Session s, Testaments.Testament t) {
        Authorization.Outcome auth = authorization.check(s, Action.PUBLISH, t.topic());
        if (auth.error() != null) {
            TESTAMENT_REFUSED.log(() -> "testament of " + s + " on " + t.topic() + " not published: " + auth.error()
                    + " (the session may no longer publish there)");
            return;
        }
        Map<String, Object> options = auth.options(t.options());
        Map<String, Object> details = Boolean.TRUE.equals(options.get("disclose_me"))
                ? Broker.publisherDetails(s)
                : Map.of();
        SubscriberFilter filter;
        try {
            filter = SubscriberFilter.of(options, s);
        } catch (IllegalArgumentException e) {
            filter = null; // checked when the testament was added
        }
        long publication = broker.publishAsRouter(realm, t.topic(), t.args(), t.kwargs(), details, filter);
        if (Boolean.TRUE.equals(options.get("retain"))) {
            realm.retain(t.topic(), new Retained(publication, details, t.args(), t.kwargs()));
        }
    }

    /** A new session ID, random in [1, 2^53] and unique among live sessions of this router. */
    long newSessionId() {
        while (true) {
            long id = Ids.secureRandom();
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
    public void registerLocal(String realm, String procedure, java.util.function.Predicate<SessionDetails> access,
                              LocalCallee.Handler handler) {
        Realm r = realms.get(realm);
        if (r == null) {
            throw new IllegalArgumentException("server-side procedure " + procedure + ": no realm " + realm);
        }
        LocalCallee peer = new LocalCallee(this, procedure, handler);
        long id = newSessionId();
        Session s = new Session(id, r, peer, new SessionDetails(id, realm, "postmaster", "postmaster", "internal",
                "postmaster", Map.of(), Session.transportDetails(peer)), Permissions.NONE, Map.of());
        peer.bind(s);
        r.attach(s);
        authorization.restrictCalls(realm, procedure, access);
        dealer.register(s, new WampMessage.Register(1, Map.of(), procedure));
        if (!(peer.registerReply() instanceof WampMessage.Registered)) {
            r.detach(s);
            throw new IllegalArgumentException("server-side procedure " + procedure + " could not be registered in "
                    + realm + ": " + peer.registerReply());
        }
        LOG.info(() -> "server-side procedure " + procedure + " registered in realm " + realm);
    }

    /** Closes every session with GOODBYE {@code wamp.close.system_shutdown}, then every transport. */
    @Override
    public void close() {
        closed = true;
        sweeper.cancel(false);
        for (Connection c : connections) {
            c.shutdown(new WampMessage.Goodbye(Map.of("message", "router shutting down"), ErrorUris.SYSTEM_SHUTDOWN));
        }
        LOG.info("Postmaster router stopped");
    }
}
