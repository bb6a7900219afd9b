package io.postmaster.config;

import java.util.function.Function;

/**
 * Whether the WebSocket frames of {@code /ws} on Undertow's own API ({@code postmaster.undertow-native}) are read and
 * written by Postmaster itself on the upgraded TCP connection, instead of by Undertow's WebSocket channel.
 *
 * @param enabled {@code postmaster.own-framing}: on WildFly with {@code postmaster.undertow-native} on, frame WAMP v2
 *                WebSocket connections on {@code /ws} with Postmaster's own RFC 6455 reader and writer (default
 *                true): the same handshake checks, limits and close codes (1002 protocol error, 1007 invalid UTF-8,
 *                1009 over {@code postmaster.max-message-size}), without Undertow's WebSocket channel, and cheaper
 *                per message. False: Undertow's WebSocket channel frames them. No effect elsewhere
 */
public record OwnFraming(boolean enabled) {
    public static final String OWN_FRAMING = "postmaster.own-framing";

    /** Reads the setting through {@code lookup}. */
    public static OwnFraming from(Function<String, String> lookup) {
        return new OwnFraming(PostmasterConfig.boolValue(lookup, OWN_FRAMING, true));
    }
}
