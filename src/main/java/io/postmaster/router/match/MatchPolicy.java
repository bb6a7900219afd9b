package io.postmaster.router.match;

import java.util.Locale;

/** How a subscription's topic or a registration's procedure matches URIs (option {@code match}). */
public enum MatchPolicy {
    /** The URI equals the topic/procedure. The default. */
    EXACT,
    /** The URI starts with the topic/procedure. Not served yet: refused with {@code wamp.error.invalid_argument}. */
    PREFIX,
    /** Empty components of the pattern match any component. Not served yet, like {@link #PREFIX}. */
    WILDCARD;

    /** The policy named by a {@code match} option value, or null when the value names none. */
    public static MatchPolicy of(Object option) {
        if (option == null) {
            return EXACT;
        }
        if (!(option instanceof String s)) {
            return null;
        }
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The option value that names this policy on the wire. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
