package io.postmaster.router;

import io.postmaster.config.SessionLimits;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.Sizes;
import io.postmaster.message.WampMessage.Hello;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bounds a HELLO must keep before the router acts on it: the size and nesting of its details, and the length
 * of the authid and authrole it asks for. Everything in HELLO.Details is client data that the handshake hands to
 * authenticators and keeps until WELCOME; a client needs a kilobyte or two (roles, features, authextra).
 */
final class HelloBounds {
    /** Logged as the connection's lines are (the HELLO is the connection's), by the logger's name. */
    private static final RateLimitedLog REFUSED = new RateLimitedLog(
            Logger.getLogger("io.postmaster.router.Connection"), Level.INFO);

    private HelloBounds() {
    }

    /**
     * Checks that {@code h} keeps the bounds.
     *
     * @param who the connection, for the log
     * @throws Refusal {@code wamp.error.invalid_argument} saying which bound it exceeds; logged, rate-limited (clients
     *                 can send as many as they like)
     */
    static void check(Hello h, SessionLimits limits, String who) {
        long size = Sizes.json(h.details(), limits.helloMaxBytes(), limits.helloMaxDepth());
        if (size == Sizes.TOO_DEEP) {
            throw refused(who, "HELLO.Details nest deeper than " + limits.helloMaxDepth() + " levels");
        }
        if (size > limits.helloMaxBytes()) {
            throw refused(who, "HELLO.Details are larger than " + limits.helloMaxBytes() + " bytes");
        }
        for (String key : new String[] {"authid", "authrole"}) {
            if (h.details().get(key) instanceof String s && s.length() > limits.authidMaxChars()) {
                throw refused(who, key + " is longer than " + limits.authidMaxChars() + " characters");
            }
        }
    }

    private static Refusal refused(String who, String problem) {
        REFUSED.log(() -> "HELLO refused from " + who + ": " + problem);
        return new Refusal(ErrorUris.INVALID_ARGUMENT, problem);
    }
}
