/**
 * What the endpoints of the seed protocols (webrocket, webwire) share to bridge their clients into WAMP realms: a
 * {@link io.postmaster.adapter.Leg}, the {@link io.postmaster.router.Peer} through which one such client is a WAMP
 * session of the router; a bounded, ordered {@link io.postmaster.adapter.Outbound} queue for its WebSocket, with the
 * per-address count and the keepalive every WebSocket endpoint has ({@link io.postmaster.adapter.BridgeSocket});
 * {@link io.postmaster.adapter.JsonValues} for the JSON those protocols carry; and the one
 * {@link io.postmaster.adapter.SessionStore} of the sessions that outlive their connections (webwire sessions and
 * resumable WAMP sessions). The handshake (origin, per-address limit, the peer's address) is {@code /ws}'s own
 * ({@code endpoint.HandshakeFilter}, {@code endpoint.WampConfigurator}).
 *
 * <p>Threading: a leg hands what the router sends it to its owner on the router's thread; the owner must neither
 * block nor call back into the router there (the {@code Peer} contract), so the adapters only translate, queue, and
 * hand follow-up work to their executor.
 */
package io.postmaster.adapter;
