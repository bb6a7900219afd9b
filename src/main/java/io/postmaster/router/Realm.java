package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.config.RealmConfig;
import io.postmaster.config.SessionLimits;
import io.postmaster.message.Uris;
import io.postmaster.metrics.Histogram;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A routing namespace: its joined sessions, its {@link Broker} and {@link Dealer} (which own its tables), the
 * {@link Gate} in front of them, and its meta events. Sessions in different realms never see each other. Public only
 * for the endpoint layer (names, sessions); not an extension API.
 */
public final class Realm {
    /** Session meta events. */
    static final String ON_JOIN = "wamp.session.on_join";
    static final String ON_LEAVE = "wamp.session.on_leave";

    private final RealmConfig config;
    private final Map<Long, Member> members = new ConcurrentHashMap<>();
    private final MetaEvents metaEvents;
    private final Broker broker;
    private final Dealer dealer;
    private final Gate gate;
    private final ClusterRpc clusterRpc;
    /** The other nodes' sessions; null on a single node. */
    private final SessionDirectory directory;
    /** What the realm's meta API does on this node for another node ({@link #answerForNode}), set once at start. */
    private volatile java.util.function.BiFunction<String, List<Object>, List<Object>> forNode;
    /** Set once the realm is removed from the router: it admits no session any more. Guarded by {@code this}. */
    private boolean removed;

    /**
     * @param scheduler publishes a backlog of meta events, runs call timeouts and the sweep of calls past
     *                  {@code callMaxPendingMs}
     */
    Realm(RealmConfig config, SessionLimits.Caps caps, int retainedMax, long callMaxPendingMs,
          ScheduledExecutorService scheduler, Authorization authorization, Interception interception,
          PublicationRelay relay, RpcBackplane rpc, SessionDirectory directory) {
        this.directory = directory;
        this.config = config;
        this.metaEvents = new MetaEvents(this::publishMeta, scheduler);
        this.broker = new Broker(config, caps, retainedMax, metaEvents, authorization, relay);
        this.dealer = new Dealer(caps, metaEvents, scheduler, null, InvocationLink.LOCAL, rpc);
        this.clusterRpc = rpc == null ? null : new ClusterRpc(this, dealer, rpc);
        this.gate = new Gate(config.uriRule(), authorization, interception, broker, dealer);
        dealer.startSweeper(callMaxPendingMs, PostmasterConfig.CALL_MAX_PENDING_MS);
    }

    /** How the realm's meta events are published: as the router, through the broker. */
    private void publishMeta(String topic, List<Object> args) {
        broker.publishMeta(topic, args);
    }

    public String name() { return config.name(); }
    /** The realm's routing settings. */
    public RealmConfig config() { return config; }
    Uris.Rule uriRule() { return config.uriRule(); }
    Broker broker() { return broker; }
    Dealer dealer() { return dealer; }
    /** Where the messages of the realm's sessions go in. */
    Gate gate() { return gate; }

    /**
     * Delivers a publication relayed by another node of the cluster to this node's subscribers (and records it in
     * the topic's history, if one is kept); it is not relayed again. Safe from any thread; never blocks.
     *
     * @param filter who may receive it, as the publishing node's {@link PublicationRelay} got it; null for everyone
     */
    public void deliverRelayed(String topic, long publication, Map<String, Object> details, List<Object> args,
                               Map<String, Object> kwargs, SubscriberFilter filter) {
        broker.deliverLocal(topic, publication, details, args, kwargs, filter);
    }

    /**
     * The topics and patterns this node's sessions are subscribed to under {@code policy}: what a cluster engine
     * announces when it (re)joins, after which {@link PublicationRelay#interest} tells it the changes.
     */
    public List<String> subscribedTopics(io.postmaster.router.match.MatchPolicy policy) {
        return broker.subscriptions(policy).stream().map(Subscription::topic).toList();
    }

    /** Subscription and registration IDs from {@code source} (a cluster node's own share of the ID range). */
    void ids(java.util.function.LongSupplier source) {
        broker.ids(source);
        dealer.ids(source);
    }

    /** How a cluster engine drives this realm's calls across nodes; null on a single node. */
    public ClusterRpc clusterRpc() {
        return clusterRpc;
    }

    /** Sets what the realm's meta API does for other nodes (once, when the router makes the realm). */
    void forNode(java.util.function.BiFunction<String, List<Object>, List<Object>> forNode) {
        this.forNode = forNode;
    }

    /**
     * Carries out a meta operation another cluster node asks of this node ({@link SessionDirectory#ask}) on this
     * node's own sessions, subscriptions and callees, and returns its answer. The asking node checked the caller's
     * right and the arguments; a malformed request is answered with an empty list. Safe from any thread.
     */
    public List<Object> answerForNode(String op, List<Object> args) {
        var f = forNode;
        return f == null ? List.of() : f.apply(op, args);
    }

