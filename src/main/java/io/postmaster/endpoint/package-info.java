/**
 * The Jakarta EE edge: the WAMP WebSocket transport ({@link io.postmaster.endpoint.WampEndpoint}), registered when the
 * application starts at {@code postmaster.websocket.path} ({@code /ws} by default) under the context root, with its
 * handshake filter on the same paths ({@link io.postmaster.endpoint.WebSocketEndpoints}), its handshake rules
 * ({@link io.postmaster.endpoint.WampConfigurator}), the
 * outbound queue per connection ({@link io.postmaster.endpoint.WebSocketPeer}, bounded by count and bytes, and all of
 * them together by {@link io.postmaster.endpoint.OutboundBudget}) and the CDI beans that own the router
 * ({@link io.postmaster.endpoint.PostmasterRuntime}); and the second transport, WAMP over RawSocket on a TCP port of
 * the application's own ({@link io.postmaster.endpoint.RawSocketServer}, {@link io.postmaster.endpoint.RawSocketPeer},
 * plain JDK NIO: a servlet container cannot share its HTTP port), bounded like the WebSocket one by the same
 * {@code OutboundBudget}, {@code OpenConnections} and {@code Keepalive}.
 *
 * <p>On WildFly, WAMP v2 on {@code /ws} is served by Undertow's own WebSocket API instead of JSR-356 ({@link
 * io.postmaster.endpoint.HandshakeFilter} hands the admitted handshake to {@code UndertowWebSockets};
 * {@code postmaster.undertow-native}, on by default): the endpoint's logic and the outbound queue are the same
 * classes on both paths, the queue writing through a {@code WebSocketLink} (the JSR-356 session's, Undertow's
 * channel's, or, with {@code postmaster.own-framing}, on by default, {@code FramedLink}'s: RFC 6455 frames read and
 * written by Postmaster itself, {@code WebSocketFrames}, on the upgraded XNIO connection). The classes that name
 * Undertow's or XNIO's types ({@code Undertow*}, {@code XnioTransport}) are loaded only where the server is Undertow
 * and its modules are visible to the WAR (WEB-INF/jboss-deployment-structure.xml). On the other servers, with
 * {@code postmaster.servlet-upgrade} (on by default on Open Liberty), Postmaster answers the handshake itself and frames
 * the connection it takes over with the Servlet API's HTTP upgrade ({@code ServletUpgradeWebSockets},
 * {@code ServletUpgradeConnection}: the same {@code FramedLink} through the container's non-blocking streams);
 * everywhere else, and whenever Undertow's classes cannot be loaded, the JSR-356 endpoint serves {@code /ws}. The
 * server log says at start which serves it.
 *
 * <p>This package only adapts: it decodes frames, hands messages to the router's {@link
 * io.postmaster.router.Connection}, and sends what the router queues. It never blocks the thread that delivered a
 * message. Container differences are handled here, each in one place with a comment naming the server.
 *
 * <p>Internal: not part of the API applications compile against ({@code spi} and {@code message} are). Classes the
 * container instantiates (the endpoint, its configurator, the handshake filter) and the CDI beans are public, as
 * every supported container requires; everything else is package-private. The WAMP transport is a programmatic
 * endpoint ({@link io.postmaster.endpoint.WampSocket}) because its path is a setting; the admin console's keeps its
 * annotation, its path fixed beside the console's pages.
 */
package io.postmaster.endpoint;
