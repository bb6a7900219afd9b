package io.postmaster.router;

import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.TransportDetails;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A joined WAMP session as the routing tables see it: who it is ({@link SessionDetails}, once), where its messages
 * go ({@link Peer}), what client features it announced, and the lane its application-code tasks run on. It holds
 * nothing of the tables: what it subscribed, registered and called is kept by its realm's broker and dealer (see
 * {@link Member}). Public only for the endpoint layer; not an extension API.
 */
public final class Session {
    /**
     * The client features of the spec's roles, as "role.feature", each with its bit in {@link #features}: the only
     * names a session remembers. What a client announces beyond them is ignored.
     */
    private static final List<String> KNOWN_FEATURES = known(
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
    private static final Map<String, Long> FEATURE_BITS = bits(KNOWN_FEATURES);
    /** The callee features the dealer asks about on every call that uses them. */
    static final long CALLEE_PROGRESSIVE_RESULTS = bit("callee.progressive_call_results");
    static final long CALLEE_CALL_TIMEOUT = bit("callee.call_timeout");
    static final long CALLEE_CALL_CANCELING = bit("callee.call_canceling");
    static final long CALLEE_PROGRESSIVE_INVOCATIONS = bit("callee.progressive_call_invocations");
    static final long CALLER_PROGRESSIVE_INVOCATIONS = bit("caller.progressive_call_invocations");
    static final long CALLEE_REGISTRATION_REVOCATION = bit("callee.registration_revocation");
    static final long SUBSCRIBER_SUBSCRIPTION_REVOCATION = bit("subscriber.subscription_revocation");
    static final long CALLER_PASSTHRU = bit("caller.payload_passthru_mode");
    static final long CALLEE_PASSTHRU = bit("callee.payload_passthru_mode");
    static final long PUBLISHER_PASSTHRU = bit("publisher.payload_passthru_mode");

    private final SessionDetails details;
    private final Permissions permissions;
    private final Peer peer;
    private final long features;
    private final Executor executor;
    private volatile SerialExecutor lane;
    /** The last request ID the router used towards this session; changed through {@link #LAST_REQUEST_ID}. */
    private volatile long lastRequestId;
    private static final AtomicLongFieldUpdater<Session> LAST_REQUEST_ID =
            AtomicLongFieldUpdater.newUpdater(Session.class, "lastRequestId");
    /** A stand-in's request IDs, shared by every stand-in of its realm (see the constructor); null otherwise. */
    private final AtomicLong sharedRequestIds;
    private volatile boolean closed;
    private final Carrier carrier;

    /** What carries a session: its connection (or, for a server-side procedure, the in-process callee). */
    interface Carrier {
        /** Ends the session from the router's side: GOODBYE with {@code reason} and {@code message}, then close. */
        void kill(String reason, String message);

        /** Handling {@code what} for the session failed unexpectedly: end it, never leave a request waiting. */
        void failed(String what, Throwable e);

        /**
         * Ends the session from the router's side with WAMP's closing handshake: GOODBYE with {@code reason} and
         * {@code message}, and the transport stays open for the client's GOODBYE in reply (by default: as
         * {@link #kill}).
         */
        default void leave(String reason, String message) {
            kill(reason, message);
        }
    }

    /**
     * @param details      who the session is
     * @param permissions  what it may do, as the permission provider gave it at join
     * @param helloDetails HELLO.Details, read for the announced features only (not kept)
     * @param executor     where application code about this session runs
     * @param carrier      its connection
     */
    Session(Peer peer, SessionDetails details, Permissions permissions, Map<String, Object> helloDetails,
            Executor executor, Carrier carrier) {
        this.sharedRequestIds = null;
        this.peer = peer;
        this.details = details;
        this.permissions = permissions;
        this.features = announcedFeatures(helloDetails);
        this.executor = executor;
        this.carrier = carrier;
    }

    /**
     * A session of another cluster node as this node's dealer sees it: its ID, the features it announced there,
     * and a peer that forwards to that node. It holds no permissions and runs no application code. Its request IDs
     * come from {@code requestIds}, shared by all such sessions of a realm, so an ID is never used twice towards
     * another node, not even by a later stand-in for the same session.
     */
    Session(Peer peer, SessionDetails details, long features, AtomicLong requestIds) {
        this.sharedRequestIds = requestIds;
        this.peer = peer;
        this.details = details;
        this.permissions = Permissions.NONE;
        this.features = features;
        this.executor = Runnable::run;
        this.carrier = new Carrier() {
            @Override
            public void kill(String reason, String message) {
            }

            @Override
            public void failed(String what, Throwable e) {
            }
        };
    }

    /** The bits of the features the client announced (to describe a callee to other cluster nodes). */
    long features() {
        return features;
    }

    /** Every feature of the caller role: a session standing for callers on another node, which checks them there. */
    static long allCallerFeatures() {
        long out = 0;
        for (var e : FEATURE_BITS.entrySet()) {
            if (e.getKey().startsWith("caller.")) {
                out |= e.getValue();
            }
        }
        return out;
    }

    private static List<String> known(String... rolesAndFeatures) {
        Set<String> roles = Set.of("caller", "callee", "publisher", "subscriber");
        List<String> out = new ArrayList<>();
        String role = null;
        for (String name : rolesAndFeatures) {
            if (roles.contains(name)) {
                role = name;
            } else {
                out.add(role + "." + name);
            }
        }
        return List.copyOf(out);
    }

    private static Map<String, Long> bits(List<String> names) {
        Map<String, Long> out = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), 1L << i);
        }
        return Map.copyOf(out);
    }

    private static long bit(String name) {
        return FEATURE_BITS.get(name);
    }

    /** The bits of every known feature the client announced in HELLO.Details.roles.*.features. */
    private static long announcedFeatures(Map<String, Object> hello) {
        long out = 0;
        if (hello.get("roles") instanceof Map<?, ?> roles) {
            for (var r : roles.entrySet()) {
                if (r.getValue() instanceof Map<?, ?> role && role.get("features") instanceof Map<?, ?> f) {
                    for (var e : f.entrySet()) {
                        Long bit = Boolean.TRUE.equals(e.getValue()) ? FEATURE_BITS.get(r.getKey() + "." + e.getKey())
                                : null;
                        if (bit != null) {
                            out |= bit;
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Whether the client announced {@code feature} for {@code role} (e.g. callee, call_canceling) in HELLO. */
    boolean supports(String role, String feature) {
        Long bit = FEATURE_BITS.get(role + "." + feature);
        return bit != null && supports(bit);
    }

    /** Whether the client announced the feature of this bit ({@link #CALLEE_CALL_CANCELING} …). */
    boolean supports(long feature) {
        return (features & feature) != 0;
    }

    /**
     * Ends the session from the router's side: GOODBYE with {@code reason} (and {@code message} in its details,
     * if given), then the transport is closed. Used by {@code wamp.session.kill*}.
     */
    void kill(String reason, String message) {
        carrier.kill(reason, message);
    }

    /**
     * Ends the session from the router's side with WAMP's closing handshake (the realm is going): GOODBYE with
     * {@code reason} and {@code message}; the transport stays open for the client's GOODBYE in reply (and a new HELLO,
     * within the HELLO timeout).
     */
    void leave(String reason, String message) {
        carrier.leave(reason, message);
    }

    /** Handling {@code what} failed unexpectedly (see {@link Connection#failed}); safe from any thread. */
    void failed(String what, Throwable e) {
        carrier.failed(what, e);
    }

    public long id() { return details.sessionId(); }
    public Peer peer() { return peer; }
    public String authid() { return details.authid(); }
    public String authrole() { return details.authrole(); }
    public String authmethod() { return details.authmethod(); }
    /** Who the session is, for the SPI (authorizer, events, interceptors). */
    public SessionDetails details() { return details; }
    /** What the session may do, as the permission provider gave it at join. */
    public Permissions permissions() { return permissions; }

    /**
     * Where application code about this session runs (listeners, interceptors): the extensions' executor, one
     * task at a time in submission order.
     */
    SerialExecutor lane() {
        SerialExecutor l = lane;
        if (l == null) {
            synchronized (this) {
                if (lane == null) {
                    lane = new SerialExecutor(executor);
                }
                l = lane;
            }
        }
        return l;
    }

    static TransportDetails transportDetails(Peer peer) {
        Peer.TransportInfo t = peer.transport();
        return new TransportDetails(t.peerAddress(), t.subprotocol(), t.secure(), t.login().principal(),
                t.login().roles(), t.login().certificate());
    }

    /**
     * Sends a message to this session's peer (non-blocking; see {@link Peer#send(Outgoing)}); paced when the
     * router sends it as part of a burst of its own (see {@link Pacing}).
     */
    void send(WampMessage m) {
        send(new Outgoing(m));
    }

    /** Sends a shared, possibly already encoded message. */
    void send(Outgoing m) {
        if (Pacing.active()) {
            peer.sendPaced(m);
        } else {
            peer.send(m);
        }
    }

    /**
     * Ends a request with ERROR: how a call ends when it is canceled, times out or its callee leaves. (A request the
     * router refuses goes through the {@link Gate}.)
     *
     * @param message a human-readable explanation, sent as {@code details.message} and the first argument (as
     *                Crossbar does); null for none. Never put internal details here.
     */
    void sendError(MessageType requestType, long request, String errorUri, String message) {
        send(new WampMessage.Error(requestType.code(), request,
                message == null ? Map.of() : Map.of("message", message), errorUri,
                message == null ? null : List.of(message), null));
    }

    /** Issues the next router-to-peer request ID (INVOCATION, INTERRUPT): 1, 2, 3 … per session. */
    long nextRequestId() {
        AtomicLong shared = sharedRequestIds;
        return shared != null ? shared.incrementAndGet() : LAST_REQUEST_ID.incrementAndGet(this);
    }

    /** Whether {@code id} was ever issued by {@link #nextRequestId()} (so a reply to it is late, not made up). */
    boolean requestIdIssued(long id) {
        AtomicLong shared = sharedRequestIds;
        return id >= 1 && id <= (shared != null ? shared.get() : lastRequestId);
    }

    /** Whether the session has left (or is leaving) its realm. */
    boolean closed() { return closed; }

    void markClosed() { closed = true; }

    @Override
    public String toString() {
        return "session " + id() + " (" + details.realm() + ", authid " + authid() + ", "
                + peer.transport().peerAddress() + ")";
    }
}
