package io.postmaster.message;

/**
 * WAMP URI rules (spec, "URIs"): components separated by {@code .}.
 *
 * <ul>
 * <li><b>loose</b> (the default): a component is one or more characters other than whitespace, {@code .} and
 * {@code #}.</li>
 * <li><b>strict</b>: a component is one or more of {@code [0-9a-z_]}.</li>
 * </ul>
 * Pattern URIs may have empty components: a {@code prefix} pattern may end in one, a {@code wildcard} pattern may
 * have them anywhere. Checks are hand-written scans: they run on every message.
 *
 * <p>Every URI is also bounded: at most {@link #MAX_LENGTH} characters in at most {@link #MAX_COMPONENTS}
 * components. The spec sets no bound, but the router keeps URIs (subscriptions, registrations, retained events)
 * and splits them into components to match them, so an unbounded URI would let one message make it hold
 * megabytes. Real URIs are a few dozen characters in a handful of components.
 *
 * <p>Matching a pattern against a URI ({@link #prefixMatches}, {@link #wildcardMatches}; an exact pattern matches
 * the equal URI) is defined here once: the routing tables (subscriptions, registrations) and permission rules both
 * apply these rules, so a pattern means the same wherever it is written.
 */
public final class Uris {
    /** The longest URI accepted, in characters. */
    public static final int MAX_LENGTH = 1024;
    /** The most components a URI may have ({@code a.b.c} has 3). */
    public static final int MAX_COMPONENTS = 64;

    private Uris() {
    }

    /** How strictly URIs are checked; chosen per realm. */
    public enum Rule {
        LOOSE, STRICT
    }

    /** Whether {@code uri} is a valid concrete URI (no empty components). */
    public static boolean valid(String uri, Rule rule) {
        return check(uri, rule, false, false);
    }

    /**
     * Whether {@code uri} is a valid URI, allowing empty components where a pattern may have them.
     *
     * @param allowEmptyLast for prefix patterns: the last component may be empty ({@code com.example.})
     * @param allowEmptyAny  for wildcard patterns: any component may be empty ({@code com..update})
     */
    public static boolean check(String uri, Rule rule, boolean allowEmptyLast, boolean allowEmptyAny) {
        if (uri == null || uri.isEmpty() || uri.length() > MAX_LENGTH) {
            return false;
        }
        int componentLength = 0;
        int components = 1;
        int n = uri.length();
        for (int i = 0; i < n; i++) {
            char c = uri.charAt(i);
            if (c == '.') {
                if ((componentLength == 0 && !allowEmptyAny) || ++components > MAX_COMPONENTS) {
                    return false;
                }
                componentLength = 0;
            } else if (allowed(c, rule)) {
                componentLength++;
            } else {
                return false;
            }
        }
        return componentLength > 0 || allowEmptyAny || allowEmptyLast;
    }

    private static boolean allowed(char c, Rule rule) {
        if (rule == Rule.STRICT) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }
        return c != '#' && !Character.isWhitespace(c);
    }

    /**
     * Whether the prefix pattern matches {@code uri}: a plain string prefix, not a component prefix, as the spec's
     * examples show ({@code com.myapp.myobject1} matches {@code com.myapp.myobject1-mysubobject1}). The empty
     * pattern matches every URI.
     */
    public static boolean prefixMatches(String pattern, String uri) {
        return uri.startsWith(pattern);
    }

    /**
     * Whether the wildcard pattern matches {@code uri}: both have as many components, and each non-empty component
     * of the pattern equals the URI's component at its place (an empty one matches any one component). A scan that
     * allocates nothing.
     */
    public static boolean wildcardMatches(String pattern, String uri) {
        int p = 0;
        int u = 0;
        while (true) {
            int pEnd = componentEnd(pattern, p);
            int uEnd = componentEnd(uri, u);
            if (pEnd > p && (pEnd - p != uEnd - u || !pattern.regionMatches(p, uri, u, pEnd - p))) {
                return false;
            }
            boolean patternEnds = pEnd == pattern.length();
            boolean uriEnds = uEnd == uri.length();
            if (patternEnds || uriEnds) {
                return patternEnds && uriEnds;
            }
            p = pEnd + 1;
            u = uEnd + 1;
        }
    }

    private static int componentEnd(String s, int from) {
        int dot = s.indexOf('.', from);
        return dot < 0 ? s.length() : dot;
    }

    /** Whether {@code uri} lies in the {@code wamp.} namespace, which only the router may publish to or register. */
    public static boolean reserved(String uri) {
        return uri.startsWith("wamp.");
    }
}
