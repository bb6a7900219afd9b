/**
 * WAMP v1 clients (WebSocket subprotocol {@code wamp}: Autobahn|JS 0.8, the original Postmaster's browsers and Go
 * services) in the same realms as WAMP v2 clients.
 *
 * <p>A v1 connection is a translating adapter, {@link io.postmaster.v1.V1Connection}: to the router it is one (at
 * times two) ordinary v2 session, joined through {@link io.postmaster.router.Router#connect} like any other, so the
 * realm's authorization, interceptors, caps and meta API apply unchanged; v1 frames become v2 messages fed to that
 * session's {@link io.postmaster.router.Connection}, and what the router sends the session becomes v1 frames.
 * URIs are mapped by {@link io.postmaster.v1.V1Uris} (reversibly), CURIEs resolved per connection by
 * {@link io.postmaster.v1.Prefixes}, WAMP-CRA v1 answered by the adapter and proved to the router through its v2
 * {@code wampcra}.
 *
 * <p>Threading: every input to the adapter's sessions (the client's frames, and the steps that follow what the router
 * sent) runs under the adapter's one lock, so each {@code Connection} is fed serially, as the endpoint feeds v2 ones.
 * What the router sends arrives on any thread, possibly under the router's locks: it is translated and queued on
 * the transport without taking that lock, and whatever needs the router again (the steps of an authentication) is
 * handed to the executor. No Jakarta EE here: the endpoint supplies the transport.
 */
package io.postmaster.v1;
