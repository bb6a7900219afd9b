package io.postmaster.config;

import java.util.function.Function;

/**
 * What the router may hold for sessions that do not read what it sends them, beyond the message count
 * {@code postmaster.outbound-queue} of {@link PostmasterConfig}. Every message is counted from the moment it is
 * queued for a connection until the container reports it written. An EVENT fanned out to many subscribers is
 * encoded once and its bytes are shared, but each connection is charged the full size of every message it holds:
 * the same bytes count once per connection that holds them (which is also what a container that copies each frame
 * into its own buffer really holds).
 *
 * @param queueBytes  bytes of messages caused by clients (events, results, invocations, answers) that may wait to be
 *                    written to one connection; past it the connection is closed with 1008
 * @param totalBytes  bytes that may wait to be written to all connections together; past it, a connection that holds
 *                    more than its share ({@code totalBytes} divided by the open connections) is closed with 1008
 *                    when the next message for it comes. Without it, N paused subscribers could hold N times
 *                    {@code queueBytes}.
 * @param pacedQueue  messages the router produces on its own when a session leaves or calls expire (the errors for
 *                    the callers of a callee that left, interrupts, testaments and meta events) that may wait for one
 *                    connection. They are not counted against {@code postmaster.outbound-queue} and
 *                    {@code queueBytes}: they are paced, handed to the container only as the peer reads; their number
 *                    is bounded by the per-session caps of the sessions that caused them. Past it the connection is
 *                    closed with 1008 (a peer that reads nothing)
 * @param pacedBytes  the same bound in bytes
 * @param abortMs     a connection closed for not keeping up that is still stuck this long after (frames handed to
 *                    the container unwritten on Undertow, the connection still open on Grizzly) is dropped without
 *                    the closing handshake, where the container allows it, so that what the container holds for it
 *                    is freed: a peer that reads nothing never takes the close frame queued behind them
 */
public record OutboundLimits(long queueBytes, long totalBytes, int pacedQueue, long pacedBytes, long abortMs) {

    public static final String QUEUE_BYTES = "postmaster.outbound-queue-bytes";
    public static final String TOTAL_BYTES = "postmaster.outbound-total-bytes";
    public static final String PACED_QUEUE = "postmaster.outbound-paced-queue";
    public static final String PACED_BYTES = "postmaster.outbound-paced-bytes";
    public static final String ABORT_MS = "postmaster.outbound-abort-ms";

    /** Default per connection: 4 MiB, four times the default largest message. */
    static final long DEFAULT_QUEUE_BYTES = 4L << 20;
    static final int DEFAULT_PACED_QUEUE = 65_536;
    static final long DEFAULT_PACED_BYTES = 16L << 20;
    static final long DEFAULT_ABORT_MS = 30_000;

    public OutboundLimits {
        if (queueBytes < 1024) {
            throw new IllegalArgumentException(QUEUE_BYTES + " must be at least 1024, got " + queueBytes);
        }
        if (totalBytes < queueBytes) {
            throw new IllegalArgumentException(TOTAL_BYTES + " (" + totalBytes + ") must be at least "
                    + QUEUE_BYTES + " (" + queueBytes + ")");
        }
        if (pacedQueue < 1) {
            throw new IllegalArgumentException(PACED_QUEUE + " must be positive, got " + pacedQueue);
        }
        if (pacedBytes < 1024) {
            throw new IllegalArgumentException(PACED_BYTES + " must be at least 1024, got " + pacedBytes);
        }
        if (abortMs < 1) {
            throw new IllegalArgumentException(ABORT_MS + " must be positive, got " + abortMs);
        }
    }

    /**
     * The settings from {@code lookup}; {@code postmaster.outbound-total-bytes} defaults to a quarter of the JVM's
     * largest heap ({@code -Xmx}), at least {@code queueBytes}.
     */
    public static OutboundLimits from(Function<String, String> lookup) {
        long queue = PostmasterConfig.longValue(lookup, QUEUE_BYTES, DEFAULT_QUEUE_BYTES);
        long total = PostmasterConfig.longValue(lookup, TOTAL_BYTES,
                Math.max(queue, Runtime.getRuntime().maxMemory() / 4));
        int pacedQueue = PostmasterConfig.intValue(lookup, PACED_QUEUE, DEFAULT_PACED_QUEUE);
        long pacedBytes = PostmasterConfig.longValue(lookup, PACED_BYTES, DEFAULT_PACED_BYTES);
        long abortMs = PostmasterConfig.longValue(lookup, ABORT_MS, DEFAULT_ABORT_MS);
        return new OutboundLimits(queue, total, pacedQueue, pacedBytes, abortMs);
    }
}
