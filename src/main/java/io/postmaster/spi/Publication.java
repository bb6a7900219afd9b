package io.postmaster.spi;

import java.util.List;
import java.util.Map;

/**
 * A publication on its way to the broker, as a {@link PublishInterceptor} sees it (read-only: return a
 * {@link Verdict} to change it).
 *
 * @param publisher who published
 * @param topic     the topic
 * @param args      positional payload, or null
 * @param kwargs    keyword payload, or null
 * @param options   the PUBLISH options
 */
public record Publication(SessionDetails publisher, String topic, List<Object> args, Map<String, Object> kwargs,
                          Map<String, Object> options) {
}
