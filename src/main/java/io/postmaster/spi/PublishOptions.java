package io.postmaster.spi;

import java.util.List;

/**
 * The options of a publication ({@link WampSession#publish(String, List, java.util.Map, PublishOptions)}), as the
 * spec's PUBLISH.Options. Immutable: start from {@link #DEFAULTS} and change what you need.
 *
 * @param acknowledge whether to wait for PUBLISHED (and learn of a refusal)
 * @param exclude     session IDs that must not receive the event (empty: none excluded)
 * @param eligible    the only session IDs that may receive it (null: every subscriber)
 * @param excludeMe   whether the publishing session's own subscriptions are skipped (the spec's default: true)
 * @param retain      whether the router keeps the event as the topic's retained event
 * @param discloseMe  whether subscribers learn who published (if the realm's rules allow disclosure)
 */
public record PublishOptions(boolean acknowledge, List<Long> exclude, List<Long> eligible, boolean excludeMe,
                             boolean retain, boolean discloseMe) {

    /** No acknowledgement, nobody excluded but the publisher, not retained, not disclosed. */
    public static final PublishOptions DEFAULTS = new PublishOptions(false, List.of(), null, true, false, false);

    public PublishOptions {
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        eligible = eligible == null ? null : List.copyOf(eligible);
    }

    public PublishOptions acknowledged() {
        return new PublishOptions(true, exclude, eligible, excludeMe, retain, discloseMe);
    }

    public PublishOptions excluding(List<Long> sessionIds) {
        return new PublishOptions(acknowledge, sessionIds, eligible, excludeMe, retain, discloseMe);
    }

    public PublishOptions eligible(List<Long> sessionIds) {
        return new PublishOptions(acknowledge, exclude, sessionIds, excludeMe, retain, discloseMe);
    }

    public PublishOptions excludeMe(boolean excludeMe) {
        return new PublishOptions(acknowledge, exclude, eligible, excludeMe, retain, discloseMe);
    }

    public PublishOptions retained() {
        return new PublishOptions(acknowledge, exclude, eligible, excludeMe, true, discloseMe);
    }

    public PublishOptions disclosed() {
        return new PublishOptions(acknowledge, exclude, eligible, excludeMe, retain, true);
    }
}
