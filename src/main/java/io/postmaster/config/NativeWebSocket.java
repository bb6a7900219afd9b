package io.postmaster.config;

import java.util.function.Function;

/**
 * Whether the router's WebSocket path {@code /ws} is served by the server's own WebSocket API where Postmaster knows
 * one, or framed by Postmaster over the Servlet API's HTTP upgrade, instead of the portable JSR-356 endpoint.
 *
 * @param undertow       {@code postmaster.undertow-native}: on WildFly, serve WAMP v2 on {@code /ws} with Undertow's
 *                       own WebSocket API (default true): the same handshake checks, limits and close codes as the
 *                       JSR-356 endpoint, at less CPU and heap per connection. False: the JSR-356 endpoint serves it,
 *                       as on every other server. WAMP v1, {@code /ws-resume} and the admin console's
 *                       {@code /admin/ws} are always JSR-356
 * @param servletUpgrade {@code postmaster.servlet-upgrade}: on a server other than WildFly, serve WAMP v2 on
 *                       {@code /ws} by answering the handshake and framing the upgraded connection in Postmaster,
 *                       through the Servlet API's non-blocking streams, instead of the JSR-356 endpoint; null (not
 *                       set): the server's default, {@link #servletUpgradeDefault}
 */
public record NativeWebSocket(boolean undertow, Boolean servletUpgrade) {
    public static final String UNDERTOW = "postmaster.undertow-native";
    public static final String SERVLET_UPGRADE = "postmaster.servlet-upgrade";

    /** Reads the settings through {@code lookup}. */
    public static NativeWebSocket from(Function<String, String> lookup) {
        String raw = lookup.apply(SERVLET_UPGRADE);
        Boolean upgrade = raw == null || raw.isBlank() ? null
                : PostmasterConfig.boolValue(lookup, SERVLET_UPGRADE, false);
        return new NativeWebSocket(PostmasterConfig.boolValue(lookup, UNDERTOW, true), upgrade);
    }

    /**
     * Whether {@code postmaster.servlet-upgrade} is on where it is not set, on the server that calls itself
     * {@code serverInfo} ({@code ServletContext.getServerInfo()}): on Open Liberty, where it was measured to pay (its
     * JSR-356 layer costs more than the upgraded connection beneath it) and the container suite runs both ways; off
     * elsewhere (on Tomcat the two cost alike; on Payara it pays less and the suite covers its JSR-356 endpoint).
     */
    public static boolean servletUpgradeDefault(String serverInfo) {
        return serverInfo != null && serverInfo.contains("Liberty");
    }

    /** Whether the servlet upgrade serves {@code /ws} on the server that calls itself {@code serverInfo}. */
    public boolean servletUpgradeOn(String serverInfo) {
        return servletUpgrade == null ? servletUpgradeDefault(serverInfo) : servletUpgrade;
    }
}
