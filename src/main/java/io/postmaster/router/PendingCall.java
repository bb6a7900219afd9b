package io.postmaster.router;

import java.util.concurrent.ScheduledFuture;

/**
 * A call routed to a callee and not yet answered. It sits in the callee's {@link Party#invocations} and the caller's
 * {@link Party#calls}; whoever removes it from the callee's map answers the caller (see the package doc).
 */
final class PendingCall {
    private final Party caller;
    private final long callRequest;
    private final Party callee;
    private final long invocation;
    private final long registration;
    private final String procedure;
    private final boolean receiveProgress;
    private final long started = System.nanoTime();
    private volatile boolean progressiveInvocation;
    private volatile boolean interrupted;
    volatile ScheduledFuture<?> timer;

    /**
     * @param registration the ID of the registration the call was routed by (INVOCATION carries it)
     * @param procedure    the procedure called, for the log
     */
    PendingCall(Party caller, long callRequest, Party callee, long invocation, long registration, String procedure,
                boolean receiveProgress, boolean progressiveInvocation) {
        this.caller = caller;
        this.callRequest = callRequest;
        this.callee = callee;
        this.invocation = invocation;
        this.registration = registration;
        this.procedure = procedure;
        this.receiveProgress = receiveProgress;
        this.progressiveInvocation = progressiveInvocation;
    }

    /** The session that sent CALL. */
    Party caller() { return caller; }
    /** The caller's CALL request ID (RESULT/ERROR carry it). */
    long callRequest() { return callRequest; }
    /** The session sent INVOCATION. */
    Party callee() { return callee; }
    /** The router's INVOCATION request ID (YIELD/ERROR from the callee carry it). */
    long invocation() { return invocation; }
    /** The ID of the registration the call was routed by. */
    long registration() { return registration; }
    /** Whether the caller asked for progressive results. */
    boolean receiveProgress() { return receiveProgress; }
    /** System.nanoTime() when the call was routed. */
    long started() { return started; }

    /** Whether the caller is still sending the call's arguments in progressive CALLs. */
    boolean progressiveInvocation() { return progressiveInvocation; }
    void endProgressiveInvocation() { progressiveInvocation = false; }

    /** Marks the call interrupted; true the first time only (one INTERRUPT per call). */
    synchronized boolean markInterrupted() {
        if (interrupted) {
            return false;
        }
        interrupted = true;
        return true;
    }

    @Override
    public String toString() {
        return "call " + callRequest + " of " + caller + " to " + procedure + " (registration " + registration + ")";
    }
}
