package io.postmaster.spi;

import java.util.List;
import java.util.Map;

/**
 * An event a subscription received (EVENT).
 *
 * @param topic        the topic published to
 * @param subscription the subscription ID
 * @param publication  the publication ID
 * @param args         positional payload (empty when none)
 * @param kwargs       keyword payload (empty when none)
 * @param details      EVENT.Details: {@code publisher}, {@code publisher_authid}, {@code publisher_authrole} when
 *                     disclosed, {@code retained} for a retained event
 */
public record WampEvent(String topic, long subscription, long publication, List<Object> args,
                        Map<String, Object> kwargs, Map<String, Object> details) {
    public WampEvent {
        args = args == null ? List.of() : args;
        kwargs = kwargs == null ? Map.of() : kwargs;
        details = details == null ? Map.of() : details;
    }
}
