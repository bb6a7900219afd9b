/**
 * Test stand-ins named like the container they imitate: Undertow's remote endpoint, whose batching semantics
 * {@code io.postmaster.endpoint.WebSocketPeer} relies on.
 */
package io.undertow.fake;
