package com.example.postmaster;

import io.postmaster.spi.SessionJoined;
import io.postmaster.spi.SessionLeft;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/** Observes sessions joining and leaving. */
@ApplicationScoped
public class SessionLog {
    private static final Logger LOG = Logger.getLogger(SessionLog.class.getName());
    private final AtomicInteger joined = new AtomicInteger();
    private final AtomicInteger left = new AtomicInteger();
    private final AtomicInteger joinedAsync = new AtomicInteger();

    void joined(@Observes SessionJoined e) {
        joined.incrementAndGet();
        LOG.info(() -> e.session().authid() + " (" + e.session().authrole() + ") joined " + e.session().realm()
                + " from " + e.session().transport().peerAddress());
    }

    void left(@Observes SessionLeft e) {
        left.incrementAndGet();
        LOG.info(() -> e.session().authid() + " left " + e.session().realm());
    }

    /** The same events, delivered asynchronously by the container: for work that need not hold up the session. */
    void joinedAsync(@ObservesAsync SessionJoined e) {
        joinedAsync.incrementAndGet();
    }

    public int joinedCount() { return joined.get(); }
    public int joinedAsyncCount() { return joinedAsync.get(); }
    public int leftCount() { return left.get(); }
}
