package io.postmaster.router;

/**
 * Thrown by routing code when a peer broke the protocol (e.g. a YIELD for an INVOCATION never sent). The
 * {@link Connection} answers it with ABORT {@code wamp.error.protocol_violation} and closes the transport. The
 * message goes into ABORT's details, so it must not echo untrusted input at length.
 */
final class ProtocolViolation extends RuntimeException {
    ProtocolViolation(String message) {
        super(message, null, false, false);
    }
}
