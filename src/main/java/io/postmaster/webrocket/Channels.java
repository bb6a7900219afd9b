package io.postmaster.webrocket;

import io.postmaster.adapter.UriNames;

/**
 * Channel name ↔ topic URI, reversibly: {@code webrocket.<encoded>} with the encoding of {@link UriNames}
 * ({@code "chat"} → {@code webrocket.chat}, {@code "Chat room"} → {@code webrocket._43hat_20room}): a single URI
 * component valid under both the loose and the strict URI rule.
 */
public final class Channels {
    /** The first component of every channel's topic. */
    public static final String PREFIX = "webrocket.";

    private Channels() {
    }

    /** The topic of a channel, or null when the channel name cannot be one (empty, or its topic too long). */
    public static String topic(String channel) {
        return channel == null || channel.isEmpty() ? null : UriNames.encode(PREFIX, channel);
    }

    /** The channel of a topic made by {@link #topic}, or null if the topic is not one. */
    public static String channel(String topic) {
        String c = UriNames.decode(PREFIX, topic);
        return c == null || c.isEmpty() ? null : c;
    }
}
