package io.postmaster.resumption;

import io.postmaster.adapter.Bridges;
import io.postmaster.config.ResumptionConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
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
public class Resumables {
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

    /**
     * The session for a transport's first HELLO: the one its {@code _resume} token names, resumed, or a new one
     * (resumable if asked, so a client whose session could not be resumed is told and starts afresh).
     */
    Resumable open(WampMessage.Hello hello, Resumable.Transport t, Peer.TransportInfo info) {
        Object ext = hello.details().get(Resumable.EXTENSION);
        String token = ext instanceof String s ? s : ext instanceof Map<?, ?> m && m.get("token") instanceof String s
                ? s : null;
        long last = ext instanceof Map<?, ?> m && m.get("last") instanceof Number n ? n.longValue() : -1;
        if (token != null) {
            Resumable r = byToken.get(token);
            if (r != null && r.realm().equals(hello.realm()) && r.resume(t, last)) {
                return r;
            }
            REFUSED.log(() -> "a client from " + info.peerAddress() + " could not resume its session (gone, or more"
                    + " missed than kept): a fresh one");
        }
        Resumable fresh = new Resumable(this, config(), info, hello.realm());
        fresh.start(router, t, hello, ext != null && !Boolean.FALSE.equals(ext));
        return fresh;
    }
}
