package io.postmaster.router;

import java.util.List;
import java.util.Map;

/**
 * The last event published to a topic with {@code retain: true}, sent to new subscribers that ask with
 * {@code get_retained: true} (EVENT.Details.retained = true), with who the publication was for: a subscriber gets
 * it only if it would have been eligible when it was published (the spec's MUST).
 *
 * @param filter the publication's {@link SubscriberFilter} (eligible/exclude lists, {@code exclude_me}); null for
 *               everyone
 */
record Retained(long publication, Map<String, Object> details, List<Object> args, Map<String, Object> kwargs,
                SubscriberFilter filter) {
    /** Whether {@code s} would have received the publication. */
    boolean eligible(Session s) {
        return filter == null || filter.allows(s);
    }
}
