/**
 * Routed RPC: the {@link io.postmaster.router.dealer.Dealer} rules, {@link io.postmaster.router.dealer.Registration}
 * entries in each realm's procedure table, and {@link io.postmaster.router.dealer.PendingCall}s in flight.
 *
 * <p>Concurrency. CALL runs on the caller's thread, YIELD and callee ERROR on the callee's, a session's detach on
 * whichever thread saw it go; none takes a lock to route. A pending call sits in two concurrent maps: the callee's
 * {@code invocations} (by INVOCATION request ID) and the caller's {@code calls} (by CALL request ID). Invariants:
 * <ul>
 * <li><b>Every CALL ends exactly once.</b> Whoever removes the pending call from the callee's {@code invocations}
 * map answers the caller (RESULT, ERROR, or {@code wamp.error.canceled} when the callee leaves); everyone else
 * finds it gone and does nothing.</li>
 * <li>A CALL routed to a callee that is leaving at that moment is seen by one of the two: the caller's thread
 * re-checks the callee's closed flag after adding the pending call, the detach sets the flag before draining.</li>
 * <li>A YIELD or ERROR for a request ID the router issued earlier but no longer tracks is late and ignored; one for
 * an ID never issued is a protocol violation.</li>
 * <li>REGISTER and UNREGISTER change the procedure table holding its monitor, and queue their meta events there;
 * the events are published after the monitor is let go (see the broker package).</li>
 * </ul>
 */
package io.postmaster.router.dealer;
