package io.postmaster.router;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down repeated authentication failures from one address: the answer to the n-th failure within a minute is
 * delayed by 200 ms × (2^(n−1) − 1), at most 5 s (0, 200, 600, 1400, 3000, 5000 … ms). A success clears the count.
 * Thread-safe; its memory is bounded (old entries are dropped).
 */
final class FailureThrottle {
    private static final long WINDOW_MS = 60_000;
    private static final long MAX_DELAY_MS = 5_000;
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(int failures, long last) {
    }

    private final Map<String, Entry> byAddress = new ConcurrentHashMap<>();

    /** Records a failure from {@code peerAddress}; returns how long to wait before answering it. */
    long failed(String peerAddress, long nowMs) {
        if (byAddress.size() > MAX_ENTRIES) {
            byAddress.values().removeIf(e -> nowMs - e.last() > WINDOW_MS);
        }
        Entry e = byAddress.merge(host(peerAddress), new Entry(1, nowMs),
                (old, one) -> nowMs - old.last() > WINDOW_MS ? one : new Entry(old.failures() + 1, nowMs));
        int n = Math.min(e.failures(), 20);
        return Math.min(200L * ((1L << (n - 1)) - 1), MAX_DELAY_MS);
    }

    void succeeded(String peerAddress) {
        byAddress.remove(host(peerAddress));
    }

    /** The host part of {@code host:port} (or {@code [v6]:port}): failures count per host, not per connection. */
    static String host(String peerAddress) {
        if (peerAddress == null) {
            return "";
        }
        if (peerAddress.startsWith("[") && peerAddress.indexOf(']') > 0) {
            return peerAddress.substring(0, peerAddress.indexOf(']') + 1);
        }
        int colon = peerAddress.indexOf(':');
        return colon > 0 && colon == peerAddress.lastIndexOf(':') ? peerAddress.substring(0, colon) : peerAddress;
    }
}
