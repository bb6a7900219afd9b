package io.postmaster.router;


import java.util.concurrent.ScheduledFuture;

/**
 * A call routed to a callee and not yet answered. It sits in the callee's {@code invocations} and the caller's
 * {@code calls}; whoever removes it from the callee's map answers the caller (see the package doc).
 */
public final class PendingCall {
    private final Session caller;
    private final long callRequest;
    private final Session callee;
    private final long invocation;
    private final Registration registration;
    private final boolean receiveProgress;
    private final long started = System.nanoTime();
    private volatile boolean progressiveInvocation;
    private volatile boolean interrupted;
    volatile ScheduledFuture<?> timer;

    PendingCall(Session caller, long callRequest, Session callee, long invocation, Registration registration,
                boolean receiveProgress, boolean progressiveInvocation) {
        this.caller = caller;
        this.callRequest = callRequest;
        this.callee = callee;
        this.invocation = invocation;
        this.registration = registration;
        this.receiveProgress = receiveProgress;
        this.progressiveInvocation = progressiveInvocation;
    }

    /** The session that sent CALL. */
    public Session caller() { return caller; }
    /** The caller's CALL request ID (RESULT/ERROR carry it). */
    public long callRequest() { return callRequest; }
    /** The session sent INVOCATION. */
    public Session callee() { return callee; }
    /** The router's INVOCATION request ID (YIELD/ERROR from the callee carry it). */
    public long invocation() { return invocation; }
    /** The registration the call was routed by. */
    public Registration registration() { return registration; }
    /** Whether the caller asked for progressive results. */
    public boolean receiveProgress() { return receiveProgress; }
    /** System.nanoTime() when the call was routed. */
    public long started() { return started; }

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
}
