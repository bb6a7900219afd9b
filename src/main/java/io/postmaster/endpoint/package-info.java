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
