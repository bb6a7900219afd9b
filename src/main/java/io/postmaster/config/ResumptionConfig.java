package io.postmaster.config;

import java.time.Duration;
import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.intValue;
import static io.postmaster.config.PostmasterConfig.longValue;
import static io.postmaster.config.WebrocketConfig.atLeast;

/**
 * WAMP session resumption (on the WAMP WebSocket and its alias, see {@link WebSocketPaths}): what a session that lost its transport may keep, and for how long.
 *
 * @param maxDetached   sessions that may wait for their client at once; past it a session that loses its transport
 *                      ends as usual
 * @param keep          how long a session without transport waits for its client to come back
 * @param replayMessages messages kept per session for a client that comes back: those sent while it was away and the
 *                      last ones sent before (which may have been lost in flight); past it while away, the session
 *                      ends, and the client coming back is told ({@code resumed: false}) and starts afresh
 * @param replayBytes   the same in bytes (measured as JSON)
 * @param totalBytes    the bytes kept for all sessions that wait together; past it the session whose message does not
 *                      fit ends
 */
public record ResumptionConfig(int maxDetached, Duration keep, int replayMessages, int replayBytes, long totalBytes) {
    public static final String MAX_DETACHED = "postmaster.resume.max-detached";
    public static final String KEEP_MS = "postmaster.resume.keep-ms";
    public static final String REPLAY_MESSAGES = "postmaster.resume.replay-messages";
    public static final String REPLAY_BYTES = "postmaster.resume.replay-bytes";
    public static final String TOTAL_BYTES = "postmaster.resume.total-bytes";

    public ResumptionConfig {
        atLeast(MAX_DETACHED, maxDetached, 0);
        if (keep.toMillis() < 100) {
            throw new IllegalArgumentException(KEEP_MS + " must be at least 100, got " + keep.toMillis());
        }
        atLeast(REPLAY_MESSAGES, replayMessages, 1);
        atLeast(REPLAY_BYTES, replayBytes, 1024);
        if (totalBytes < replayBytes) {
            throw new IllegalArgumentException(TOTAL_BYTES + " must be at least " + REPLAY_BYTES + " (" + replayBytes
                    + "), got " + totalBytes);
        }
    }

    public static ResumptionConfig defaults() {
        return from(k -> null);
    }

    public static ResumptionConfig from(Function<String, String> lookup) {
        return new ResumptionConfig(intValue(lookup, MAX_DETACHED, 1000),
                Duration.ofMillis(intValue(lookup, KEEP_MS, 60_000)), intValue(lookup, REPLAY_MESSAGES, 1000),
                intValue(lookup, REPLAY_BYTES, 1024 * 1024), longValue(lookup, TOTAL_BYTES, 64L * 1024 * 1024));
    }
}
