package io.postmaster.router;

import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;

import java.util.List;
import java.util.Map;

/**
 * The router refuses a request: the spec's error URI and what the requester is told. Every check in the core (a
 * URI, an option, the authorizer, a limit, an unknown ID, an interceptor's rejection) reports a refusal by throwing
 * one; the {@link Gate} turns it into the one ERROR the spec asks for, on one path. Nothing has changed when it is
 * thrown: checks come before changes. A protocol violation is not a refusal: it ends the session
 * ({@link ProtocolViolation}).
 *
 * <p>Cheap by design: no stack trace, so a client sending bad requests costs the router less than it costs itself.
 */
final class Refusal extends RuntimeException {
    private final String error;
    private final List<Object> args;
    private final Map<String, Object> kwargs;

    /**
     * @param error   the error URI
     * @param message what the requester is told, as {@code details.message} and the first argument (as Crossbar
     *                does); null for none. Never an internal detail.
     */
    Refusal(String error, String message) {
        this(error, message, null, null);
    }

    /** A refusal whose ERROR carries the given payload instead of a message (an interceptor's rejection). */
    Refusal(String error, String message, List<Object> args, Map<String, Object> kwargs) {
        super(message, null, false, false);
        this.error = error;
        this.args = args;
        this.kwargs = kwargs;
    }

    /** The error URI. */
    String error() {
        return error;
    }

    /** The ERROR answering {@code request} of {@code type}. */
    WampMessage.Error toError(MessageType type, long request) {
        String message = getMessage();
        if (args != null || kwargs != null || message == null) {
            return new WampMessage.Error(type.code(), request, Map.of(), error, args, kwargs);
        }
        return new WampMessage.Error(type.code(), request, Map.of("message", message), error, List.of(message), null);
    }
}
