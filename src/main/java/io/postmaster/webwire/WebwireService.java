package io.postmaster.webwire;

import io.postmaster.adapter.Bridges;
import io.postmaster.adapter.JsonValues;
import io.postmaster.adapter.SessionStore;
import io.postmaster.adapter.SessionStores;
import io.postmaster.config.WebwireConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.router.Router;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.WampException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

import static io.postmaster.adapter.SessionStore.Kind.WEBWIRE;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The webwire side of the application: the session store, which connection is which WAMP session and which
 * connections each webwire session has, and the router procedures backends call:
 * <ul>
 * <li>{@code webwire.session.create(session_id, info?)}, kwargs {@code authid}, {@code authrole} (optional: the
 * connection's own by default): creates a session for the webwire connection whose WAMP session is
 * {@code session_id} (a callee learns it from the caller disclosure of the request it handles); the connection gets
 * it before the reply to that request; returns {@code [key]}.</li>
 * <li>{@code webwire.session.close(key)}: closes a session; every connection of it is told; returns
 * {@code [connections]}.</li>
 * <li>{@code webwire.signal(target, name, payload)}, kwargs {@code encoding} ({@code binary}, {@code utf8} (default
 * for text), {@code utf16}): a signal to one connection ({@code target} a WAMP session ID) or to every connection of
 * a session ({@code target} its key); returns {@code [connections reached]}. Signals to a session that has no
 * connection are kept for its next restoration, in order, within {@code postmaster.webwire.max-buffered-*}.</li>
 * </ul>
 * Each is open to the roles in {@code postmaster.webwire.backend-roles} only.
 */
@ApplicationScoped
public class WebwireService {
    private static final Logger LOG = Logger.getLogger(WebwireService.class.getName());
    private static final RateLimitedLog FULL = new RateLimitedLog(LOG, Level.WARNING);
    static final String CREATE = "webwire.session.create";
    static final String CLOSE = "webwire.session.close";
    static final String SIGNAL = "webwire.signal";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Router router;
    @Inject
    Bridges bridges;
    @Inject
    SessionStores stores;

    private volatile boolean shuttingDown;
    private final ConcurrentHashMap<Long, WebwireConnection> byWampSession = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<WebwireConnection>> attached = new ConcurrentHashMap<>();
    /** Signals kept for sessions without a connection, by key; only for stored sessions. */
    private final ConcurrentHashMap<String, Backlog> backlogs = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong backlogBytes = new java.util.concurrent.atomic.AtomicLong();
    private static final RateLimitedLog OVERFLOW = new RateLimitedLog(LOG, Level.INFO);

    /** The signals kept for one session while it has no connection. Guarded by the {@code attached} entry's lock. */
    private static final class Backlog {
        final java.util.ArrayDeque<byte[]> frames = new java.util.ArrayDeque<>();
        long bytes;
    }

    private SessionStore store() {
        return stores.store();
    }

    WebwireConfig config() {
        return router.config().webwire();
    }

    Executor executor() {
        return bridges.executor();
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        WebwireConfig c = config();
        if (!c.enabled()) {
            return;
        }
        if (router.realm(c.realm()) == null) {
            throw new IllegalArgumentException(WebwireConfig.REALM + ": '" + c.realm() + "' is not a served realm");
        }
        Predicate<SessionDetails> backend = d -> c.backendRoles().contains(d.authrole());
        router.registerLocal(c.realm(), CREATE, backend, (caller, args, kwargs) -> List.of(create(args, kwargs)));
        router.registerLocal(c.realm(), CLOSE, backend, (caller, args, kwargs) -> {
            if (args == null || args.isEmpty() || !(args.get(0) instanceof String key)) {
                throw new WampException(ErrorUris.INVALID_ARGUMENT, "expected [key]");
            }
            return List.of((long) close(key));
        });
        router.registerLocal(c.realm(), SIGNAL, backend, (caller, args, kwargs) -> List.of((long) signal(args, kwargs)));
        LOG.info(() -> "webwire served on realm " + c.realm() + " at the context root");
    }

    @PreDestroy
    void stop() {
        shuttingDown = true;
    }

    /**
     * Whether the application stops or the router drains (undeploy's first step, or the operator's drain): new
     * connections get 503, new requests the shutdown reply; requests already routed are calls the drain waits for.
     */
    boolean shuttingDown() {
        return shuttingDown || router.draining();
    }

    // ------------------------------------------------------------------------------------------ connections

    void register(long wampSession, WebwireConnection c) {
        byWampSession.put(wampSession, c);
    }

    void unregister(long wampSession, WebwireConnection c) {
        byWampSession.remove(wampSession, c);
    }

    /** Counts {@code c} as a connection of the session; false if it has as many as it may. */
    boolean attach(String key, WebwireConnection c) {
        int max = config().maxConnections();
        boolean[] ok = {false};
        attached.compute(key, (k, set) -> {
            Set<WebwireConnection> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            if (s.contains(c) || s.size() < max) {
                s.add(c);
                ok[0] = true;
                Backlog b = backlogs.remove(key);
                if (b != null) {
                    backlogBytes.addAndGet(-b.bytes);
                    c.hold(List.copyOf(b.frames)); // sent after the restoration's reply, before anything newer
                }
            }
            return s.isEmpty() ? null : s;
        });
        return ok[0];
    }

    void detach(String key, WebwireConnection c) {
        attached.computeIfPresent(key, (k, s) -> {
            s.remove(c);
            if (s.isEmpty()) {
                store().touch(WEBWIRE, key, Instant.now()); // idle from now on
                return null;
            }
            return s;
        });
    }

    /** Connections of a session, for tests and the procedures. */
    Set<WebwireConnection> connections(String key) {
        Set<WebwireConnection> s = attached.get(key);
        return s == null ? Set.of() : Set.copyOf(s);
    }

    // ------------------------------------------------------------------------------------------ sessions

    StoredSession lookup(String key) {
        if (key.length() > 256) {
            return null;
        }
        SessionStore.Entry e = store().lookup(WEBWIRE, key, Instant.now(), config().sessionIdle(),
                attached::containsKey);
        if (e == null) {
            dropBacklog(key);
            return null;
        }
        return ((StoredSession) e.value()).used(e.lastUsed());
    }

    private void dropBacklog(String key) {
        Backlog b = backlogs.remove(key);
        if (b != null) {
            backlogBytes.addAndGet(-b.bytes);
        }
    }

    /**
     * Keeps a signal for a session without a connection (call inside the session's {@code attached} entry lock).
     * Past the bounds the session is closed: its next restoration gets "session not found" and starts afresh.
     */
    private void keep(String key, byte[] frame) {
        if (store().peek(WEBWIRE, key) == null) {
            return; // no such session: nobody to keep it for
        }
        WebwireConfig c = config();
        Backlog b = backlogs.computeIfAbsent(key, k -> new Backlog());
        if (b.frames.size() >= c.bufferedSignals() || b.bytes + frame.length > c.bufferedBytes()
                || backlogBytes.get() + frame.length > c.bufferedTotalBytes()) {
            OVERFLOW.log(() -> "webwire session closed: more signals for it while it has no connection than "
                    + WebwireConfig.MAX_BUFFERED_SIGNALS + " / " + WebwireConfig.MAX_BUFFERED_BYTES + " / "
                    + WebwireConfig.MAX_BUFFERED_TOTAL_BYTES + " allow");
            dropBacklog(key);
            store().remove(WEBWIRE, key);
            return;
        }
        b.frames.add(frame);
        b.bytes += frame.length;
        backlogBytes.addAndGet(frame.length);
    }

    /** The JSON webwire sends for a session: {@code {"k":key,"c":created,"l":last lookup,"i":info}}. */
    byte[] json(StoredSession s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", s.key());
        m.put("c", s.created().toString());
        m.put("l", s.lastUsed().toString());
        m.put("i", s.info());
        return JsonValues.write(m).getBytes(StandardCharsets.UTF_8);
    }

    private String create(List<Object> args, Map<String, Object> kwargs) throws WampException {
        WebwireConfig c = config();
        if (!c.sessions()) {
            throw new WampException(ErrorUris.FEATURE_NOT_SUPPORTED, "webwire sessions are disabled");
        }
        if (args == null || args.isEmpty() || !(args.get(0) instanceof Long id)) {
            throw new WampException(ErrorUris.INVALID_ARGUMENT, "expected [session_id, info]");
        }
        Object infoArg = args.size() > 1 ? args.get(1) : null;
        if (infoArg != null && !(infoArg instanceof Map<?, ?>)) {
            throw new WampException(ErrorUris.INVALID_ARGUMENT, "info must be a dict");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> info = infoArg == null ? Map.of() : (Map<String, Object>) infoArg;
        WebwireConnection conn = byWampSession.get(id);
        if (conn == null) {
            throw new WampException(ErrorUris.NO_SUCH_SESSION, "no webwire connection is WAMP session " + id);
        }
        io.postmaster.router.Realm realm = router.realm(c.realm());
        io.postmaster.router.Session ws = realm == null ? null : realm.session(id);
        String authid = kwargs != null && kwargs.get("authid") instanceof String s ? s
                : ws != null ? ws.authid() : null;
        String authrole = kwargs != null && kwargs.get("authrole") instanceof String s ? s
                : ws != null ? ws.authrole() : null;
        if (authid == null || authrole == null || authid.length() > 256 || authrole.length() > 256) {
            throw new WampException(ErrorUris.INVALID_ARGUMENT, "authid and authrole must be short strings");
        }
        String infoJson = JsonValues.write(info);
        int bytes = infoJson.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > c.maxInfoBytes()) {
            throw new WampException(ErrorUris.INVALID_ARGUMENT, "session info is larger than "
                    + WebwireConfig.MAX_INFO_BYTES + " (" + c.maxInfoBytes() + " bytes)");
        }
        byte[] random = new byte[48];
        RANDOM.nextBytes(random);
        String key = Base64.getUrlEncoder().encodeToString(random);
        Instant now = Instant.now();
        Map<String, Object> frozen; // the session's own copy, exactly what clients are sent
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = (Map<String, Object>) JsonValues.parse(infoJson);
            frozen = java.util.Collections.unmodifiableMap(copy);
        } catch (JsonValues.Malformed e) {
            throw new IllegalStateException(e); // what JsonValues wrote, it reads
        }
        StoredSession s = new StoredSession(key, c.realm(), authid, authrole, frozen, now, now,
                bytes + key.length() + authid.length() + authrole.length());
        try {
            try {
                store().create(WEBWIRE, key, s, s.bytes(), now);
            } catch (SessionStore.Full full) {
                store().expire(WEBWIRE, c.sessionIdle(), now, attached::containsKey).forEach(this::dropBacklog);
                store().create(WEBWIRE, key, s, s.bytes(), now);
            }
        } catch (SessionStore.Full full) {
            FULL.log(() -> "webwire session not created: " + full.getMessage() + " (" + WebwireConfig.MAX_SESSIONS
                    + ", " + WebwireConfig.MAX_SESSION_BYTES + ", postmaster.session-store.*)");
            throw new WampException(ErrorUris.LIMIT_REACHED, "the session store is full");
        }
        attach(key, conn);
        if (!conn.sessionCreated(s)) {
            detach(key, conn);
            store().remove(WEBWIRE, key);
            throw new WampException(ErrorUris.INVALID_ARGUMENT, "the connection has a session already, or is gone");
        }
        return key;
    }

    /** Closes a session: removed from the store, every connection told. The number of connections it had. */
    int close(String key) {
        store().remove(WEBWIRE, key);
        dropBacklog(key);
        Set<WebwireConnection> conns = attached.remove(key);
        if (conns == null) {
            return 0;
        }
        conns.forEach(c -> c.sessionClosed(key));
        return conns.size();
    }

    private int signal(List<Object> args, Map<String, Object> kwargs) throws WampException {
        if (args == null || args.size() < 3 || !(args.get(1) instanceof String name)) {
            throw new WampException(ErrorUris.INVALID_ARGUMENT, "expected [target, name, payload]");
        }
        Object payload = args.get(2);
        Wire.Encoding enc = kwargs == null ? null : Wire.Encoding.ofWampName(kwargs.get("encoding"));
        byte[] data;
        if (payload instanceof byte[] b) {
            data = b;
            enc = enc == null ? Wire.Encoding.BINARY : enc;
        } else if (payload instanceof String s) {
            enc = enc == null || enc == Wire.Encoding.BINARY ? Wire.Encoding.UTF8 : enc;
            data = enc.bytes(s);
        } else {
            throw new WampException(ErrorUris.INVALID_ARGUMENT, "the payload must be bytes or a string");
        }
        byte[] frame;
        try {
            frame = Wire.signal(name, enc, data);
        } catch (IllegalArgumentException e) {
            throw new WampException(ErrorUris.INVALID_ARGUMENT, e.getMessage());
        }
        Object target = args.get(0);
        if (target instanceof Long id) {
            WebwireConnection c = byWampSession.get(id);
            if (c == null) {
                return 0;
            }
            c.signalled(frame);
            return 1;
        }
        if (target instanceof String key) {
            int[] reached = {0};
            attached.compute(key, (k, set) -> {
                if (set == null || set.isEmpty()) {
                    keep(key, frame); // for the session's next restoration
                    return null;
                }
                set.forEach(c -> c.signalled(frame));
                reached[0] = set.size();
                return set;
            });
            return reached[0];
        }
        throw new WampException(ErrorUris.INVALID_ARGUMENT, "the target is a WAMP session ID or a session key");
    }
}
