package io.postmaster.config;

import java.util.function.Function;

/**
 * Whether the router's WebSocket path {@code /ws} is served by the server's own WebSocket API where Postmaster knows
 * one, instead of the portable JSR-356 endpoint.
 *
 * @param undertow {@code postmaster.undertow-native}: on WildFly, serve WAMP v2 on {@code /ws} with Undertow's own
 *                 WebSocket API (default true): the same handshake checks, limits and close codes as the JSR-356
 *                 endpoint, at less CPU and heap per connection. False: the JSR-356 endpoint serves it, as on every
 *                 other server. WAMP v1, {@code /ws-resume} and the admin console's {@code /admin/ws} are always
 *                 JSR-356
 */
public record NativeWebSocket(boolean undertow) {
    public static final String UNDERTOW = "postmaster.undertow-native";

    /** Reads the setting through {@code lookup}. */
    public static NativeWebSocket from(Function<String, String> lookup) {
        return new NativeWebSocket(PostmasterConfig.boolValue(lookup, UNDERTOW, true));
    }
}
