package io.postmaster.v1;

import io.postmaster.auth.Crypto;
import io.postmaster.config.V1Settings;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Connection;
import io.postmaster.router.Peer;
import io.postmaster.router.SerialExecutor;
import io.postmaster.router.Session;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.Action;
import io.postmaster.spi.CredentialStore.CraSecret;
import io.postmaster.spi.Permission;
import io.postmaster.spi.Permissions;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WAMP v1 client: translates its v1 frames into v2 messages for its v2 session ("leg") in the router, and what
 * the router sends that session into v1 frames.
 *
 * <p><b>Session.</b> On connect the adapter joins the realm as an anonymous v2 session (if the realm admits anonymous
 * sessions) and sends the v1 WELCOME once the router has welcomed it; on a realm without anonymous access the WELCOME
 * goes at once and the client has no v2 session (so may do nothing) until it authenticates.
 *
 * <p><b>WAMP-CRA v1.</b> {@code #authreq [authKey, extra]} opens a second leg that says HELLO with {@code wampcra} and
 * {@code authid = authKey}: the router's own login path (throttling, check lane, the decoy challenge for unknown
 * authids) runs as for any v2 client. When its CHALLENGE comes, the adapter looks the secret up in the same
 * credential store, answers the v1 client with a v1 challenge (salted like the v2 one) and keeps the signature it
 * expects. {@code #auth [signature]} uses that challenge up (one try): the adapter answers the router's challenge with
 * the right signature only if the client's was right, so a failure is the router's failure, delayed and counted as
 * a v2 one, and ends in CALLERROR {@code #invalid-signature}. On WELCOME the authenticated leg takes over: the
 * client's topics are subscribed on it, and the anonymous leg ends once its pending calls have been answered. v1
 * clients keep their v1 session ID throughout; v2 clients and the meta API see the anonymous session leave and the
 * authenticated one join. Events that reach both legs while they overlap are delivered once (by publication ID).
 *
 * <p><b>Bad input</b> that cannot be answered (not a v1 message, an unknown or server-only type, a malformed CALL, an
 * over-long call ID, a bound passed) closes the connection with a reason; a CALL that can be answered gets CALLERROR;
 * a refused SUBSCRIBE or PUBLISH is silent, as v1 has no answer for them, and logged (rate-limited).
 *
 * <p>Threading: see the package; {@link #lock} guards every field not marked otherwise.
 */
public final class V1Connection {
    private static final Logger LOG = Logger.getLogger(V1Connection.class.getName());
    private static final RateLimitedLog CLOSED_LOG = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog REFUSED_LOG = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog FAILED_LOG = new RateLimitedLog(LOG, Level.WARNING);

    static final String SERVER_IDENT = "Postmaster";
    static final String CRA = "http://api.wamp.ws/procedure#";
    static final String AUTHREQ = CRA + "authreq";
    static final String AUTH = CRA + "auth";
    /** Publication IDs remembered to deliver each event once while two legs overlap. */
    private static final int RECENT_PUBLICATIONS = 256;

    private final V1Gateway gateway;
    private final String id;
    private final String realm;
    private final V1Transport transport;
    private final V1Settings settings;
    private final V1Uris uris;
    private final Prefixes prefixes;
    private final Object lock = new Object();
    /** Steps that follow what the router sent, in the order it sent them, off the router's thread. */
    private final SerialExecutor steps;

    private boolean welcomed;
    private boolean closed;
    /** Authenticated with WAMP-CRA (the current leg carries the identity). */
    private boolean authenticated;
    /** The anonymous WAMP-CRA ({@code #authreq} without a key) has been requested / completed. */
    private boolean anonymousRequested;
    private boolean anonymousDone;
    private volatile Leg current;
    private Leg authenticating;
    /** The anonymous leg after authentication, until its pending calls are answered. */
    private Leg retiring;
    /** The v1 call ID of the {@code #authreq} or {@code #auth} waiting for the router. */
    private String authCall;
    private String authKey;
    private Map<String, Object> authExtra;
    private PendingChallenge challenge;
    /** The topics the client has subscribed to (resolved v1 URIs), whether or not the router has confirmed them yet. */
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    /** Set once two legs have overlapped: from then on each publication is delivered once. */
    private volatile boolean dedupe;
    private final Set<Long> recent = new LinkedHashSet<>(); // guarded by itself

    private record PendingChallenge(String expected, String routerSignature) {
    }

    V1Connection(V1Gateway gateway, String id, String realm, V1Transport transport) {
        this.gateway = gateway;
        this.id = id;
        this.realm = realm;
        this.transport = transport;
        this.settings = gateway.settings();
        this.uris = gateway.uris(realm);
        this.prefixes = new Prefixes(settings.maxPrefixes(), settings.maxPrefixBytes(), settings.maxIdChars());
        this.steps = new SerialExecutor(gateway.executor());
    }

    /** The v1 session ID (WELCOME). */
    public String id() {
        return id;
    }

    String realm() {
        return realm;
    }

    /** The v2 session ID the client acts as now, or null while it has none. */
    Long v2SessionId() {
        Leg l = current;
        return l == null || l.sessionId == 0 ? null : l.sessionId;
    }

    void start() {
        synchronized (lock) {
            if (gateway.allows(realm, "anonymous")) {
                current = newLeg();
                hello(current, "anonymous", null);
            } else {
                welcome();
            }
        }
    }

    // ============================================================================================ from the client

    /** A text frame from the client. Called serially by the endpoint. */
    public void onText(String text) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                List<Object> m;
                try {
                    m = V1Json.read(text);
                } catch (V1Json.Malformed e) {
                    protocolError(e.getMessage());
                    return;
                }
                if (m.isEmpty() || !(m.get(0) instanceof Long type)) {
                    protocolError("a v1 message is an array that starts with its type");
                    return;
                }
                if (!welcomed) {
                    protocolError("message before WELCOME");
                    return;
                }
                switch (type.intValue() == type ? type.intValue() : -1) {
                    case 1 -> prefix(m);
                    case 2 -> call(m);
                    case 5 -> subscribe(m);
                    case 6 -> unsubscribe(m);
                    case 7 -> publish(m);
                    case 0, 3, 4, 8 -> protocolError("message type " + type + " is sent by servers only");
                    default -> protocolError("unknown message type " + type);
                }
            } catch (RuntimeException | Error e) {
                failed("a v1 message", e);
            }
        }
    }

    /** A frame that is not text. */
    public void onMalformed(String why) {
        synchronized (lock) {
            if (!closed) {
                protocolError(why);
            }
        }
    }

    /** The WebSocket is gone: every leg ends. Idempotent. */
    public void onTransportClosed() {
        synchronized (lock) {
            closed = true;
            endLegs();
        }
    }

    /** The client stopped answering pings: the connection ends at once (1001). */
    public void onUnresponsive(String why) {
        synchronized (lock) {
            if (!closed) {
                CLOSED_LOG.log(() -> "closing " + this + ": " + why);
                close(1001, "ping timeout");
            }
        }
    }

    /** Handling something failed (a bug, no heap): the connection is closed with 1011, never left waiting. */
    public void failed(String what, Throwable e) {
        FAILED_LOG.log(() -> "could not handle " + what + " from " + this + " (" + e + "); closing it (1011)", e);
        synchronized (lock) {
            close(1011, "internal error");
        }
    }

    private void prefix(List<Object> m) {
        if (m.size() != 3 || !(m.get(1) instanceof String name) || !(m.get(2) instanceof String uri)) {
            protocolError("PREFIX is [1, prefix, uri]");
            return;
        }
        if (!prefixes.validName(name) || uri.isEmpty() || uri.length() > settings.maxUriChars()) {
            protocolError("PREFIX needs a name of 1 to " + settings.maxIdChars() + " letters, digits, _ or -, and a URI"
                    + " of at most " + settings.maxUriChars() + " characters");
            return;
        }
        String refused = prefixes.define(name, uri);
        if (refused != null) {
            CLOSED_LOG.log(() -> "closing " + this + ": " + refused);
            close(1008, "too many prefixes");
        }
    }

    private void call(List<Object> m) {
        if (m.size() < 3 || !(m.get(1) instanceof String callId) || !(m.get(2) instanceof String name)) {
            protocolError("CALL is [2, callId, procURI, args…]");
            return;
        }
        if (callId.isEmpty() || callId.length() > settings.maxIdChars()) {
            protocolError("a call ID has 1 to " + settings.maxIdChars() + " characters");
            return;
        }
        List<Object> args = m.size() > 3 ? new ArrayList<>(m.subList(3, m.size())) : null;
        String procedure = resolve(name);
        if (procedure == null) {
            Prefixes.Resolved r = prefixes.resolve(name);
            refused("CALL", name, r.problem() != null ? r.problem() : "invalid URI");
            callError(callId, Prefixes.UNKNOWN_PREFIX.equals(r.problem()) ? V1Errors.UNKNOWN_PREFIX
                    : V1Errors.INVALID_URI, r.problem() != null ? r.problem() + ": " + shown(name)
                    : "not a URI this router takes: " + shown(name), null);
            return;
        }
        if (procedure.equals(AUTHREQ)) {
            authreq(callId, args == null ? List.of() : args);
            return;
        }
        if (procedure.equals(AUTH)) {
            auth(callId, args == null ? List.of() : args);
            return;
        }
        String v2 = uris.toV2(procedure);
        if (v2 == null) {
            refused("CALL", procedure, "no v2 URI for it");
            callError(callId, V1Errors.INVALID_URI, "not a URI this realm takes: " + shown(procedure), null);
            return;
        }
        Leg leg = current;
        if (leg == null) {
            refused("CALL", procedure, "no session: the realm needs authentication first");
            callError(callId, V1Errors.NOT_AUTHORIZED, "authenticate first", null);
            return;
        }
        if (!authenticated && settings.anonymousCalls() == V1Settings.AnonymousCalls.SERVER_PROCEDURES
                && !gateway.anonymousProcedure(realm, v2)) {
            refused("CALL", procedure, "before authentication only the procedures open to anonymous sessions");
            callError(callId, V1Errors.NOT_AUTHORIZED,
                    "before authentication only the procedures open to anonymous sessions may be called", null);
            return;
        }
        long request = ++leg.lastRequest;
        leg.calls.put(request, callId);
        leg.connection.onMessage(new WampMessage.Call(request, Map.of(), v2, args, null));
    }

    private void subscribe(List<Object> m) {
        if (m.size() != 2 || !(m.get(1) instanceof String name)) {
            protocolError("SUBSCRIBE is [5, topicURI]");
            return;
        }
        String topic = resolve(name);
        String v2 = topic == null ? null : uris.toV2(topic);
        if (v2 == null) {
            refused("SUBSCRIBE", name, "invalid URI or unknown prefix");
            return;
        }
        if (topics.contains(topic)) {
            return; // subscribed already: v1 has one subscription per topic
        }
        Leg leg = current;
        if (leg == null) {
            refused("SUBSCRIBE", topic, "no session: the realm needs authentication first");
            return;
        }
        int cap = gateway.router().config().limits().of(realm).subscriptions();
        if (topics.size() >= cap) {
            refused("SUBSCRIBE", topic, "the session holds " + cap + " subscriptions (max-subscriptions)");
            return;
        }
        topics.add(topic);
        subscribe(leg, topic, v2);
    }

    private void subscribe(Leg leg, String topic, String v2) {
        long request = ++leg.lastRequest;
        leg.subscribing.put(request, topic);
        leg.connection.onMessage(new WampMessage.Subscribe(request, Map.of(), v2));
    }

    private void unsubscribe(List<Object> m) {
        if (m.size() != 2 || !(m.get(1) instanceof String name)) {
            protocolError("UNSUBSCRIBE is [6, topicURI]");
            return;
        }
        String topic = resolve(name);
        if (topic == null || !topics.remove(topic)) {
            return; // never subscribed: nothing to do, and nothing to answer in v1
        }
        Leg leg = current;
        if (leg != null) {
            dropSubscription(leg, topic);
        }
    }

    private void dropSubscription(Leg leg, String topic) {
        Long subscription = leg.byTopic.remove(topic);
        if (subscription != null) {
            leg.subscriptions.remove(subscription);
            leg.connection.onMessage(new WampMessage.Unsubscribe(++leg.lastRequest, subscription));
        }
    }

    private void publish(List<Object> m) {
        if (m.size() < 3 || m.size() > 5 || !(m.get(1) instanceof String name)) {
            protocolError("PUBLISH is [7, topicURI, event(, excludeMe | exclude(, eligible))]");
            return;
        }
        Map<String, Object> options = new LinkedHashMap<>();
        if (m.size() == 4 && m.get(3) instanceof Boolean excludeMe) {
            options.put("exclude_me", excludeMe);
        } else if (m.size() >= 4) {
            if (!(m.get(3) instanceof List<?> exclude) || m.size() == 5 && !(m.get(4) instanceof List<?>)) {
                protocolError("PUBLISH's exclude and eligible are lists of session IDs");
                return;
            }
            // an explicit exclude list replaces the default exclusion of the publisher (v1 spec)
            options.put("exclude_me", false);
            options.put("exclude", v2Ids(exclude));
            if (m.size() == 5) {
                options.put("eligible", v2Ids((List<?>) m.get(4)));
            }
        }
        String topic = resolve(name);
        String v2 = topic == null ? null : uris.toV2(topic);
        if (v2 == null) {
            refused("PUBLISH", name, "invalid URI or unknown prefix");
            return;
        }
        Leg leg = current;
        if (leg == null) {
            refused("PUBLISH", topic, "no session: the realm needs authentication first");
            return;
        }
        leg.connection.onMessage(new WampMessage.Publish(++leg.lastRequest, options, v2,
                Collections.singletonList(m.get(2)), null));
    }

    /** The v2 session IDs for v1 session IDs; the ones that name no session of this realm are left out. */
    private List<Long> v2Ids(List<?> v1Ids) {
        List<Long> out = new ArrayList<>(v1Ids.size());
        for (Object o : v1Ids) {
            Long v2 = o instanceof String s ? gateway.v2Id(realm, s) : null;
            if (v2 != null) {
                out.add(v2);
            }
        }
        return out;
    }

    /** A URI or CURIE resolved, within the length bound; null if it cannot be. */
    private String resolve(String name) {
        Prefixes.Resolved r = prefixes.resolve(name);
        return r.uri() != null && !r.uri().isEmpty() && r.uri().length() <= settings.maxUriChars() ? r.uri() : null;
    }

    // ============================================================================================ WAMP-CRA v1

    private void authreq(String callId, List<Object> args) {
        if (authenticated || anonymousDone) {
            callError(callId, V1Errors.ALREADY_AUTHENTICATED, "already authenticated", null);
            return;
        }
        if (authenticating != null || challenge != null || anonymousRequested) {
            callError(callId, V1Errors.AUTHENTICATION_ALREADY_REQUESTED,
                    "authentication request already issued - authentication pending", null);
            return;
        }
        Object key = args.isEmpty() ? null : args.get(0);
        Object extra = args.size() > 1 ? args.get(1) : null;
        if (extra != null && !(extra instanceof Map<?, ?>)) {
            callError(callId, V1Errors.INVALID_ARGUMENT, "extra must be a dictionary", null);
            return;
        }
        if (key == null) {
            anonymousRequested = true; // Autobahn's anonymous "authentication": no challenge, the same session
            callResult(callId, null);
            return;
        }
        int max = gateway.router().config().limits().authidMaxChars();
        if (!(key instanceof String k) || k.isEmpty() || k.length() > max) {
            callError(callId, V1Errors.INVALID_ARGUMENT, "authKey must be a string of 1 to " + max + " characters",
                    null);
            return;
        }
        if (!gateway.allows(realm, "wampcra")) {
            refused("CALL", AUTHREQ, "wampcra is not allowed on the realm");
            callError(callId, V1Errors.AUTHENTICATION_FAILED, "authentication is not available on this realm", null);
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> e = extra == null ? Map.of() : (Map<String, Object>) extra;
        authKey = k;
        authExtra = e;
        authCall = callId;
        authenticating = newLeg();
        hello(authenticating, "wampcra", k);
    }

    private void auth(String callId, List<Object> args) {
        if (authenticated || anonymousDone) {
            callError(callId, V1Errors.ALREADY_AUTHENTICATED, "already authenticated", null);
            return;
        }
        if (anonymousRequested) {
            anonymousRequested = false;
            anonymousDone = true;
            Leg leg = current;
            callResult(callId, permissions(leg == null ? null : leg.connection.session()));
            return;
        }
        PendingChallenge c = challenge;
        if (c == null || authenticating == null || authCall != null) {
            callError(callId, V1Errors.NO_AUTHENTICATION_REQUESTED, "no authentication previously requested", null);
            return;
        }
        challenge = null; // one try per challenge
        boolean right = !args.isEmpty() && args.get(0) instanceof String s && c.expected() != null
                && Crypto.equal(c.expected(), s);
        authCall = callId;
        // A wrong signature is the router's failure too: delayed and counted by its login guard.
        authenticating.connection.onMessage(new WampMessage.Authenticate(right ? c.routerSignature() : "-", Map.of()));
    }

    /** The router challenged the authenticating leg (a step: runs on the executor, outside the lock at first). */
    private void challenged(Leg leg, Map<String, Object> extra) {
        String key;
        synchronized (lock) {
            if (leg != authenticating || closed) {
                return;
            }
            key = authKey;
        }
        CraSecret secret;
        try {
            secret = gateway.credentials().craSecret(realm, key); // may block: never under the lock
        } catch (Exception | Error e) {
            FAILED_LOG.log(() -> "the credential store failed for authKey '" + shown(key) + "' of " + this, e);
            synchronized (lock) {
                if (leg == authenticating && authCall != null) {
                    callError(authCall, V1Errors.AUTHENTICATION_FAILED, "the authentication check failed", null);
                    authCall = null;
                    authenticating = null;
                    leg.connection.onTransportClosed();
                }
            }
            return;
        }
        synchronized (lock) {
            if (leg != authenticating || closed || authCall == null) {
                return;
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("authid", V1Gateway.newId());
            info.put("authkey", key);
            info.put("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
            info.put("sessionid", id);
            info.put("extra", authExtra);
            info.put("permissions", Map.of("pubsub", List.of(), "rpc", List.of()));
            if (extra.get("salt") != null) { // the router's: the real salt, or its decoy's for an unknown authid
                Map<String, Object> salted = new LinkedHashMap<>();
                salted.put("salt", extra.get("salt"));
                salted.put("keylen", extra.get("keylen"));
                salted.put("iterations", extra.get("iterations"));
                info.put("authextra", salted);
            }
            String v1Challenge = V1Json.value(info);
            String routerChallenge = extra.get("challenge") instanceof String s ? s : "";
            challenge = secret == null
                    ? new PendingChallenge(null, null)
                    : new PendingChallenge(Crypto.craSignature(secret.secret(), v1Challenge),
                    Crypto.craSignature(secret.secret(), routerChallenge));
            callResult(authCall, v1Challenge);
            authCall = null;
        }
    }

    // ============================================================================================ legs

    /**
     * One v2 session of this client in the router. The router calls its {@link Peer} methods from any thread: they
     * translate and queue, or hand a step to {@link #steps}; they never take the adapter's lock.
     */
    private final class Leg implements Peer {
        Connection connection;
        volatile long sessionId;
        long lastRequest; // guarded by lock
        volatile boolean retired;
        /** v2 CALL request → v1 call ID. */
        final Map<Long, String> calls = new ConcurrentHashMap<>();
        /** v2 SUBSCRIBE request → v1 topic. */
        final Map<Long, String> subscribing = new ConcurrentHashMap<>();
        /** v2 subscription → v1 topic, and back. */
        final Map<Long, String> subscriptions = new ConcurrentHashMap<>();
        final Map<String, Long> byTopic = new ConcurrentHashMap<>();

        @Override
        public void send(Outgoing message) {
            fromRouter(this, message.message());
        }

        @Override
        public void close(int code, String reason) {
            step(() -> legClosed(this, code, reason));
        }

        @Override
        public TransportInfo transport() {
            return transport.info();
        }
    }

    private Leg newLeg() {
        Leg leg = new Leg();
        leg.connection = gateway.router().connect(leg);
        return leg;
    }

    private void hello(Leg leg, String authmethod, String authid) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("roles", Map.of("caller", Map.of(), "subscriber", Map.of(),
                "publisher", Map.of("features", Map.of("publisher_exclusion", true,
                        "subscriber_blackwhite_listing", true))));
        details.put("authmethods", List.of(authmethod));
        if (authid != null) {
            details.put("authid", authid);
        }
        leg.connection.onMessage(new WampMessage.Hello(realm, details));
    }

    /** What the router sent a leg, translated. Any thread; never blocks, never calls the router. */
    private void fromRouter(Leg leg, WampMessage m) {
        if (m instanceof WampMessage.Welcome w) {
            leg.sessionId = w.session();
            step(() -> legWelcomed(leg));
        } else if (m instanceof WampMessage.Challenge c) {
            steps(() -> challenged(leg, c.extra()));
        } else if (m instanceof WampMessage.Abort a) {
            step(() -> legAborted(leg, a.reason(), a.details().get("message")));
        } else if (m instanceof WampMessage.Result r) {
            if (Boolean.TRUE.equals(r.details().get("progress"))) {
                return; // never asked for; v1 has one result per call
            }
            String callId = leg.calls.remove(r.request());
            if (callId != null) {
                callResult(callId, result(r.args(), r.kwargs()));
                retiredDone(leg);
            }
        } else if (m instanceof WampMessage.Error e) {
            if (e.requestType() == MessageType.CALL.code()) {
                String callId = leg.calls.remove(e.request());
                if (callId != null) {
                    callError(callId, e);
                    retiredDone(leg);
                }
            } else if (e.requestType() == MessageType.SUBSCRIBE.code()) {
                String topic = leg.subscribing.remove(e.request());
                if (topic != null) {
                    if (leg == current) {
                        topics.remove(topic); // silent in v1: the client may try again
                    }
                    refused("SUBSCRIBE", topic, e.error());
                }
            }
        } else if (m instanceof WampMessage.Subscribed s) {
            String topic = leg.subscribing.remove(s.request());
            if (topic != null) {
                leg.subscriptions.put(s.subscription(), topic);
                leg.byTopic.put(topic, s.subscription());
                if (!topics.contains(topic) || leg.retired) {
                    step(() -> staleSubscription(leg, topic)); // unsubscribed meanwhile
                }
            }
        } else if (m instanceof WampMessage.Event ev) {
            String topic = leg.subscriptions.get(ev.subscription());
            if (topic != null && once(ev.publication())) {
                send(V1Json.write(8L, topic, event(ev.args(), ev.kwargs())));
            }
        }
        // GOODBYE (the close follows), PUBLISHED, UNSUBSCRIBED: nothing to tell a v1 client
    }

    private boolean once(long publication) {
        if (!dedupe) {
            return true;
        }
        synchronized (recent) {
            if (!recent.add(publication)) {
                return false;
            }
            if (recent.size() > RECENT_PUBLICATIONS) {
                recent.remove(recent.iterator().next());
            }
            return true;
        }
    }

    private void legWelcomed(Leg leg) {
        if (leg == current && !welcomed) {
            welcome();
        } else if (leg == authenticating) {
            takeOver(leg);
        }
    }

    /** The authenticated leg replaces the current one: the client's topics move over, its pending calls stay. */
    private void takeOver(Leg leg) {
        Leg old = current;
        authenticating = null;
        authenticated = true;
        dedupe = old != null;
        current = leg;
        for (String topic : topics) {
            String v2 = uris.toV2(topic);
            if (v2 != null) {
                subscribe(leg, topic, v2);
            }
        }
        if (old != null) {
            old.retired = true;
            if (old.calls.isEmpty()) {
                old.connection.onTransportClosed();
            } else {
                retiring = old;
            }
        }
        if (authCall != null) {
            callResult(authCall, permissions(leg.connection.session()));
            authCall = null;
        }
        LOG.fine(() -> this + " authenticated as '" + shown(authKey) + "'");
    }

    /** A retired leg whose last call was answered ends. */
    private void retiredDone(Leg leg) {
        if (leg.retired && leg.calls.isEmpty()) {
            step(() -> {
                leg.connection.onTransportClosed();
                if (retiring == leg) {
                    retiring = null;
                }
            });
        }
    }

    private void staleSubscription(Leg leg, String topic) {
        if (leg.retired || leg != current || !topics.contains(topic)) {
            dropSubscription(leg, topic);
        }
    }

    private void legAborted(Leg leg, String reason, Object message) {
        if (leg == authenticating) {
            authenticating = null;
            challenge = null;
            if (authCall != null) {
                if (ErrorUris.NOT_AUTHORIZED.equals(reason)) {
                    callError(authCall, V1Errors.INVALID_SIGNATURE, "signature for authentication request is invalid",
                            null);
                } else {
                    callError(authCall, V1Errors.AUTHENTICATION_FAILED,
                            message instanceof String s ? s : "authentication failed", null);
                }
                authCall = null;
            }
        } else if (leg == current) {
            CLOSED_LOG.log(() -> "closing " + this + ": the router ended its session (" + reason + ")");
            close(1008, "session refused: " + reason);
        }
    }

    private void legClosed(Leg leg, int code, String reason) {
        leg.connection.onTransportClosed(); // the router's side of it is gone: let it forget the connection
        if (leg == current) {
            close(code, reason);
        } else if (leg == authenticating) {
            legAborted(leg, ErrorUris.AUTHENTICATION_FAILED, "authentication did not complete");
        }
    }

    private void endLegs() {
        for (Leg leg : new Leg[] {current, authenticating, retiring}) {
            if (leg != null) {
                leg.connection.onTransportClosed();
            }
        }
        authenticating = null;
        retiring = null;
        gateway.closed(this);
    }

    /** Runs a step that follows what the router sent under the lock, in order, on the executor. */
    private void step(Runnable r) {
        steps(() -> {
            synchronized (lock) {
                if (!closed) {
                    r.run();
                }
            }
        });
    }

    private void steps(Runnable r) {
        try {
            steps.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    failed("a step of the router", e);
                }
            });
        } catch (RejectedExecutionException e) {
            FAILED_LOG.log(() -> "closing " + this + ": the executor is saturated (postmaster.executor-queue)");
            transport.close(1013, "try again later");
        }
    }

    // ============================================================================================ to the client

    private void welcome() {
        welcomed = true;
        send(V1Json.write(0L, id, 1L, SERVER_IDENT));
    }

    private void callResult(String callId, Object result) {
        send(V1Json.write(3L, callId, result));
    }

    private void callError(String callId, String errorUri, String desc, Object details) {
        send(details == null ? V1Json.write(4L, callId, errorUri, desc) : V1Json.write(4L, callId, errorUri, desc,
                details));
    }

    /** ERROR for a CALL as CALLERROR: the error's URI (v1 name), its message as description, the rest as details. */
    private void callError(String callId, WampMessage.Error e) {
        List<Object> args = e.args() == null ? List.of() : e.args();
        Map<String, Object> kwargs = e.kwargs() == null ? Map.of() : e.kwargs();
        String desc;
        List<Object> rest = args;
        if (!args.isEmpty() && args.get(0) instanceof String s) {
            desc = s;
            rest = args.subList(1, args.size());
        } else if (e.details().get("message") instanceof String s) {
            desc = s;
        } else {
            desc = e.error();
        }
        Object details = !kwargs.isEmpty() ? kwargs : rest.isEmpty() ? null : rest.size() == 1 ? rest.get(0) : rest;
        callError(callId, uris.toV1(e.error()), desc, details);
    }

    /** A v2 publication as a v1 event: its first argument, else its keyword arguments. */
    private static Object event(List<Object> args, Map<String, Object> kwargs) {
        if (args != null && !args.isEmpty()) {
            return args.get(0);
        }
        return kwargs != null && !kwargs.isEmpty() ? kwargs : null;
    }

    /** A v2 result as one v1 value: the single argument, the arguments as a list, or the keyword arguments. */
    private static Object result(List<Object> args, Map<String, Object> kwargs) {
        if (args != null && !args.isEmpty()) {
            return args.size() == 1 ? args.get(0) : args;
        }
        return kwargs != null && !kwargs.isEmpty() ? kwargs : null;
    }

    /** A session's permissions as WAMP-CRA v1 returns them: {@code {pubsub: [...], rpc: [...]}}. */
    private Map<String, Object> permissions(Session s) {
        List<Object> pubsub = new ArrayList<>();
        List<Object> rpc = new ArrayList<>();
        Permissions p = s == null ? Permissions.NONE : s.permissions();
        for (Permission rule : p.rules()) {
            String uri = uris.toV1(rule.uri());
            boolean prefix = rule.match() != Permission.Match.EXACT;
            if (rule.allow().contains(Action.PUBLISH) || rule.allow().contains(Action.SUBSCRIBE)) {
                pubsub.add(Map.of("uri", uri, "prefix", prefix, "pub", rule.allow().contains(Action.PUBLISH),
                        "sub", rule.allow().contains(Action.SUBSCRIBE)));
            }
            if (rule.allow().contains(Action.CALL)) {
                rpc.add(Map.of("uri", uri, "prefix", prefix, "call", true));
            }
        }
        return Map.of("pubsub", pubsub, "rpc", rpc);
    }

    private void send(String frame) {
        transport.send(frame);
    }

    // ============================================================================================ endings

    private void protocolError(String why) {
        CLOSED_LOG.log(() -> "closing " + this + ": " + why);
        close(1002, why);
    }

    private void close(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        transport.close(code, closeReason(reason));
        endLegs();
    }

    /** A close frame's reason holds at most 123 bytes of UTF-8. */
    static String closeReason(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= 123) {
            return reason;
        }
        String r = reason;
        while (r.getBytes(StandardCharsets.UTF_8).length > 120) {
            r = r.substring(0, r.length() - 1);
        }
        if (!r.isEmpty() && Character.isHighSurrogate(r.charAt(r.length() - 1))) {
            r = r.substring(0, r.length() - 1);
        }
        return r + "…";
    }

    private void refused(String what, String uri, String why) {
        REFUSED_LOG.log(() -> what + " " + shown(uri) + " by " + this + " refused: " + why);
    }

    private static String shown(String s) {
        return s == null || s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    @Override
    public String toString() {
        Leg l = current;
        return "v1 session " + id + " (" + realm + (l != null ? ", session " + l.sessionId : "") + ", "
                + transport.info().peerAddress() + ")";
    }
}
