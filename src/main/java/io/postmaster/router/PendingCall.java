package io.postmaster.router;

import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * A call routed to a callee and not yet answered. It sits in the callee's invocations and the caller's calls (their
 * {@link Party} maps); whoever removes it from the callee's map answers the caller (see the package doc).
 */
final class PendingCall {
    private final Session caller;
    private final Map<Long, PendingCall> callerCalls;
    private final long callRequest;
    private final Session callee;
    private final Map<Long, PendingCall> calleeInvocations;
    private final long invocation;
    private final long registration;
    private final String procedure;
    private final boolean receiveProgress;
    private final long started = System.nanoTime();
    private volatile boolean progressiveInvocation;
    private volatile boolean interrupted;
    volatile ScheduledFuture<?> timer;
    /** For a progressive invocation: INVOCATION.Details of a further chunk, and of the last one; where it ends. */
    private Map<String, Object> chunkDetails;
    private Map<String, Object> lastChunkDetails;
    private EndedStreams endedStreams;

    /**
     * @param callerCalls       the caller's calls, which will hold it by {@code callRequest}
     * @param calleeInvocations the callee's invocations, which will hold it by {@code invocation}
     * @param registration      the ID of the registration the call was routed by (INVOCATION carries it)
     * @param procedure         the procedure called, for the log
     */
    PendingCall(Session caller, Map<Long, PendingCall> callerCalls, long callRequest, Session callee,
                Map<Long, PendingCall> calleeInvocations, long invocation, long registration, String procedure,
                boolean receiveProgress, boolean progressiveInvocation) {
        this.caller = caller;
        this.callerCalls = callerCalls;
        this.callRequest = callRequest;
        this.callee = callee;
        this.calleeInvocations = calleeInvocations;
        this.invocation = invocation;
        this.registration = registration;
        this.procedure = procedure;
        this.receiveProgress = receiveProgress;
        this.progressiveInvocation = progressiveInvocation;
    }

    /** The session that sent CALL. */
    Session caller() { return caller; }
    /** The caller's CALL request ID (RESULT/ERROR carry it). */
    long callRequest() { return callRequest; }
    /** The session sent INVOCATION. */
    Session callee() { return callee; }
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

    /**
     * Freezes what every further INVOCATION of a progressive invocation carries: the initiating CALL's details (the
     * spec: only {@code progress} may change between chunks), and where the call is remembered when it ends while the
     * caller still streams.
     *
     * @param details the first INVOCATION's details, with {@code progress: true}
     */
    void stream(Map<String, Object> details, EndedStreams ended) {
        Map<String, Object> last = new java.util.LinkedHashMap<>(details);
        last.remove("progress");
        this.chunkDetails = details;
        this.lastChunkDetails = last;
        this.endedStreams = ended;
    }

    /** INVOCATION.Details of a further chunk: the initiating call's, {@code progress} as this chunk says. */
    Map<String, Object> chunkDetails(boolean progress) {
        return progress ? chunkDetails : lastChunkDetails;
    }

    /** The call ended: if the caller was still streaming, its late chunks are to be discarded. */
    void ended() {
        if (progressiveInvocation && endedStreams != null) {
            endedStreams.add(callRequest, procedure);
        }
    }

    /** Takes the call out of the callee's invocations: true for the one thread that gets to answer it. */
    boolean leaveCallee() {
        return calleeInvocations.remove(invocation, this);
    }

    /** Takes the call out of the caller's calls; true if it was still there. */
    boolean leaveCaller() {
        return callerCalls.remove(callRequest, this);
    }

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
