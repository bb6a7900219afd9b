package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.Sizes;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last events of one topic, kept in memory for the event history procedures ({@code wamp.topic.history.*},
 * {@code wamp.subscription.get_events}). Bounded by the configured number of events and by bytes
 * ({@link Sizes#json}): the oldest events go first, and an event bigger than the whole budget is not kept.
 * Synchronized, touched once per publication to a configured topic only.
 */
final class EventHistory {
    private static final RateLimitedLog NOT_KEPT = new RateLimitedLog(Logger.getLogger(EventHistory.class.getName()),
            Level.WARNING);
    private final int limit;
    private final long maxBytes;
    private final ArrayDeque<Map<String, Object>> events = new ArrayDeque<>();
    private final ArrayDeque<Long> sizes = new ArrayDeque<>();
    private long bytes;

    /**
     * @param limit    the most events kept
     * @param maxBytes the most bytes of events kept
     */
    EventHistory(int limit, long maxBytes) {
        this.limit = limit;
        this.maxBytes = maxBytes;
    }

    /** Records an event: {@code timestamp, publication, topic, args, kwargs} and the publisher's details, if any. */
    synchronized void record(String topic, long publication, Map<String, Object> details, List<Object> args,
                                    Map<String, Object> kwargs) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("timestamp", Instant.now().toString());
        e.put("publication", publication);
        e.put("topic", topic);
        e.putAll(details);
        e.put("args", args == null ? List.of() : args);
        e.put("kwargs", kwargs == null ? Map.of() : kwargs);
        long size = Sizes.json(e, maxBytes, Integer.MAX_VALUE);
        if (size > maxBytes) {
            NOT_KEPT.log(() -> "event history of " + topic + ": an event of more than " + maxBytes
                    + " bytes is not kept (postmaster.history-max-bytes)");
            return;
        }
        while (events.size() >= limit || bytes + size > maxBytes) {
            events.removeFirst();
            bytes -= sizes.removeFirst();
        }
        events.addLast(e);
        sizes.addLast(size);
        bytes += size;
    }

    /** Bytes held ({@link Sizes#json} of the events). */
    synchronized long bytes() {
        return bytes;
    }

    /** The last {@code n} events, oldest first. */
    synchronized List<Map<String, Object>> last(int n) {
        List<Map<String, Object>> all = new ArrayList<>(events);
        return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
    }

    /** The events published at or after {@code since}, oldest first. */
    synchronized List<Map<String, Object>> since(Instant since) {
        return select(e -> !Instant.parse((String) e.get("timestamp")).isBefore(since));
    }

    /** The events after the one with publication ID {@code publication} (none if it is not in the history). */
    synchronized List<Map<String, Object>> after(long publication) {
        List<Map<String, Object>> out = new ArrayList<>();
        boolean found = false;
        for (Iterator<Map<String, Object>> it = events.iterator(); it.hasNext(); ) {
            Map<String, Object> e = it.next();
            if (found) {
                out.add(e);
            } else if (Long.valueOf(publication).equals(e.get("publication"))) {
                found = true;
            }
        }
        return out;
    }

    private List<Map<String, Object>> select(Predicate<Map<String, Object>> p) {
        return events.stream().filter(p).toList();
    }
}
