package io.postmaster.resumption;

import io.postmaster.adapter.Bridges;
import io.postmaster.adapter.SessionStore;
import io.postmaster.adapter.SessionStores;
import io.postmaster.config.ResumptionConfig;
import io.postmaster.endpoint.SessionResumption;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.util.Base64;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The resumable sessions by token, kept in the deployment's one {@link SessionStore} (with webwire's sessions; kind
 * {@code WAMP}), which bounds them by count and bytes ({@code postmaster.session-store.*},
 * {@code postmaster.resume.total-bytes}: what they keep for their clients counts as their bytes); and how many wait
 * for their client ({@code postmaster.resume.max-detached}). A token is 32 random bytes; an entry lives only while its
 * session does. Belongs to the deployment.
 */
@ApplicationScoped
public class Resumables implements SessionResumption {
    private static final Logger LOG = Logger.getLogger(Resumables.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Router router;
    @Inject
    Bridges bridges;
    @Inject
    SessionStores stores;

    private final AtomicInteger detached = new AtomicInteger();

    ResumptionConfig config() {
        return router.config().resumption();
    }

    ScheduledExecutorService timers() {
        return bridges.timers();
    }

    /** Keeps a session that joined asking to be resumable: its token, or null when the store is full. */
    String register(Resumable r) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        try {
            stores.store().create(SessionStore.Kind.WAMP, token, r, 0, Instant.now());
        } catch (SessionStore.Full full) {
            REFUSED.log(() -> "a WAMP session that asked to be resumable is not: " + full.getMessage()
                    + " (postmaster.session-store.*)");
            return null;
        }
        return token;
    }

    void unregister(String token, Resumable r) {
        if (find(token) == r) {
            stores.store().remove(SessionStore.Kind.WAMP, token);
        }
    }

    private Resumable find(String token) {
        SessionStore.Entry e = stores.store().peek(SessionStore.Kind.WAMP, token);
        return e == null ? null : (Resumable) e.value();
    }

    /** Counts a session that waits for its client ({@code true}) or no longer does; false when none may wait more. */
    boolean detached(boolean now) {
        if (!now) {
            detached.decrementAndGet();
            return true;
        }
        int max = config().maxDetached();
        while (true) {
            int n = detached.get();
            if (n >= max) {
                REFUSED.log(() -> "a resumable session lost its transport and ended: " + max
                        + " sessions already wait for their clients (" + ResumptionConfig.MAX_DETACHED + ")");
                return false;
            }
            if (detached.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Counts {@code n} more bytes kept by the session of {@code token}; false when the store's bounds are met. */
    boolean reserve(String token, int n) {
        return stores.store().resize(SessionStore.Kind.WAMP, token, n);
    }

    void release(String token, int n) {
        stores.store().resize(SessionStore.Kind.WAMP, token, -n);
    }

    @Override
    public boolean asks(WampMessage.Hello hello) {
        return ResumeAsk.of(hello).asks();
    }

    @Override
    public Attachment attach(WampMessage.Hello hello, Transport transport, Peer.TransportInfo info) {
        Resumable r = open(hello, transport, info);
        return new Attachment() {
            public void message(WampMessage m) {
                r.forward(transport, m);
            }

            public void malformed(String why) {
                r.malformed(transport, why);
            }

            public void transportClosed() {
                r.transportClosed(transport);
            }
        };
    }

    /**
     * The session for a transport's first HELLO: the one its token names (in its realm, with its session ID if the
     * HELLO gives one), resumed, or a new resumable one, so a client whose session could not be resumed is told and
     * starts afresh.
     */
    Resumable open(WampMessage.Hello hello, Transport t, Peer.TransportInfo info) {
        ResumeAsk ask = ResumeAsk.of(hello);
        if (ask.token() != null) {
            Resumable r = find(ask.token());
            if (r != null && r.realm().equals(hello.realm()) && (ask.session() == 0 || ask.session() == r.sessionId())
                    && r.resume(t, ask.last())) {
                return r;
            }
            REFUSED.log(() -> "a client from " + info.peerAddress() + " could not resume its session (gone, another"
                    + " session's ID, or more missed than kept): a fresh one");
        }
        Resumable fresh = new Resumable(this, config(), info, hello.realm());
        fresh.start(router, t, hello, ask.asks());
        return fresh;
    }
}
