package io.postmaster.router;

import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.TransportDetails;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A joined WAMP session: identity, its peer, and what it holds in the realm's tables. Created by
 * {@link Connection} on WELCOME, torn down exactly once by {@link Realm#detach(Session)}.
 *
 * <p>The maps are concurrent because other sessions' threads touch them (a caller's thread adds to a callee's
 * {@link #invocations()}); removal from them is the single point that decides who answers a call.
 */
public final class Session {
    private final long id;
    private final Realm realm;
    private final Peer peer;
    private final String authid;
    private final String authrole;
    private final String authmethod;
    // --- authentication and authorization ---
    private final SessionDetails details;
    private final Permissions permissions;
    private volatile SerialExecutor lane;

    private final AtomicLong lastRequestId = new AtomicLong();
    private final Map<Long, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<Long, Registration> registrations = new ConcurrentHashMap<>();
    private final Map<Long, PendingCall> invocations = new ConcurrentHashMap<>();
    private final Map<Long, PendingCall> calls = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final java.util.Set<String> features;
    private final Testaments testaments = new Testaments();
    volatile Connection connection;

    Session(long id, Realm realm, Peer peer, SessionDetails details, Permissions permissions,
            Map<String, Object> helloDetails) {
        this.details = details;
        this.permissions = permissions;
        String authid = details.authid();
        String authrole = details.authrole();
        String authmethod = details.authmethod();
        this.id = id;
        this.realm = realm;
        this.peer = peer;
        this.authid = authid;
        this.authrole = authrole;
        this.authmethod = authmethod;
        // Only the announced features are kept, not the HELLO details themselves: about 1 KiB less per session
        // (measured with the bench's class histograms), and nothing reads them after the handshake.
        this.features = announcedFeatures(helloDetails);
    }

    /**
     * The client features of the spec's roles, as "role.feature": the only names a session's feature set may hold.
     * What a client announces beyond them is ignored, so the sets below are made of the router's own strings and
     * there are finitely many of them.
     */
    private static final java.util.Map<String, String> KNOWN_FEATURES = known(
            "caller", "progressive_call_results", "progressive_call_invocations", "call_timeout", "call_canceling",
            "caller_identification", "payload_passthru_mode",
            "callee", "progressive_call_results", "progressive_call_invocations", "call_timeout", "call_canceling",
            "caller_identification", "call_trustlevels", "pattern_based_registration", "shared_registration",
            "sharded_registration", "registration_revocation", "payload_passthru_mode",
            "publisher", "publisher_exclusion", "publisher_identification", "subscriber_blackwhite_listing",
            "payload_passthru_mode",
            "subscriber", "publisher_identification", "publication_trustlevels", "pattern_based_subscription",
            "event_history", "event_retention", "subscription_revocation", "sharded_subscription",
            "payload_passthru_mode");

    private static java.util.Map<String, String> known(String... rolesAndFeatures) {
        java.util.Set<String> roles = java.util.Set.of("caller", "callee", "publisher", "subscriber");
        java.util.Map<String, String> out = new java.util.HashMap<>();
        String role = null;
        for (String name : rolesAndFeatures) {
            if (roles.contains(name)) {
                role = name;
            } else {
                out.put(role + "." + name, role + "." + name);
            }
        }
        return java.util.Map.copyOf(out);
    }

    /**
     * Feature sets shared among sessions (sessions of one client library announce the same). Holds subsets of
     * {@link #KNOWN_FEATURES} only, never a client's string, and at most 256 of them: bounded by construction.
     */
    private static final java.util.concurrent.ConcurrentHashMap<java.util.Set<String>, java.util.Set<String>> FEATURE_SETS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** "role.feature" for every known feature the client announced in HELLO.Details.roles.*.features. */
    private static java.util.Set<String> announcedFeatures(Map<String, Object> hello) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (hello.get("roles") instanceof Map<?, ?> roles) {
            for (var r : roles.entrySet()) {
                if (r.getValue() instanceof Map<?, ?> role && role.get("features") instanceof Map<?, ?> f) {
                    for (var e : f.entrySet()) {
                        String known = Boolean.TRUE.equals(e.getValue())
                                ? KNOWN_FEATURES.get(r.getKey() + "." + e.getKey()) : null;
                        if (known != null) {
                            out.add(known);
                        }
                    }
                }
            }
        }
        java.util.Set<String> set = java.util.Set.copyOf(out);
        java.util.Set<String> shared = FEATURE_SETS.get(set);
        if (shared != null) {
            return shared;
        }
        if (FEATURE_SETS.size() < 256) {
            shared = FEATURE_SETS.putIfAbsent(set, set);
        }
        return shared != null ? shared : set;
    }

    /** How many distinct feature sets are shared (for tests: it stays bounded whatever clients announce). */
    static int sharedFeatureSets() {
        return FEATURE_SETS.size();
    }

    /** Whether the client announced {@code feature} for {@code role} (e.g. callee, call_canceling) in HELLO. */
    public boolean supports(String role, String feature) {
        return features.contains(role + "." + feature);
    }

    /** The known client features the session announced, as "role.feature". */
    java.util.Set<String> features() {
        return features;
    }

    /** The session's testaments, published when it ends. */
    public Testaments testaments() {
        return testaments;
    }

    /**
     * Ends the session from the router's side: GOODBYE with {@code reason} (and {@code message} in its details,
     * if given), then the transport is closed. Used by {@code wamp.session.kill*}.
     */
    public void kill(String reason, String message) {
        Connection c = connection;
        if (c != null) {
            c.kill(reason, message);
        }
    }

    public long id() { return id; }
    public Realm realm() { return realm; }
    public Peer peer() { return peer; }
    public String authid() { return authid; }
    public String authrole() { return authrole; }
    public String authmethod() { return authmethod; }
    /** Who the session is, for the SPI (authorizer, events, interceptors). */
    public SessionDetails details() { return details; }
    /**
     * Where application code about this session runs (listeners, interceptors): the extensions' executor, one
     * task at a time in submission order.
     */
    public SerialExecutor lane() {
        SerialExecutor l = lane;
        if (l == null) {
            synchronized (this) {
                if (lane == null) {
                    lane = new SerialExecutor(realm.router().extensions().executor());
                }
                l = lane;
            }
        }
        return l;
    }

    /** What the session may do, as the permission provider gave it at join. */
    public Permissions permissions() { return permissions; }

    static TransportDetails transportDetails(Peer peer) {
        Peer.TransportInfo t = peer.transport();
        return new TransportDetails(t.peerAddress(), t.subprotocol(), t.secure());
    }

    /**
     * Sends a message to this session's peer (non-blocking; see {@link Peer#send(Outgoing)}); paced when the
     * router sends it as part of a burst of its own (see {@link Pacing}).
     */
    public void send(WampMessage m) {
        send(new Outgoing(m));
    }

    /** Sends a shared, possibly already encoded message. */
    public void send(Outgoing m) {
        if (Pacing.active()) {
            peer.sendPaced(m);
        } else {
            peer.send(m);
        }
    }

    /**
     * Answers a request with ERROR.
     *
     * @param message a human-readable explanation, sent as {@code details.message} and the first argument (as
     *                Crossbar does); null for none. Never put internal details here.
     */
    public void sendError(MessageType requestType, long request, String errorUri, String message) {
        send(new WampMessage.Error(requestType.code(), request,
                message == null ? Map.of() : Map.of("message", message), errorUri,
                message == null ? null : List.of(message), null));
    }

    /** Issues the next router-to-peer request ID (INVOCATION, INTERRUPT): 1, 2, 3 … per session. */
    public long nextRequestId() {
        return lastRequestId.incrementAndGet();
    }

    /** Whether {@code id} was ever issued by {@link #nextRequestId()} (so a reply to it is late, not made up). */
    public boolean requestIdIssued(long id) {
        return id >= 1 && id <= lastRequestId.get();
    }

    /** The subscriptions this session holds, by subscription ID. Touched by the broker only. */
    public Map<Long, Subscription> subscriptions() { return subscriptions; }

    /** The registrations this session holds, by registration ID. Touched by the dealer only. */
    public Map<Long, Registration> registrations() { return registrations; }

    /** Calls this session must answer as callee, by INVOCATION request ID. */
    public Map<Long, PendingCall> invocations() { return invocations; }

    /** Calls this session made and waits for, by CALL request ID. */
    public Map<Long, PendingCall> calls() { return calls; }

    /** Whether the session has left (or is leaving) its realm. */
    public boolean closed() { return closed; }

    void markClosed() { closed = true; }

    @Override
    public String toString() {
        return "session " + id + " (" + realm.name() + ", authid " + authid + ", " + peer.transport().peerAddress() + ")";
    }
}
