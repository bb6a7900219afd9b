package io.postmaster.router;

/**
 * Thrown by routing code when a peer broke the protocol (e.g. a YIELD for an INVOCATION never sent). The
 * {@link Connection} answers it with ABORT {@code wamp.error.protocol_violation} and closes the transport. The
 * message goes into ABORT's details, so it must not echo untrusted input at length.
 */
public final class ProtocolViolation extends RuntimeException {
    public ProtocolViolation(String message) {
        super(message, null, false, false);
    }
}
