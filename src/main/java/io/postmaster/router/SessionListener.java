package io.postmaster.router;

import io.postmaster.spi.SessionJoined;
import io.postmaster.spi.SessionLeft;

/**
 * How the routing core reports joins and leaves (internal: applications observe the CDI events instead); the endpoint layer turns them into the CDI events
 * {@link SessionJoined} and {@link SessionLeft}. Called on Postmaster's executor.
 */
public interface SessionListener {
    void joined(SessionJoined event);

    void left(SessionLeft event);

    /** Ignores everything. */
    SessionListener NONE = new SessionListener() {
        public void joined(SessionJoined event) { }
        public void left(SessionLeft event) { }
    };
}
