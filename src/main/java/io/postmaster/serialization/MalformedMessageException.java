package io.postmaster.serialization;

/** A frame that is not a well-formed WAMP message. The message says what is wrong, without echoing the input. */
public final class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
