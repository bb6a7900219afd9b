package io.postmaster.spi;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The options of a call ({@link WampSession#call(String, java.util.List, java.util.Map, CallOptions)}). Immutable:
 * start from {@link #DEFAULTS}.
 *
 * @param timeout    how long the router lets the call run before it ends with {@code wamp.error.timeout}
 *                   (null: only the router's {@code postmaster.call-max-pending-ms})
 * @param progress   receives each progressive result, in order, before the stage completes with the final one
 *                   (null: none are asked for)
 * @param cancelMode the CANCEL mode used when the stage is cancelled: {@code skip}, {@code kill} or
 *                   {@code killnowait}
 * @param discloseMe whether the callee learns who called (if the realm's rules allow disclosure)
 */
public record CallOptions(Duration timeout, Consumer<CallResult> progress, String cancelMode, boolean discloseMe) {

    public static final CallOptions DEFAULTS = new CallOptions(null, null, "killnowait", false);

    public CallOptions {
        if (!"skip".equals(cancelMode) && !"kill".equals(cancelMode) && !"killnowait".equals(cancelMode)) {
            throw new IllegalArgumentException("cancelMode must be skip, kill or killnowait, got " + cancelMode);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public CallOptions timeout(Duration timeout) {
        return new CallOptions(timeout, progress, cancelMode, discloseMe);
    }

    public CallOptions onProgress(Consumer<CallResult> progress) {
        return new CallOptions(timeout, progress, cancelMode, discloseMe);
    }

    public CallOptions cancelMode(String cancelMode) {
        return new CallOptions(timeout, progress, cancelMode, discloseMe);
    }

    public CallOptions disclosed() {
        return new CallOptions(timeout, progress, cancelMode, true);
    }
}
