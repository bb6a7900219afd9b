package io.postmaster.spi;

import io.postmaster.message.Uris;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * One rule of a role: a URI pattern, how it matches, and the actions it allows. The most specific rule that matches
 * a URI decides alone (see {@link Permissions}), so a rule with no actions denies what a broader rule would allow.
 *
 * @param uri      the pattern: a whole URI ({@link Match#EXACT}), a prefix ({@link Match#PREFIX}; the empty prefix
 *                 matches every URI) or a URI with empty components that match any component
 *                 ({@link Match#WILDCARD}, e.g. {@code com.example..update})
 * @param match    how {@code uri} matches
 * @param allow    the actions allowed
 * @param disclose whether callers and publishers are disclosed for URIs this rule decides
 */
public record Permission(String uri, Match match, Set<Action> allow, boolean disclose) {
    public Permission {
        if (uri == null || match == null) {
            throw new IllegalArgumentException("a permission needs a URI pattern and a match policy");
        }
        allow = allow.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(Action.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(allow));
    }

    /** How a permission's URI pattern matches. */
    public enum Match { EXACT, PREFIX, WILDCARD }

    /** Whether the pattern matches {@code candidate}, by the URI matching rules of {@link Uris}. */
    public boolean matches(String candidate) {
        return switch (match) {
            case EXACT -> uri.equals(candidate);
            case PREFIX -> Uris.prefixMatches(uri, candidate);
            case WILDCARD -> Uris.wildcardMatches(uri, candidate);
        };
    }

    /** For wildcards: how many components are fixed (more is more specific). */
    int fixedComponents() {
        int n = 0;
        for (String part : uri.split("\\.", -1)) {
            if (!part.isEmpty()) {
                n++;
            }
        }
        return n;
    }
}
