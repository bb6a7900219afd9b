package io.postmaster.router;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Abort;
import io.postmaster.message.WampMessage.Goodbye;
import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Welcome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WAMP session state machine of one transport.
 *
 * <pre>
 *   AWAITING_HELLO --HELLO ok--> ESTABLISHED --GOODBYE--> AWAITING_HELLO (the transport may carry a new session)
 *        |                           |
 *        +--ABORT / timeout / bad input / transport closed--+--> CLOSED
 * </pre>
 *
 * <p>Threading: the endpoint calls {@link #onMessage} and {@link #onMalformed} serially (JSR-356 delivers one
 * connection's messages one at a time); {@link #onTransportClosed}, the HELLO timer and router shutdown may come
 * from other threads, so state changes that race with them are synchronized, and routing itself (the broker and
 * dealer) is lock-free on this object.
 */
public final class Connection {
    private static final Logger LOG = Logger.getLogger(Connection.class.getName());

    enum State { AWAITING_HELLO, ESTABLISHED, CLOSED }

    private final Router router;
    private final Peer peer;
    private volatile State state = State.AWAITING_HELLO;
    private volatile Session session;
    private ScheduledFuture<?> helloTimer; // guarded by this

    Connection(Router router, Peer peer) {
        this.router = router;
        this.peer = peer;
    }

    /** The joined session, or null before WELCOME and after it ends. */
    public Session session() {
        return session;
    }

    void start() {
        armHelloTimer();
    }

    /** A message arrived from the peer. */
    public void onMessage(WampMessage m) {
        try {
            switch (state) {
                case AWAITING_HELLO -> onEstablishing(m);
                case ESTABLISHED -> onEstablished(m);
                case CLOSED -> { } // the transport is closing; nothing more is routed
            }
        } catch (ProtocolViolation v) {
            protocolViolation(v.getMessage());
        } catch (RuntimeException e) {
            // A router bug must not take the connection thread down, nor leave the session half-routed.
            LOG.log(Level.SEVERE, "internal error routing " + m.type() + " for " + describe() + "; closing it", e);
            close(1011, "internal error");
        }
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
        }
        endSession();
        router.disconnected(this);
    }

    // ------------------------------------------------------------------------------------------ establishing

    private void onEstablishing(WampMessage m) {
        switch (m.type()) {
            case HELLO -> hello((Hello) m);
            case ABORT -> close(1000, "client aborted");
            default -> protocolViolation("expected HELLO, got " + m.type());
        }
    }

    private void hello(Hello h) {
        Realm realm = Uris.valid(h.realm(), Uris.Rule.LOOSE) ? router.realm(h.realm()) : null;
        if (realm == null) {
            abort(ErrorUris.NO_SUCH_REALM, "no realm named '" + truncate(h.realm()) + "' on this router", 1000);
            return;
        }
        if (!(h.details().get("roles") instanceof Map<?, ?> roles) || roles.isEmpty()) {
            protocolViolation("HELLO.Details.roles must name the client's roles");
            return;
        }
        Object offered = h.details().get("authmethods");
        boolean offersAnonymous = offered == null || (offered instanceof List<?> l && l.contains("anonymous"));
        if (offered != null && !(offered instanceof List<?>)) {
            protocolViolation("HELLO.Details.authmethods must be a list");
            return;
        }
        if (!realm.config().anonymous()) {
            abort(ErrorUris.NOT_AUTHORIZED, "this realm does not allow anonymous sessions", 1000);
            return;
        }
        if (!offersAnonymous) {
            abort(ErrorUris.NO_AUTH_METHOD, "none of the offered authentication methods is allowed", 1000);
            return;
        }
        String authid = h.details().get("authid") instanceof String s && !s.isEmpty() ? s : randomAuthid();
        Session s;
        synchronized (this) {
            if (state != State.AWAITING_HELLO) {
                return; // closed meanwhile
            }
            cancelHelloTimer();
            s = new Session(router.newSessionId(), realm, peer, authid, "anonymous", "anonymous", h.details());
            session = s;
            s.connection = this;
            state = State.ESTABLISHED;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("realm", realm.name());
        details.put("authid", authid);
        details.put("authrole", s.authrole());
        details.put("authmethod", s.authmethod());
        details.put("authprovider", "static");
        details.put("roles", router.roles());
        details.put("agent", "Postmaster");
        peer.send(new Welcome(s.id(), details));
        realm.attach(s);
        LOG.fine(() -> "joined: " + s);
    }

    // ------------------------------------------------------------------------------------------ established

    private void onEstablished(WampMessage m) {
        Session s = session;
        switch (m.type()) {
            case SUBSCRIBE -> router.broker().subscribe(s, (WampMessage.Subscribe) m);
            case UNSUBSCRIBE -> router.broker().unsubscribe(s, (WampMessage.Unsubscribe) m);
            case PUBLISH -> router.broker().publish(s, (WampMessage.Publish) m);
            case CALL -> router.dealer().call(s, (WampMessage.Call) m);
            case YIELD -> router.dealer().yield(s, (WampMessage.Yield) m);
            case REGISTER -> router.dealer().register(s, (WampMessage.Register) m);
            case UNREGISTER -> router.dealer().unregister(s, (WampMessage.Unregister) m);
            case ERROR -> {
                WampMessage.Error e = (WampMessage.Error) m;
                if (e.requestType() != MessageType.INVOCATION.code()) {
                    throw new ProtocolViolation("a client may send ERROR only for INVOCATION");
                }
                router.dealer().invocationError(s, e);
            }
            case CANCEL -> router.dealer().cancel(s, (WampMessage.Cancel) m);
            case GOODBYE -> goodbye();
            case ABORT -> {
                // Not meant for an established session, but the peer plainly wants out: let it go.
                endSession();
                close(1000, "client aborted");
            }
            default -> throw new ProtocolViolation(m.type() + " is not a message a client sends to a router");
        }
    }

    private void goodbye() {
        endSession();
        peer.send(new Goodbye(Map.of(), ErrorUris.GOODBYE_AND_OUT));
        synchronized (this) {
            if (state == State.ESTABLISHED) {
                state = State.AWAITING_HELLO;
                armHelloTimer();
            }
        }
    }

    /** The router ends the session (meta API kill): GOODBYE, then close the transport. */
    void kill(String reason, String message) {
        if (state == State.ESTABLISHED) {
            peer.send(new Goodbye(message == null ? Map.of() : Map.of("message", message), reason));
        }
        endSession();
        close(1000, "session killed");
    }

    /** Router shutdown: say GOODBYE and close. */
    void shutdown(Goodbye goodbye) {
        if (state == State.ESTABLISHED) {
            peer.send(goodbye);
        }
        endSession();
        close(1001, "router shutting down");
    }

    // ------------------------------------------------------------------------------------------ endings

    private void protocolViolation(String why) {
        LOG.info(() -> "protocol violation by " + describe() + ": " + why);
        abort(ErrorUris.PROTOCOL_VIOLATION, why, 1002);
    }

    private void abort(String reason, String message, int closeCode) {
        endSession();
        peer.send(new Abort(Map.of("message", message), reason));
        close(closeCode, reason);
    }

    private void close(int code, String reason) {
        synchronized (this) {
            state = State.CLOSED;
            cancelHelloTimer();
        }
        endSession();
        peer.close(code, reason);
    }

    private void endSession() {
        Session s;
        synchronized (this) {
            s = session;
            session = null;
        }
        if (s != null) {
            s.realm().detach(s);
            LOG.fine(() -> "left: " + s);
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
            if (state != State.AWAITING_HELLO || helloTimer == null) {
                return;
            }
            helloTimer = null;
        }
        LOG.info(() -> "no HELLO from " + peer.transport().peerAddress() + " within "
                + router.config().helloTimeout().toMillis() + " ms; closing");
        close(1008, "no HELLO in time");
    }

    private String describe() {
        Session s = session;
        return s != null ? s.toString() : "connection from " + peer.transport().peerAddress();
    }

    private static String truncate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    private static String randomAuthid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[12];
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        for (int i = 0; i < c.length; i++) {
            c[i] = alphabet.charAt(r.nextInt(alphabet.length()));
        }
        return new String(c, 0, 4) + '-' + new String(c, 4, 4) + '-' + new String(c, 8, 4);
    }
}
