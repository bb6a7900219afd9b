package io.postmaster.resumption;

import io.postmaster.adapter.Bridges;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The resumable sessions by token, and what they hold together: sessions waiting for their client
 * ({@code postmaster.resume.max-detached}) and kept bytes ({@code postmaster.resume.total-bytes}). A token is 32
 * random bytes; an entry lives only while its session does. Belongs to the deployment.
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

    private final ConcurrentHashMap<String, Resumable> byToken = new ConcurrentHashMap<>();
    private final AtomicInteger detached = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    ResumptionConfig config() {
        return router.config().resumption();
    }

    ScheduledExecutorService timers() {
        return bridges.timers();
    }

    String register(Resumable r) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        byToken.put(token, r);
        return token;
    }

    void unregister(String token, Resumable r) {
        byToken.remove(token, r);
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

    boolean reserve(int n) {
        long max = config().totalBytes();
        while (true) {
            long b = bytes.get();
            if (b + n > max) {
                return false;
            }
            if (bytes.compareAndSet(b, b + n)) {
                return true;
            }
        }
    }

    void release(int n) {
        bytes.addAndGet(-n);
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
            Resumable r = byToken.get(ask.token());
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
