package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The meta events of one realm ({@code wamp.session.on_*}, {@code wamp.subscription.on_*},
 * {@code wamp.registration.on_*}), published in the order the changes were made, and never while a table's monitor
 * is held.
 *
 * <p>A change queues its events while it holds the table's monitor (a cheap append, so the queue's order is the
 * order of the changes) and calls {@link #flush()} once it has let go. One thread at a time publishes, in queue
 * order. Normally that is the thread that made the change, right away. A thread that finds a backlog — another
 * session's mass teardown, say — publishes at most {@link #INLINE} events and hands the rest to the background
 * executor, which publishes them in batches of {@link #BATCH}: nobody's request waits for more than a few
 * publications of someone else's events, and the thread producing a flood publishes its own events inline as long as
 * nobody else is behind.
 */
final class MetaEvents {
    private static final Logger LOG = Logger.getLogger(MetaEvents.class.getName());
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);
    /** Events a thread publishes in one {@link #flush()} before it hands the rest to the background. */
    static final int INLINE = 64;
    /** Events the background publishes per task, so that other short tasks on its executor get their turn. */
    static final int BATCH = 256;

    private record Pending(String topic, List<Object> args) {
    }

    private final BiConsumer<String, List<Object>> publisher;
    private final Executor background;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    /**
     * @param publisher  publishes one event (topic, arguments) as the router
     * @param background takes over a backlog; its tasks are short (one batch each)
     */
    MetaEvents(BiConsumer<String, List<Object>> publisher, Executor background) {
        this.publisher = publisher;
        this.background = background;
    }

    /** Queues an event; call {@link #flush()} after letting go of the table's monitor. Any thread, any lock. */
    void add(String topic, List<Object> args) {
        queue.add(new Pending(topic, args));
    }

    /** Publishes queued events (see the class doc). Never call it holding a table's monitor. */
    void flush() {
        drain(INLINE);
    }

    private void drain(int budget) {
        while (!queue.isEmpty() && draining.compareAndSet(false, true)) {
            for (int n = 0; n < budget; n++) {
                Pending p = queue.poll();
                if (p == null) {
                    break;
                }
                publish(p);
            }
            if (!queue.isEmpty() && handOff()) {
                return; // the background task owns the drain now
            }
            draining.set(false);
        }
    }

    private boolean handOff() {
        try {
            background.execute(this::continueInBackground);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // shutting down: the caller keeps publishing
        }
    }

    private void continueInBackground() {
        draining.set(false);
        drain(BATCH);
    }

    private void publish(Pending p) {
        try {
            publisher.accept(p.topic(), p.args());
        } catch (RuntimeException e) {
            FAILED.log(() -> "could not publish the meta event " + p.topic(), e);
        }
    }
}
