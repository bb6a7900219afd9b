package io.postmaster.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A duration histogram with fixed buckets (seconds, Prometheus' cumulative {@code le} convention when read):
 * {@link #observe} is a short scan of the bounds and two adder increments, no allocation. Read while being written,
 * the buckets, sum and count may disagree by the observations in progress; each only grows.
 */
public final class Histogram {
    /** Upper bounds in seconds, +Inf implied after the last. */
    public static final double[] BOUNDS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS[i] * 1e9);
        }
    }

    /** Per bucket (not cumulative), the last one +Inf. */
    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final LongAdder sumNanos = new LongAdder();

    public Histogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Records one duration. */
    public void observe(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(Math.max(0, nanos));
    }

    /** The cumulative counts per bound, the last one (+Inf) being the total count. */
    public long[] cumulative() {
        long[] out = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i].sum();
            out[i] = running;
        }
        return out;
    }

    /** The sum of the durations observed, in seconds. */
    public double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }
}
