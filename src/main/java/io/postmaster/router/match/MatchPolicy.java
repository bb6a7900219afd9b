package io.postmaster.router.match;

import io.postmaster.message.Uris;

import java.util.Locale;

/** How a subscription's topic or a registration's procedure matches URIs (option {@code match}). */
public enum MatchPolicy {
    /** The URI equals the topic/procedure. The default. */
    EXACT,
    /** The URI starts with the topic/procedure. */
    PREFIX,
    /** Empty components of the pattern match any one component. */
    WILDCARD;

    /** The policy named by a {@code match} option value, or null when the value names none. */
    public static MatchPolicy of(Object option) {
        return io.postmaster.router.Options.choice(option, MatchPolicy.class, EXACT);
    }

    /** Whether {@code uri} is a valid pattern of this policy under {@code rule}. */
    public boolean valid(String uri, Uris.Rule rule) {
        return switch (this) {
            case EXACT -> Uris.valid(uri, rule);
            case PREFIX -> Uris.check(uri, rule, true, false);
            case WILDCARD -> Uris.check(uri, rule, false, true);
        };
    }

    /**
     * Whether one pattern of this policy matches {@code uri} (the rules of {@link Uris}, which {@link UriTable}
     * applies to many patterns at once), for a single check: retained events for a new subscription.
     */
    public boolean matches(String pattern, String uri) {
        return switch (this) {
            case EXACT -> pattern.equals(uri);
            case PREFIX -> Uris.prefixMatches(pattern, uri);
            case WILDCARD -> Uris.wildcardMatches(pattern, uri);
        };
    }

    /** The option value that names this policy on the wire. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
