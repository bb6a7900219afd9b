package io.postmaster.router;

import io.postmaster.config.SessionLimits;
import io.postmaster.logging.RateLimitedLog;
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

    /** Why {@code h} exceeds the bounds, or null if it keeps them. */
    static String problem(Hello h, SessionLimits limits) {
        long size = Sizes.json(h.details(), limits.helloMaxBytes(), limits.helloMaxDepth());
        if (size == Sizes.TOO_DEEP) {
            return "HELLO.Details nest deeper than " + limits.helloMaxDepth() + " levels";
        }
        if (size > limits.helloMaxBytes()) {
            return "HELLO.Details are larger than " + limits.helloMaxBytes() + " bytes";
        }
        for (String key : new String[] {"authid", "authrole"}) {
            if (h.details().get(key) instanceof String s && s.length() > limits.authidMaxChars()) {
                return key + " is longer than " + limits.authidMaxChars() + " characters";
            }
        }
        return null;
    }

    /** Logs a refused HELLO (rate-limited: clients can send as many as they like). */
    static void refused(String who, String problem) {
        REFUSED.log(() -> "HELLO refused from " + who + ": " + problem);
    }
}
