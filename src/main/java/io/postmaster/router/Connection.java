package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Abort;
import io.postmaster.message.WampMessage.Goodbye;
import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.metrics.Metrics.Close;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.SessionJoined;
import io.postmaster.spi.SessionLeft;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WAMP session state machine of one transport.
 *
 * <pre>
 *   AWAITING_HELLO --HELLO--> AUTHENTICATING --accept--> ESTABLISHED --GOODBYE--> AWAITING_HELLO (new session)
 *                                |      ^
 *                     challenge  v      | AUTHENTICATE
 *                              CHALLENGING
 *        any state --ABORT / deny / timeout / bad input / transport closed--> CLOSED
 * </pre>
 *
 * <p>While AUTHENTICATING the authenticator runs on the executor (see {@link Handshake}); its outcome comes back
 * on that thread through {@link #challenge}, {@link #admitted} or {@link #refused}. The HELLO timeout covers the
 * whole handshake, so an AUTHENTICATE must come in due time.
 *
 * <p>Threading: the endpoint calls {@link #onMessage} and {@link #onMalformed} serially (JSR-356 delivers one
 * connection's messages one at a time); {@link #onTransportClosed}, the HELLO timer and router shutdown may come
 * from other threads, so state changes that race with them are synchronized, and routing itself (the broker and
 * dealer) is lock-free on this object. An established session's messages go to its realm's {@link Gate}.
 */
public final class Connection {
    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    /** Messages whose handling failed: a client may find a way to cause many. */
    private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog PROTOCOL_VIOLATIONS = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog HELLO_TIMEOUTS = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog UNRESPONSIVE = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog SATURATED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog LISTENER_FAILURES = new RateLimitedLog(LOG, Level.WARNING);

    enum State { AWAITING_HELLO, AUTHENTICATING, CHALLENGING, ESTABLISHED, CLOSED }

    private final Router router;
    private final Peer peer;
    private volatile State state = State.AWAITING_HELLO;
    private volatile Member member;        // the joined session, with its handles
    private Realm realm;                   // its realm; written before state turns ESTABLISHED, read after
    /** How the session's owners reach this connection: kept private, so the transports' API stays as it is. */
    private final Session.Carrier carrier = new Session.Carrier() {
        @Override
        public void kill(String reason, String message) {
            Connection.this.kill(reason, message);
        }

        @Override
        public void failed(String what, Throwable e) {
            Connection.this.failed(what, e);
        }

        @Override
        public void leave(String reason, String message) {
            Connection.this.leave(reason, message);
        }
    };
    /** The router said GOODBYE ({@link #leave}) and the client's GOODBYE in reply is due. Guarded by this. */
    private boolean goodbyeDue;
    private ScheduledFuture<?> helloTimer; // guarded by this
    private Handshake handshake;           // guarded by this: the authentication in progress

    Connection(Router router, Peer peer) {
        this.router = router;
        this.peer = peer;
    }

    Peer peer() {
        return peer;
    }

    /** The joined session, or null before WELCOME and after it ends. */
    public Session session() {
        Member m = member;
        return m == null ? null : m.session();
    }

    /** The joined session with its handles, or null. */
    Member member() {
        return member;
    }

    void start() {
        armHelloTimer();
    }

    /** A message arrived from the peer. */
    public void onMessage(WampMessage m) {
        try {
            switch (state) {
                case AWAITING_HELLO -> onEstablishing(m);
                case AUTHENTICATING, CHALLENGING -> onAuthenticating(m);
                case ESTABLISHED -> onEstablished(m);
                case CLOSED -> { } // the transport is closing; nothing more is routed
            }
        } catch (ProtocolViolation v) {
            protocolViolation(v.getMessage());
        } catch (RuntimeException | Error e) {
            // A router bug, or the heap or the stack ran out: it must not take the connection thread down, nor
            // leave the request unanswered and the session half-routed.
            failed(m.type().toString(), e);
        }
    }

    /**
     * Handling something from the peer failed (a router bug, an extension that threw an {@link Error}, no heap or
     * stack left): whether the request took effect is unknown, so it cannot be answered truthfully; the connection
     * is closed with 1011 instead — never left waiting — and the session's state goes with it. Logged at WARNING,
     * rate-limited. Safe from any thread.
     *
     * @param what what was being handled, for the log (a message type)
     */
    public void failed(String what, Throwable e) {
        FAILURES.log(() -> "could not handle " + what + " from " + describe() + " (" + e + "); closing it (1011)", e);
        try {
            close(1011, "internal error", Close.INTERNAL_ERROR);
        } catch (RuntimeException | Error again) {
            // tearing the session down failed as well (e.g. still no heap): at least end the transport
            peer.close(1011, "internal error");
        }
    }

    /**
     * The transport stopped answering (the WebSocket keepalive's pings went unanswered): the session ends at once,
     * without waiting for the transport to notice, and the connection is closed with 1001.
     */
    public void onUnresponsive(String why) {
        if (state == State.CLOSED) {
            return;
        }
        UNRESPONSIVE.log(() -> "closing " + describe() + ": " + why);
        close(1001, "ping timeout", Close.UNRESPONSIVE);
    }

    /** A frame arrived that is not a WAMP message. */
    public void onMalformed(String why) {
        if (state != State.CLOSED) {
            protocolViolation(why);
        }
    }

    /** The transport is gone: tear down whatever session it carried. Idempotent. */
    public void onTransportClosed() {
        synchronized (this) {
            state = State.CLOSED;
            cancelHelloTimer();
            dropHandshake();
        }
        endSession(Close.TRANSPORT_CLOSED);
        router.disconnected(this);
    }

    // ------------------------------------------------------------------------------------------ establishing

    private void onEstablishing(WampMessage m) {
        switch (m.type()) {
            case HELLO -> hello((Hello) m);
            case GOODBYE -> goodbyeReply();
            case ABORT -> close(1000, "client aborted", Close.ABORT);
            default -> {
                if (!goodbyeDue()) { // else sent before the client saw the router's GOODBYE: dropped, as the spec says
                    protocolViolation("expected HELLO, got " + m.type());
                }
            }
        }
    }

    private void hello(Hello h) {
        if (router.draining()) { // the router is stopping: no new session
            abort(ErrorUris.SYSTEM_SHUTDOWN, "the router is shutting down", 1001, Close.ABORT);
            return;
        }
        try {
            HelloBounds.check(h, router.config().limits(), describe());
        } catch (Refusal r) { // a HELLO is refused with ABORT
            abort(r.error(), r.getMessage(), 1008, Close.ABORT);
            return;
        }
        Realm realm = Uris.valid(h.realm(), Uris.Rule.LOOSE) ? router.realm(h.realm()) : null;
        if (realm == null) {
            abort(ErrorUris.NO_SUCH_REALM, "no realm named '" + truncate(h.realm()) + "' on this router", 1000,
                    Close.ABORT);
            return;
        }
        if (!(h.details().get("roles") instanceof Map<?, ?> roles) || roles.isEmpty()) {
            protocolViolation("HELLO.Details.roles must name the client's roles");
            return;
        }
        Object offered = h.details().get("authmethods");
        if (offered != null && !(offered instanceof List<?>)) {
            protocolViolation("HELLO.Details.authmethods must be a list");
            return;
        }
        // --- authentication: see Handshake ---
        Handshake hs = Handshake.of(router, this, realm, h, offered == null ? List.of("anonymous") : (List<?>) offered,
                peer);
        if (hs == null) {
            abort(ErrorUris.NO_AUTH_METHOD, "none of the offered authentication methods is allowed", 1000,
                    Close.ABORT);
            return;
        }
        synchronized (this) {
            if (state != State.AWAITING_HELLO) {
                router.releaseSessionId(hs.sessionId());
                return; // closed meanwhile
            }
            state = State.AUTHENTICATING;
            goodbyeDue = false;
            handshake = hs;
        }
        hs.start();
    }

    // ------------------------------------------------------------------------------------------ authenticating

    private void onAuthenticating(WampMessage m) {
        switch (m.type()) {
            case AUTHENTICATE -> {
                Handshake hs;
                synchronized (this) {
                    if (state != State.CHALLENGING) {
                        hs = null;
                    } else {
                        state = State.AUTHENTICATING;
                        hs = handshake;
                    }
                }
                if (hs == null) {
                    protocolViolation("AUTHENTICATE without a CHALLENGE to answer");
                    return;
                }
                hs.authenticate((WampMessage.Authenticate) m);
            }
            case ABORT -> close(1000, "client aborted", Close.ABORT);
            default -> protocolViolation("expected AUTHENTICATE, got " + m.type());
        }
    }

    /** The handshake's authenticator challenges the client (called on the executor). */
    void challenge(Handshake hs, String authmethod, Map<String, Object> extra) {
        synchronized (this) {
            if (handshake != hs || state != State.AUTHENTICATING) {
                return;
            }
            state = State.CHALLENGING;
            peer.send(new WampMessage.Challenge(authmethod, extra));
        }
    }

    /** Whether {@code hs} is still this connection's login in progress (a step that is due may run). */
    synchronized boolean current(Handshake hs) {
        return handshake == hs && state != State.CLOSED;
    }

    /** The handshake failed: ABORT after {@code delayMs} (called on the executor). */
    void refused(Handshake hs, String reason, String message, long delayMs) {
        synchronized (this) {
            if (handshake != hs) {
                return;
            }
            handshake = null;
        }
        router.releaseSessionId(hs.sessionId());
        router.metrics().authFailed(hs.authmethod());
        if (delayMs <= 0) {
            abort(reason, message, 1000, Close.ABORT);
        } else {
            router.scheduler().schedule(() -> abort(reason, message, 1000, Close.ABORT), delayMs,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** The handshake succeeded: WELCOME, join the realm (called on the executor). */
    void admitted(Handshake hs, SessionDetails d, Permissions permissions) {
        Session s = new Session(peer, d, permissions, hs.helloDetails(), router.extensions().executor(), carrier);
        boolean removedRealm = false;
        synchronized (this) {
            if (handshake != hs || state != State.AUTHENTICATING) {
                router.releaseSessionId(hs.sessionId());
                return; // the client left meanwhile
            }
            handshake = null;
            cancelHelloTimer();
            // Joined before WELCOME, and before the state says so: whatever the client sends next finds the session
            // in its realm, and a close racing with this finds it to remove.
            Member joined = hs.realm().join(s);
            if (joined == null) { // the operator removed the realm while the client authenticated
                router.releaseSessionId(hs.sessionId());
                removedRealm = true;
            } else {
                realm = hs.realm();
                member = joined;
                state = State.ESTABLISHED;
            }
        }
        if (removedRealm) {
            abort(ErrorUris.NO_SUCH_REALM, "realm '" + truncate(d.realm()) + "' was removed", 1000, Close.ABORT);
            return;
        }
        router.metrics().sessionOpened();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("realm", d.realm());
        details.put("authid", d.authid());
        details.put("authrole", d.authrole());
        details.put("authmethod", d.authmethod());
        details.put("authprovider", d.authprovider());
        details.put("authextra", d.authextra());
        details.put("roles", router.roles());
        details.put("agent", "Postmaster");
        notify(s, "joined", new SessionJoined(s.details(), s.permissions()));
        peer.send(new Welcome(s.id(), details));
        LOG.fine(() -> "joined: " + s);
    }

    // ------------------------------------------------------------------------------------------ established

    private void onEstablished(WampMessage m) {
        switch (m.type()) {
            case GOODBYE -> goodbye();
            case ABORT -> {
                // Not meant for an established session, but the peer plainly wants out: let it go.
                endSession(Close.ABORT);
                close(1000, "client aborted", Close.ABORT);
            }
            default -> {
                Member joined = member;
                if (joined != null) { // else the session ended meanwhile (killed, closed): nothing more is routed
                    realm.gate().handle(joined, m);
                }
            }
        }
    }

    private void goodbye() {
        endSession(Close.GOODBYE);
        peer.send(new Goodbye(Map.of(), ErrorUris.GOODBYE_AND_OUT));
        synchronized (this) {
            if (state == State.ESTABLISHED) {
                state = State.AWAITING_HELLO;
                armHelloTimer();
            }
        }
    }

    /**
     * The router ends the session (meta API kill): the session leaves, GOODBYE, then the transport closes. Leaving comes
     * first, as in {@link #leave}: what it causes (meta events the session may itself be subscribed to) reaches the
     * client before GOODBYE, and nothing after it.
     */
    void kill(String reason, String message) {
        boolean established = state == State.ESTABLISHED;
        endSession(Close.KILLED);
        if (established) {
            peer.send(new Goodbye(message == null ? Map.of() : Map.of("message", message), reason));
        }
        close(1000, "session killed", Close.KILLED);
    }

    /**
     * The router ends the session with WAMP's closing handshake (its realm is going): GOODBYE, the session leaves at
     * once, and the transport stays open for the client's GOODBYE in reply; then the client closes it or sends HELLO
     * for a new session, as after any GOODBYE, and one that does neither is closed after
     * {@code postmaster.hello-timeout-ms}. Closing at once, as {@link #kill} does, would cut a client that answers as
     * the spec says in the middle of its answer.
     */
    void leave(String reason, String message) {
        boolean established;
        synchronized (this) { // first the state: what the client sends from now on meets a session that is gone
            established = state == State.ESTABLISHED;
            if (established) {
                state = State.AWAITING_HELLO;
                goodbyeDue = true;
                armHelloTimer();
            }
        }
        if (!established) {
            kill(reason, message);
            return;
        }
        // The session leaves first, GOODBYE after, as for the client's own GOODBYE: what its leaving causes (the meta
        // events of its subscriptions going, which it may itself be subscribed to) reaches it before GOODBYE, and
        // nothing after it — the transport stays open, and a client takes an EVENT after GOODBYE for a violation.
        endSession(Close.KILLED);
        peer.send(new Goodbye(message == null ? Map.of() : Map.of("message", message), reason));
    }

    private synchronized boolean goodbyeDue() {
        return goodbyeDue;
    }

    /**
     * A GOODBYE with no session: the reply to the router's own GOODBYE ends the handshake (the HELLO timer still runs);
     * any other breaks the protocol.
     */
    private void goodbyeReply() {
        boolean due;
        synchronized (this) {
            due = goodbyeDue;
            goodbyeDue = false;
        }
        if (!due) {
            protocolViolation("GOODBYE without a session");
        }
    }

    /** Router shutdown: the session leaves, GOODBYE, close (the order of {@link #kill}). */
    void shutdown(Goodbye goodbye) {
        boolean established = state == State.ESTABLISHED;
        endSession(Close.SYSTEM_SHUTDOWN);
        if (established) {
            peer.send(goodbye);
        }
        close(1001, "router shutting down", Close.SYSTEM_SHUTDOWN);
    }

    // ------------------------------------------------------------------------------------------ endings

    private void protocolViolation(String why) {
        PROTOCOL_VIOLATIONS.log(() -> "protocol violation by " + describe() + ": " + why);
        router.metrics().protocolViolation();
        abort(ErrorUris.PROTOCOL_VIOLATION, why, 1002, Close.PROTOCOL_VIOLATION);
    }

    private void abort(String reason, String message, int closeCode, Close why) {
        endSession(why);
        peer.send(new Abort(Map.of("message", message), reason));
        close(closeCode, reason, why);
    }

    /** Ends the session (counted as ended for {@code why}) and closes the transport. */
    private void close(int code, String reason, Close why) {
        synchronized (this) {
            state = State.CLOSED;
            cancelHelloTimer();
            dropHandshake();
        }
        endSession(why);
        peer.close(code, reason);
    }

    private void endSession(Close why) {
        Member m;
        Realm r;
        synchronized (this) {
            m = member;
            r = realm;
            member = null;
        }
        if (m != null) {
            Session s = m.session();
            r.leave(m);
            router.releaseSessionId(s.id());
            router.metrics().sessionClosed(why);
            LOG.fine(() -> "left: " + s);
            notify(s, "left", new SessionLeft(s.details()));
        }
    }

    /**
     * Tells the application's listener that the session joined or left, on the session's lane: outside any lock,
     * off the routing thread, in order (joined before left); a failure is only logged.
     */
    private void notify(Session s, String what, Object event) {
        var listener = router.extensions().listener();
        try {
            s.lane().execute(() -> {
                try {
                    if (event instanceof SessionJoined j) {
                        listener.joined(j);
                    } else {
                        listener.left((SessionLeft) event);
                    }
                } catch (RuntimeException | Error e) {
                    LISTENER_FAILURES.log(() -> "a session-" + what + " observer failed for " + s, e);
                }
            });
        } catch (RejectedExecutionException e) {
            SATURATED.log(() -> "session-" + what + " event for " + s + " dropped: the executor is saturated"
                    + " (postmaster.executor-queue)");
        }
    }

    /** Forgets an authentication in progress; its late outcome is then ignored. Hold the monitor. */
    private void dropHandshake() {
        if (handshake != null) {
            router.releaseSessionId(handshake.sessionId());
            handshake.abandoned();
            handshake = null;
        }
    }

    private void armHelloTimer() {
        long ms = router.config().helloTimeout().toMillis();
        helloTimer = router.scheduler().schedule(this::helloTimedOut, ms, TimeUnit.MILLISECONDS);
    }

    private void cancelHelloTimer() {
        if (helloTimer != null) {
            helloTimer.cancel(false);
            helloTimer = null;
        }
    }

    private void helloTimedOut() {
        synchronized (this) {
            if (state == State.ESTABLISHED || state == State.CLOSED || helloTimer == null) {
                return;
            }
            helloTimer = null;
        }
        HELLO_TIMEOUTS.log(() -> "no HELLO from " + peer.transport().peerAddress() + " within "
                + router.config().helloTimeout().toMillis() + " ms; closing");
        close(1008, "no HELLO in time", Close.TRANSPORT_CLOSED);
    }

    private String describe() {
        Session s = session();
        return s != null ? s.toString() : "connection from " + peer.transport().peerAddress();
    }

    private static String truncate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
