package io.postmaster.router;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count that may not pass a cap: what all sessions of a realm hold together (subscriptions, registrations,
 * pending calls). Lock-free; every successful {@link #tryAcquire()} is paired with exactly one {@link #release()}
 * by the code that owns the thing counted.
 */
final class Quota {
    private final int cap;
    private final AtomicInteger used = new AtomicInteger();

    Quota(int cap) {
        this.cap = cap;
    }

    /** Takes one unit; false (and nothing taken) when the cap is reached. */
    boolean tryAcquire() {
        while (true) {
            int u = used.get();
            if (u >= cap) {
                return false;
            }
            if (used.compareAndSet(u, u + 1)) {
                return true;
            }
        }
    }

    /** Gives one unit back. */
    void release() {
        used.decrementAndGet();
    }

    /** Units taken now. */
    int used() {
        return used.get();
    }

    int cap() {
        return cap;
    }
}