    /** The other cluster nodes' sessions of this realm, for the meta API; null on a single node. */
    SessionDirectory directory() {
        return directory;
    }

    /** The sessions joined to this realm. */
    public Collection<Session> sessions() {
        return members.values().stream().map(Member::session).toList();
    }

    /** How many sessions are joined. */
    public int sessionCount() {
        return members.size();
    }

    /** Subscriptions (distinct topics and policies) in the realm's table. */
    public int subscriptionCount() {
        return broker.subscriptionCount();
    }

    /** Registrations in the realm's table, the router's own procedures included. */
    public int registrationCount() {
        return dealer.registrationCount();
    }

    /** Calls routed to a callee and not yet answered. */
    public int callsInFlight() {
        return dealer.callsInFlight();
    }

    /** Publications routed (clients' and the meta events), since the start. */
    public long publications() {
        return broker.publications();
    }

    /** EVENTs queued for subscribers, since the start. */
    public long deliveries() {
        return broker.deliveries();
    }

    /** How long calls took from CALL to their answer (RESULT, ERROR, cancel, timeout). */
    public Histogram callDurations() {
        return dealer.callDurations();
    }

    /** A joined session by ID, or null. */
    public Session session(long id) {
        Member m = members.get(id);
        return m == null ? null : m.session();
    }

    /** A joined session with its handles, by ID, or null. */
    Member member(long id) {
        return members.get(id);
    }

    /**
     * Joins a session: the broker and dealer give it their handles, it becomes visible to the realm's other sessions
     * and the meta API, and {@code wamp.session.on_join} is published.
     *
     * @return the session's handles, or null if the realm was removed meanwhile (see {@link #remove})
     */
    Member join(Session s) {
        Member m = new Member(s, broker.subscriber(s), dealer.party(s));
        synchronized (this) { // against remove: a session joins before the realm is emptied, or not at all
            if (removed) {
                return null;
            }
            members.put(s.id(), m);
        }
        // Every subscriber of on_join gets the same event: it never carries the transport address (see below)
        Map<String, Object> details = sessionDetails(s, false);
        metaEvents.add(ON_JOIN, List.of(details));
        metaEvents.flush();
        if (directory != null) {
            directory.joined(s.id(), s.authrole(), details);
        }
        return m;
    }

    /** A session as {@code wamp.session.get} describes it to anyone (without the client's address). */
    public static Map<String, Object> metaDetails(Session s) {
        return sessionDetails(s, false);
    }

    /**
     * A session as the meta API describes it.
     *
     * @param withPeerAddress whether to include {@code transport.peer}, the client's address: only for sessions of
     *                        the roles in {@code postmaster.realm.<realm>.peer-address-roles}
     */
    static Map<String, Object> sessionDetails(Session s, boolean withPeerAddress) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("session", s.id());
        d.put("authid", s.authid());
        d.put("authrole", s.authrole());
        d.put("authmethod", s.authmethod());
        d.put("authprovider", s.details().authprovider());
        d.put("transport", withPeerAddress
                ? Map.of("type", s.peer().transport().type(), "protocol", s.peer().transport().subprotocol(),
                        "peer", s.peer().transport().peerAddress())
                : Map.of("type", s.peer().transport().type(), "protocol", s.peer().transport().subprotocol()));
        return d;
    }

    /**
     * Removes a session and everything it holds: subscriptions, registrations, pending calls (its callers get
     * {@code wamp.error.canceled}); then its testaments are published and {@code wamp.session.on_leave}. Idempotent;
     * safe from any thread.
     */
    void leave(Member m) {
        Session s = m.session();
        if (members.remove(s.id(), m)) {
            s.markClosed();
            if (directory != null) {
                directory.left(s.id());
            }
            Pacing.run(() -> { // what a leaving session leaves behind reaches others as the router's own burst
                broker.detach(m.subscriber());
                dealer.detach(m.party());
                broker.publishTestaments(m.subscriber());
                metaEvents.add(ON_LEAVE, List.of(s.id(), s.authid(), s.authrole()));
                metaEvents.flush();
            });
        }
    }

    /** Stops the realm's timers. */
    void close() {
        dealer.close();
    }

    /**
     * The realm is no longer served: it admits no new session, every joined session gets GOODBYE {@code reason}
     * (with {@code message}) and leaves at once (its transport stays open for the client's GOODBYE in reply, see
     * {@link Session#leave}), then its timers stop. Called once the router no longer
     * finds the realm by name.
     *
     * @return how many sessions were told GOODBYE
     */
    int remove(String reason, String message) {
        synchronized (this) {
            removed = true;
        }
        int n = 0;
        for (Member m : members.values()) {
            m.session().leave(reason, message);
            n++;
        }
        close();
        return n;
    }
}
