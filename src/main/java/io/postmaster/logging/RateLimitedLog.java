package io.postmaster.logging;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One kind of log line that clients can trigger at will (a failed login, a HELLO timeout, a protocol violation, a
 * refused request): at most {@code burst} lines, then one line per {@code period / burst} on average (a token
 * bucket). Lines over the budget are counted, not written; the next line written says how many were left out.
 *
 * <p>One instance per kind, held in a static field of the class that logs it: the kind is fixed by the code, never
 * derived from client data, so the number of instances is bounded. Lock-free; safe from any thread. A suppressed
 * line costs a compare-and-set, and its message is never built (pass a {@link Supplier}).
 */
public final class RateLimitedLog {
    /** Lines a kind may write at once before the budget applies. */
    public static final int DEFAULT_BURST = 10;
    /** The window over which {@link #DEFAULT_BURST} lines are allowed on average. */
    static final long DEFAULT_PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger logger;
    private final Level level;
    private final int burst;
    private final long nanosPerLine;
    private final LongSupplier clock;
    /** The time at which the bucket would be full again; the budget is spent while it lies ahead of now by more than a burst. */
    private final AtomicLong fullAt;
    private final AtomicLong suppressed = new AtomicLong();

    /** {@link #DEFAULT_BURST} lines, then ten a minute, at {@code level}. */
    public RateLimitedLog(Logger logger, Level level) {
        this(logger, level, DEFAULT_BURST, DEFAULT_PERIOD_NANOS, System::nanoTime);
    }

    /** A budget of {@code burst} lines per {@code periodNanos}, measured with {@code clock} (nanoseconds). */
    RateLimitedLog(Logger logger, Level level, int burst, long periodNanos, LongSupplier clock) {
        if (burst < 1 || periodNanos < 1) {
            throw new IllegalArgumentException("burst and period must be positive");
        }
        this.logger = logger;
        this.level = level;
        this.burst = burst;
        this.nanosPerLine = Math.max(1, periodNanos / burst);
        this.clock = clock;
        this.fullAt = new AtomicLong(clock.getAsLong());
    }

    /** Writes the line if the budget allows, else counts it. The message is built only when written. */
    public void log(Supplier<String> message) {
        log(message, null);
    }

    /** As {@link #log(Supplier)}, with a throwable attached to the record when written. */
    public void log(Supplier<String> message, Throwable thrown) {
        if (!logger.isLoggable(level)) {
            return;
        }
        if (!take()) {
            suppressed.incrementAndGet();
            return;
        }
        long left = suppressed.getAndSet(0);
        String text = message.get();
        if (left > 0) {
            text += " (" + left + " similar line" + (left == 1 ? "" : "s") + " not logged before this one)";
        }
        if (thrown == null) {
            logger.log(level, text);
        } else {
            logger.log(level, text, thrown);
        }
    }

    /** Lines counted but not written since the last line written. */
    long suppressed() {
        return suppressed.get();
    }

    private boolean take() {
        while (true) {
            long now = clock.getAsLong();
            long current = fullAt.get();
            long base = Math.max(current, now);
            long next = base + nanosPerLine;
            if (next - now > (long) burst * nanosPerLine) {
                return false;
            }
            if (fullAt.compareAndSet(current, next)) {
                return true;
            }
        }
    }
}
