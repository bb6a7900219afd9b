package io.postmaster.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waiting on a condition instead of sleeping: for what a test cannot be told about (a router table seen from outside,
 * a place freed once the server has seen a close), the condition is checked every {@link #INTERVAL_MS} until it holds
 * or the time is up, and the failure names what was awaited and the last thing seen.
 */
public final class Await {
    /** How often the condition is checked. */
    public static final long INTERVAL_MS = 20;

    private Await() {
    }

    /** A check that may throw, as a probe over the network does. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Returns once {@code condition} holds; fails with {@code what} if it does not within {@code timeout}. An exception
     * thrown by the condition counts as "not yet" until the end, then it is the failure's cause.
     */
    public static void until(String what, Duration timeout, Condition condition) throws InterruptedException {
        value(what, timeout, () -> condition.holds() ? Boolean.TRUE : null);
    }

    /**
     * The first non-null value {@code probe} returns; fails with {@code what} if there is none within
     * {@code timeout}. An exception thrown by the probe counts as "not yet" until the end, then it is the cause.
     */
    public static <T> T value(String what, Duration timeout, Callable<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                T v = probe.call();
                if (v != null) {
                    return v;
                }
                last = null;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what
                        + (last == null ? "" : " (last: " + last + ")"), last);
            }
            Thread.sleep(INTERVAL_MS);
        }
    }
}
