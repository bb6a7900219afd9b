package io.postmaster.webwire;

import io.postmaster.adapter.JsonValues;
import io.postmaster.adapter.Leg;
import io.postmaster.adapter.UriNames;
import io.postmaster.config.WebwireConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Connection;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import io.postmaster.webwire.Wire.Encoding;
import io.postmaster.webwire.Wire.Inbound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One webwire connection and the WAMP session (a {@link Leg}) it is in the realm: requests become CALLs, their
 * RESULT or ERROR the reply; signals become PUBLISHes; a webwire session it has (created by a backend, or restored
 * by key) decides the identity its WAMP session joins with.
 *
 * <p>The WAMP session changes when the webwire session does (created, restored, closed): the connection then waits
 * until no request is in flight, leaves, and joins again with the session's identity (authmethod
 * {@code webwire-session}) or anonymously; frames that arrive meanwhile wait, bounded with the requests in flight by
 * {@code postmaster.webwire.max-pending-requests}. Locking: this object's monitor guards the fields below and is never
 * held while calling the router.
 */
final class WebwireConnection implements Leg.Owner {
    private static final Logger LOG = Logger.getLogger(WebwireConnection.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog SATURATED = new RateLimitedLog(LOG, Level.WARNING);
    static final String PROCEDURE_PREFIX = "webwire.request";
    static final String SIGNAL_PREFIX = "webwire.signal";
    static final String ERROR_PREFIX = "webwire.error.";
    static final String AUTHMETHOD = "webwire-session";
    /** The message of a restoration refused for now (the login guard's limits, or the check could not run). */
    static final String RESTORE_LATER = "the session cannot be restored at the moment; try again later";
    static final Map<String, Object> ROLES = Map.of("caller", Map.of(), "publisher", Map.of());
    /** The router's own refusals: public URIs of the spec, answered as error replies with the URI as the code. */
    private static final Set<String> REFUSALS = Set.of(ErrorUris.NO_SUCH_PROCEDURE, ErrorUris.NOT_AUTHORIZED,
            ErrorUris.INVALID_URI, ErrorUris.TIMEOUT, ErrorUris.CANCELED, ErrorUris.INVALID_ARGUMENT,
            ErrorUris.LIMIT_REACHED, ErrorUris.PAYLOAD_SIZE_EXCEEDED, "wamp.error.no_available_callee");

    /** Where the connection's frames go. */
    interface Sink {
        void binary(byte[] frame);

        void close(int code, String reason);
    }

    private record Pending(byte[] id, Encoding encoding) { }

    /** A change of WAMP session to come: to {@code target}'s identity (null: anonymous). */
    private record Switch(StoredSession target, byte[] restoreId) { }

    private final WebwireService service;
    private final Router router;
    private final String realm;
    private final Sink out;
    private final WebwireConfig config;
    private final Peer.TransportInfo transport;

    private final ArrayDeque<Inbound> waiting = new ArrayDeque<>();
    private final Map<Long, Pending> pending = new HashMap<>();
    private Leg leg;
    private Connection connection;
    private boolean joined;
    private long wampSession;
    private Switch switching;
    private StoredSession session;
    private boolean gone;
    private long nextRequest = 1;
    /** Signals that wait for the reply to a restoration (the session's backlog, then newer ones), or null. */
    private List<byte[]> held;

    WebwireConnection(WebwireService service, Router router, String realm, Sink out, WebwireConfig config,
                      Peer.TransportInfo transport) {
        this.service = service;
        this.router = router;
        this.realm = realm;
        this.out = out;
        this.config = config;
        this.transport = transport;
    }

    /** Joins the realm anonymously. */
    void start() {
        synchronized (this) {
            switching = new Switch(null, null);
        }
        maybeSwitch();
    }

    // ------------------------------------------------------------------------------------------ from the client

    /** A binary frame arrived (serially, on the container's thread). */
    void onFrame(byte[] frame) {
        Inbound in = Wire.decode(frame);
        if (in instanceof Inbound.Unknown u) {
            REFUSED.log(() -> "webwire frame of unknown type " + u.type() + " from " + transport.peerAddress()
                    + " dropped");
            return;
        }
        if (in instanceof Inbound.Malformed m) {
            REFUSED.log(() -> "malformed webwire frame from " + transport.peerAddress() + ": " + m.why());
            if (m.id() != null) {
                out.binary(Wire.special(Wire.PROTOCOL_ERROR, m.id()));
            }
            return;
        }
        if (service.shuttingDown()) {
            byte[] id = id(in);
            if (id != null) {
                out.binary(Wire.special(Wire.REPLY_SHUTDOWN, id));
            }
            return; // signals are ignored during shutdown, as webwire does
        }
        boolean now;
        synchronized (this) {
            if (gone) {
                return;
            }
            if (pending.size() + waiting.size() >= config.maxPendingRequests()) {
                byte[] id = id(in);
                REFUSED.log(() -> "webwire request from " + transport.peerAddress() + " refused: "
                        + config.maxPendingRequests() + " in flight (" + WebwireConfig.MAX_PENDING_REQUESTS + ")");
                if (id != null) {
                    out.binary(Wire.errorReply(id, "TOO_MANY_REQUESTS", "too many requests in flight"));
                }
                return;
            }
            now = joined && switching == null && waiting.isEmpty();
            if (!now) {
                waiting.add(in);
            }
        }
        if (now) {
            handle(in);
        }
    }

    private static byte[] id(Inbound in) {
        if (in instanceof Inbound.Request r) {
            return r.id();
        }
        if (in instanceof Inbound.RestoreSession r) {
            return r.id();
        }
        if (in instanceof Inbound.CloseSession c) {
            return c.id();
        }
        return null;
    }

    /** Handles a frame while joined with no change of session pending. */
    private void handle(Inbound in) {
        if (in instanceof Inbound.Request r) {
            request(r);
        } else if (in instanceof Inbound.Signal s) {
            signal(s);
        } else if (in instanceof Inbound.RestoreSession r) {
            restore(r);
        } else if (in instanceof Inbound.CloseSession c) {
            closeSession(c.id());
        }
    }

    private void request(Inbound.Request r) {
        String procedure = r.name().isEmpty() ? PROCEDURE_PREFIX : UriNames.encode(PROCEDURE_PREFIX + ".", r.name());
        Connection c;
        long request;
        synchronized (this) {
            c = connection;
            request = nextRequest++;
            pending.put(request, new Pending(r.id(), r.encoding()));
        }
        List<Object> args = new ArrayList<>(1);
        args.add(r.encoding().toValue(r.payload()));
        c.onMessage(new WampMessage.Call(request, Map.of(), procedure, args,
                Map.of("encoding", r.encoding().wampName())));
    }

    private void signal(Inbound.Signal s) {
        String topic = s.name().isEmpty() ? SIGNAL_PREFIX : UriNames.encode(SIGNAL_PREFIX + ".", s.name());
        Connection c;
        long request;
        synchronized (this) {
            c = connection;
            request = nextRequest++;
        }
        List<Object> args = new ArrayList<>(1);
        args.add(s.encoding().toValue(s.payload()));
        c.onMessage(new WampMessage.Publish(request, Map.of(), topic, args,
                Map.of("encoding", s.encoding().wampName())));
    }

    private void restore(Inbound.RestoreSession r) {
        if (!config.sessions()) {
            out.binary(Wire.special(Wire.SESSIONS_DISABLED, r.id()));
            return;
        }
        StoredSession s = service.lookup(r.key());
        if (s == null || !s.realm().equals(realm)) {
            REFUSED.log(() -> "webwire session restoration from " + transport.peerAddress() + ": no such session");
            out.binary(Wire.special(Wire.SESSION_NOT_FOUND, r.id()));
            return;
        }
        synchronized (this) {
            if (session != null && session.key().equals(s.key())) {
                out.binary(Wire.reply(r.id(), Encoding.UTF8, service.json(s)));
                return;
            }
        }
        if (!service.attach(s.key(), this)) {
            REFUSED.log(() -> "webwire session restoration from " + transport.peerAddress() + ": the session has "
                    + config.maxConnections() + " connections (" + WebwireConfig.MAX_CONNECTIONS_PER_SESSION + ")");
            out.binary(Wire.special(Wire.MAX_SESSION_CONNECTIONS, r.id()));
            return;
        }
        StoredSession previous;
        synchronized (this) {
            previous = session;
            session = s;
            switching = new Switch(s, r.id());
        }
        if (previous != null) {
            service.detach(previous.key(), this);
        }
        maybeSwitch();
    }

    private void closeSession(byte[] id) {
        if (!config.sessions()) {
            out.binary(Wire.special(Wire.SESSIONS_DISABLED, id));
            return;
        }
        StoredSession s;
        synchronized (this) {
            s = session;
        }
        if (s != null) {
            service.close(s.key()); // pushes 22 to every connection of the session, this one included
        }
        out.binary(Wire.reply(id, Encoding.BINARY, new byte[0]));
    }

    // ------------------------------------------------------------------------------------------ session changes

    /** A backend created a session for this connection: 21 now, the new identity once no request is in flight. */
    boolean sessionCreated(StoredSession s) {
        synchronized (this) {
            if (gone || session != null) {
                return false;
            }
            session = s;
            switching = new Switch(s, null);
        }
        out.binary(Wire.sessionCreated(service.json(s)));
        run(this::maybeSwitch);
        return true;
    }

    /** The session was closed (by a client or a backend): 22, then anonymous again. */
    void sessionClosed(String key) {
        synchronized (this) {
            if (gone || session == null || !session.key().equals(key)) {
                return;
            }
            session = null;
            switching = new Switch(null, null);
        }
        out.binary(Wire.sessionClosed());
        run(this::maybeSwitch);
    }

    /** A backend's signal for this connection. */
    void signalled(byte[] frame) {
        synchronized (this) {
            if (held != null) {
                if (held.size() < config.maxOutbound()) {
                    held.add(frame);
                    return;
                }
                held = null;
                gone = true;
                out.close(1008, "not reading fast enough");
                return;
            }
        }
        out.binary(frame);
    }

    /** Signals kept while the session had no connection: sent once the restoration is answered. */
    synchronized void hold(List<byte[]> frames) {
        held = new ArrayList<>(frames);
    }

    /** Sends what was held for after the restoration's reply. */
    private void release() {
        List<byte[]> h;
        synchronized (this) {
            h = held;
            held = null;
        }
        if (h != null) {
            h.forEach(out::binary);
        }
    }

    /** Carries out a pending change of WAMP session once no request is in flight. */
    private void maybeSwitch() {
        Switch sw;
        Connection old;
        long oldSession;
        Leg l = new Leg(this, transport);
        synchronized (this) {
            sw = switching;
            if (gone || sw == null || !pending.isEmpty() || (leg != null && !joined)) {
                return; // nothing to do, requests still in flight, or a join in progress (it comes back here)
            }
            old = connection;
            oldSession = wampSession;
            leg = l;
            connection = null;
            joined = false;
            wampSession = 0;
        }
        if (old != null) {
            service.unregister(oldSession, this);
            old.onTransportClosed();
        }
        Connection c = router.connect(l);
        synchronized (this) {
            if (leg != l) {
                return;
            }
            connection = c;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("roles", ROLES);
        if (sw.target() == null) {
            details.put("authmethods", List.of("anonymous"));
        } else {
            details.put("authmethods", List.of(AUTHMETHOD));
            details.put("authid", sw.target().authid());
        }
        c.onMessage(new WampMessage.Hello(realm, details));
    }

    // ------------------------------------------------------------------------------------------ from the router

    @Override
    public void received(Leg from, WampMessage m) {
        synchronized (this) {
            if (from != leg || gone) {
                return;
            }
        }
        switch (m.type()) {
            case RESULT -> result((WampMessage.Result) m);
            case ERROR -> error((WampMessage.Error) m);
            case CHALLENGE -> {
                Connection c;
                Switch sw;
                synchronized (this) {
                    c = connection;
                    sw = switching;
                }
                if (c != null && sw != null && sw.target() != null) {
                    String key = sw.target().key();
                    run(() -> c.onMessage(new WampMessage.Authenticate(key, Map.of())));
                }
            }
            case WELCOME -> welcomed(((WampMessage.Welcome) m).session());
            case ABORT -> joinFailed(from, ((WampMessage.Abort) m).reason());
            case GOODBYE -> ended(from, ((WampMessage.Goodbye) m).reason());
            default -> { } // PUBLISHED and the like: webwire signals are not acknowledged
        }
    }

    @Override
    public void closed(Leg from, int code, String reason) {
        boolean wasJoined;
        synchronized (this) {
            if (from != leg || gone) {
                return;
            }
            wasJoined = joined;
        }
        if (!wasJoined) {
            joinFailed(from, reason);
        } else {
            ended(from, code == 1001 ? ErrorUris.SYSTEM_SHUTDOWN : reason);
        }
    }

    private void welcomed(long id) {
        Switch sw;
        synchronized (this) {
            sw = switching;
            switching = null;
            joined = true;
            wampSession = id;
        }
        service.register(id, this);
        if (sw != null && sw.restoreId() != null) {
            out.binary(Wire.reply(sw.restoreId(), Encoding.UTF8, service.json(sw.target())));
        }
        release();
        run(this::flush);
    }

    /** Handles the frames that waited for the join, in order, until one starts a change of session. */
    private void flush() {
        while (true) {
            Inbound in;
            synchronized (this) {
                if (gone || !joined || switching != null) {
                    return;
                }
                in = waiting.poll();
            }
            if (in == null) {
                return;
            }
            handle(in);
        }
    }

    private void joinFailed(Leg from, String reason) {
        Switch sw;
        synchronized (this) {
            if (from != leg) {
                return;
            }
            sw = switching;
            leg = null;
            connection = null;
        }
        if (sw != null && sw.target() != null) {
            // The session is gone meanwhile or its role may not join (not authorized): "not found". Or the login
            // guard turned the join away for now (too many logins from the address or for the authid), or the check
            // could not run: an error reply that says to try again later, the session kept for that try. Either way
            // the connection goes on anonymously.
            boolean gone = ErrorUris.NOT_AUTHORIZED.equals(reason);
            REFUSED.log(() -> "webwire connection from " + transport.peerAddress() + " could not join with its"
                    + " session: " + reason);
            service.detach(sw.target().key(), this);
            synchronized (this) {
                held = null;
                session = null;
                switching = new Switch(null, null);
            }
            if (sw.restoreId() != null) {
                out.binary(gone ? Wire.special(Wire.SESSION_NOT_FOUND, sw.restoreId())
                        : Wire.errorReply(sw.restoreId(), ErrorUris.AUTHENTICATION_FAILED, RESTORE_LATER));
            } else {
                out.binary(Wire.sessionClosed());
            }
            run(this::maybeSwitch);
            return;
        }
        REFUSED.log(() -> "webwire connection from " + transport.peerAddress() + " closed: it may not join realm "
                + realm + " anonymously (" + reason + ")");
        shutdown(1008, "may not join the realm");
    }

    /** The router ended the WAMP session (it stops, or killed it): every request in flight is answered, then close. */
    private void ended(Leg from, String reason) {
        boolean stopping = ErrorUris.SYSTEM_SHUTDOWN.equals(reason) || service.shuttingDown();
        shutdown(stopping ? 1001 : 1000, stopping ? "server shutting down" : "session ended");
    }

    private void shutdown(int code, String reason) {
        List<byte[]> ids = new ArrayList<>();
        synchronized (this) {
            if (gone) {
                return;
            }
            gone = true;
            pending.values().forEach(p -> ids.add(p.id()));
            pending.clear();
            for (Inbound in : waiting) {
                byte[] id = id(in);
                if (id != null) {
                    ids.add(id);
                }
            }
            waiting.clear();
        }
        ids.forEach(id -> out.binary(Wire.special(Wire.REPLY_SHUTDOWN, id)));
        out.close(code, reason);
    }

    private void result(WampMessage.Result r) {
        Pending p = take(r.request());
        if (p == null) {
            return;
        }
        Object value = r.args() == null || r.args().isEmpty() ? null : r.args().get(0);
        Encoding requested = r.kwargs() == null ? null : Encoding.ofWampName(r.kwargs().get("encoding"));
        byte[] frame;
        if (value == null) {
            frame = Wire.reply(p.id(), Encoding.BINARY, new byte[0]);
        } else if (value instanceof byte[] b) {
            frame = Wire.reply(p.id(), requested == null ? Encoding.BINARY : requested, b);
        } else {
            String text = value instanceof String s ? s : JsonValues.write(value);
            Encoding e = requested != null && requested != Encoding.BINARY ? requested
                    : p.encoding() == Encoding.UTF16 ? Encoding.UTF16 : Encoding.UTF8;
            frame = Wire.reply(p.id(), e, e.bytes(text));
        }
        out.binary(frame);
        afterReply();
    }

    private void error(WampMessage.Error e) {
        if (e.requestType() != MessageType.CALL.code()) {
            return; // a signal's PUBLISH was refused: signals get no answer
        }
        Pending p = take(e.request());
        if (p == null) {
            return;
        }
        if (e.error().startsWith(ERROR_PREFIX) && e.error().length() > ERROR_PREFIX.length()) {
            Object message = e.args() == null || e.args().isEmpty() ? null : e.args().get(0);
            out.binary(Wire.errorReply(p.id(), e.error().substring(ERROR_PREFIX.length()),
                    message instanceof String s ? s : null));
        } else if (ErrorUris.SYSTEM_SHUTDOWN.equals(e.error())) {
            out.binary(Wire.special(Wire.REPLY_SHUTDOWN, p.id())); // the router began to drain as it was sent
        } else if (REFUSALS.contains(e.error())) {
            out.binary(Wire.errorReply(p.id(), e.error(), null));
        } else {
            // An application error: its message is never passed on (it may leak internals); logged instead.
            REFUSED.log(() -> "a webwire request of " + transport.peerAddress() + " failed with " + e.error()
                    + "; answered as an internal error");
            out.binary(Wire.special(Wire.INTERNAL_ERROR, p.id()));
        }
        afterReply();
    }

    private synchronized Pending take(long request) {
        return pending.remove(request);
    }

    private void afterReply() {
        boolean go;
        synchronized (this) {
            go = switching != null && pending.isEmpty();
        }
        if (go) {
            run(this::maybeSwitch);
        }
    }

    /** The WebSocket closed. */
    void onClose() {
        Connection c;
        long id;
        StoredSession s;
        synchronized (this) {
            gone = true;
            waiting.clear();
            pending.clear();
            c = connection;
            id = wampSession;
            s = session;
            leg = null;
            connection = null;
        }
        if (s != null) {
            service.detach(s.key(), this);
        }
        service.unregister(id, this);
        if (c != null) {
            c.onTransportClosed();
        }
    }

    /** The current webwire session's key, or null. */
    synchronized String sessionKey() {
        return session == null ? null : session.key();
    }

    private void run(Runnable task) {
        try {
            service.executor().execute(task);
        } catch (RejectedExecutionException e) {
            SATURATED.log(() -> "webwire connection from " + transport.peerAddress()
                    + " closed: the bridge executor is saturated");
            shutdown(1011, "server busy");
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
