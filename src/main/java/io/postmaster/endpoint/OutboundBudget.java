package io.postmaster.endpoint;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes waiting to be written to all connections of the router together ({@code postmaster.outbound-total-bytes}),
 * so that many connections that stopped reading cannot together hold many times the per-connection limit. Each
 * {@link WebSocketPeer} adds what it holds and takes it off once written or dropped. When the total is over the
 * budget, a connection that holds more than its share (the budget divided by the open connections) is closed at its
 * next message; connections that keep up hold next to nothing and are never the ones cut. Lock-free, and cheap on
 * the send path: every I/O thread adds to its own cell, and the total is summed only for a connection that holds
 * more than its share.
 */
final class OutboundBudget {
    private final long limit;
    private final LongAdder held = new LongAdder();
    private final AtomicInteger connections = new AtomicInteger();

    OutboundBudget(long limit) {
        this.limit = limit;
    }

    void opened() {
        connections.incrementAndGet();
    }

    void closed() {
        connections.decrementAndGet();
    }

    void add(long bytes) {
        held.add(bytes);
    }

    /** Whether a connection that holds {@code own} bytes must go: the total is over the budget and it holds more than its share. */
    boolean overShare(long own) {
        return own > limit / Math.max(1, connections.get()) && held.sum() > limit;
    }

    long limit() {
        return limit;
    }

    /** Bytes held for all connections now. */
    long held() {
        return held.sum();
    }
}
