package io.postmaster.v1;

import java.util.HashMap;
import java.util.Map;

/**
 * One v1 connection's CURIE prefixes (PREFIX {@code [1, prefix, uri]}), bounded by count and by characters. A CURIE
 * is {@code prefix:reference}; a full URI ({@code scheme://…}) and a string without {@code :} are taken as they are.
 * Touched under the connection's lock only.
 */
final class Prefixes {
    private final int maxCount;
    private final int maxChars;
    private final int maxNameChars;
    private final Map<String, String> byName = new HashMap<>();
    private int chars;

    Prefixes(int maxCount, int maxChars, int maxNameChars) {
        this.maxCount = maxCount;
        this.maxChars = maxChars;
        this.maxNameChars = maxNameChars;
    }

    /** A prefix name: 1 to {@code maxNameChars} of {@code A-Z a-z 0-9 _ -}. */
    boolean validName(String name) {
        if (name.isEmpty() || name.length() > maxNameChars) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Defines (or redefines) a prefix.
     *
     * @return null, or why the definition is refused because it would pass a bound
     */
    String define(String name, String uri) {
        String old = byName.get(name);
        int after = chars - (old == null ? 0 : name.length() + old.length()) + name.length() + uri.length();
        if (old == null && byName.size() >= maxCount) {
            return "more than " + maxCount + " prefixes (postmaster.v1.max-prefixes)";
        }
        if (after > maxChars) {
            return "prefixes of more than " + maxChars + " characters (postmaster.v1.max-prefix-bytes)";
        }
        byName.put(name, uri);
        chars = after;
        return null;
    }

    int size() {
        return byName.size();
    }

    /** What resolving a URI or CURIE gave: a URI, or why there is none. */
    record Resolved(String uri, String problem) {
        static Resolved ok(String uri) {
            return new Resolved(uri, null);
        }
    }

    static final String UNKNOWN_PREFIX = "unknown prefix";
    static final String MALFORMED_CURIE = "malformed CURIE";

    /** Resolves a CURIE through the prefixes; full URIs and plain names pass unchanged. */
    Resolved resolve(String curieOrUri) {
        int colon = curieOrUri.indexOf(':');
        if (colon < 0 || curieOrUri.startsWith("//", colon + 1)) {
            return Resolved.ok(curieOrUri);
        }
        String name = curieOrUri.substring(0, colon);
        if (!validName(name)) {
            return new Resolved(null, MALFORMED_CURIE);
        }
        String uri = byName.get(name);
        return uri == null ? new Resolved(null, UNKNOWN_PREFIX) : Resolved.ok(uri + curieOrUri.substring(colon + 1));
    }
}
