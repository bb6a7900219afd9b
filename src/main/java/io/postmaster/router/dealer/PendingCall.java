package io.postmaster.router.dealer;

import io.postmaster.router.Session;

/**
 * A call routed to a callee and not yet answered.
 *
 * @param caller          the session that sent CALL
 * @param callRequest     the caller's CALL request ID (RESULT/ERROR carry it)
 * @param callee          the session sent INVOCATION
 * @param invocation      the router's INVOCATION request ID (YIELD/ERROR from the callee carry it)
 * @param registration    the registration the call was routed by
 * @param receiveProgress whether the caller asked for progressive results
 */
public record PendingCall(Session caller, long callRequest, Session callee, long invocation,
                          Registration registration, boolean receiveProgress) {
}
