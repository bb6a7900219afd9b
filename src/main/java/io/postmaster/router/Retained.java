package io.postmaster.router;

import java.util.List;
import java.util.Map;

/**
 * The last event published to a topic with {@code retain: true}, sent to new subscribers that ask with
 * {@code get_retained: true} (EVENT.Details.retained = true).
 */
record Retained(long publication, Map<String, Object> details, List<Object> args, Map<String, Object> kwargs) {
}
