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
 */
public final class Uris {
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
        if (uri == null || uri.isEmpty()) {
            return false;
        }
        int componentLength = 0;
        int n = uri.length();
        for (int i = 0; i < n; i++) {
            char c = uri.charAt(i);
            if (c == '.') {
                if (componentLength == 0 && !allowEmptyAny) {
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

    /** Whether {@code uri} lies in the {@code wamp.} namespace, which only the router may publish to or register. */
    public static boolean reserved(String uri) {
        return uri.startsWith("wamp.");
    }
}
