/**
 * Sessions of application code inside the router: {@link io.postmaster.inprocess.LocalClient} implements the SPI's
 * {@link io.postmaster.spi.WampClient} over the routing core's one seam, {@link io.postmaster.router.Router#connect}:
 * each {@link io.postmaster.inprocess.LocalSession} is an in-memory {@link io.postmaster.router.InProcessPeer} that
 * sends HELLO, PUBLISH, CALL … through its {@link io.postmaster.router.Connection} and turns what the router sends
 * back (WELCOME, EVENT, RESULT, INVOCATION, ERROR …) into completed stages and handler calls. The router needs no
 * special case for them: they are authorized, limited and cleaned up like any session.
 *
 * <p>Threading: application threads send into the router one message at a time per session (the order JSR-356 gives
 * a WebSocket's messages); what the router sends a session is queued (bounded by {@code postmaster.outbound-queue},
 * past which the session ends as a slow consumer would) and handled in order on the session's lane of the
 * extensions' executor, never on a routing thread. Free of Jakarta EE: unit-tested against a plain router.
 */
package io.postmaster.inprocess;
