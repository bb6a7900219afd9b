package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.Sizes;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last events of one topic, kept in memory for the event history procedures ({@code wamp.subscription.get_events},
 * {@code wamp.topic.history.*}). Bounded by the configured number of events and by bytes ({@link Sizes#json} of the
 * topic, details and payload): the oldest events go first, and an event bigger than the whole budget is not kept.
 *
 * <p>As the spec's event history asks: an event is kept with who it was for (its publication's authid and authrole
 * black/whitelists), so a reader gets only what it would have been eligible for; a publication filtered by session
 * ID ({@code exclude}, {@code eligible}) is not kept at all, as session IDs do not outlive their sessions.
 * Synchronized, touched once per publication to a configured topic only.
 */
final class EventHistory {
    private static final RateLimitedLog NOT_KEPT = new RateLimitedLog(Logger.getLogger(EventHistory.class.getName()),
            Level.WARNING);
    /** The order of recording across all histories of a realm, so a pattern's histories merge in publication order. */
    private final AtomicLong sequence;
    private final int limit;
    private final long maxBytes;
    private final ArrayDeque<Entry> events = new ArrayDeque<>();
    private long bytes;

    /**
     * One kept event.
     *
     * @param seq      its place among all events the realm's histories recorded
     * @param eligible who may read it: the publication's authid/authrole lists (null for everyone)
     */
    record Entry(long seq, Instant time, long publication, String topic, Map<String, Object> details,
                 List<Object> args, Map<String, Object> kwargs, SubscriberFilter eligible, long size) {
        /** The RFC 3339 time it was published. */
        String timestamp() {
            return time.toString();
        }
    }

    /**
     * @param sequence the realm's recording counter, shared by its histories
     * @param limit    the most events kept
     * @param maxBytes the most bytes of events kept
     */
    EventHistory(AtomicLong sequence, int limit, long maxBytes) {
        this.sequence = sequence;
        this.limit = limit;
        this.maxBytes = maxBytes;
    }

    /**
     * Records an event, unless its publication named sessions by ID.
     *
     * @param filter the publication's subscriber filter, or null
     */
    synchronized void record(String topic, long publication, Map<String, Object> details, List<Object> args,
                             Map<String, Object> kwargs, SubscriberFilter filter) {
        if (filter != null && filter.namesSessions()) {
            return;
        }
        long size = topic.length() + Sizes.json(details, maxBytes, Integer.MAX_VALUE)
                + Sizes.json(args, maxBytes, Integer.MAX_VALUE) + Sizes.json(kwargs, maxBytes, Integer.MAX_VALUE)
                + (filter == null ? 0 : filter.bytes());
        if (size > maxBytes) {
            NOT_KEPT.log(() -> "event history of " + topic + ": an event of more than " + maxBytes
                    + " bytes is not kept (postmaster.history-max-bytes)");
            return;
        }
        while (events.size() >= limit || bytes + size > maxBytes) {
            bytes -= events.removeFirst().size();
        }
        events.addLast(new Entry(sequence.incrementAndGet(), Instant.now(), publication, topic, details, args, kwargs,
                filter == null ? null : filter.withoutSessions(), size));
        bytes += size;
    }

    /** The most events kept. */
    int limit() {
        return limit;
    }

    /** Bytes held. */
    synchronized long bytes() {
        return bytes;
    }

    /** The events kept, oldest first. */
    synchronized List<Entry> entries() {
        return List.copyOf(events);
    }

    /**
     * An event in the shape of {@code wamp.topic.history.*}: {@code timestamp, publication, topic}, the publisher's
     * details if disclosed, {@code args, kwargs}.
     */
    static Map<String, Object> flat(Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", e.timestamp());
        m.put("publication", e.publication());
        m.put("topic", e.topic());
        m.putAll(e.details());
        m.put("args", e.args() == null ? List.of() : e.args());
        m.put("kwargs", e.kwargs() == null ? Map.of() : e.kwargs());
        return m;
    }
}
