package io.postmaster.router;

/**
 * Marks work the router does on its own whose messages come in a burst: the end of a session (the errors for every
 * call pending at it, interrupts for the calls it made, its testaments, the meta events of everything it held) and
 * the expiry of calls. What {@link Session#send} sends during it goes through {@link Peer#sendPaced}: a peer that
 * reads gets all of it, paced, instead of being taken for a slow consumer because the router itself queued ten
 * thousand messages for it at once. The size of each burst is bounded by the caps of the session that caused it
 * (subscriptions, registrations, pending calls, testaments), never by the receiver.
 *
 * <p>Per thread: the work runs on the thread that marks it, and what it hands to other threads is not marked.
 */
final class Pacing {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Pacing() {
    }

    /** Whether the current thread is doing work marked by {@link #run}. */
    static boolean active() {
        return DEPTH.get()[0] > 0;
    }

    /** Runs {@code work} marked as a burst of the router's own. */
    static void run(Runnable work) {
        int[] depth = DEPTH.get();
        depth[0]++;
        try {
            work.run();
        } finally {
            depth[0]--;
        }
    }
}
