package io.postmaster.v1;

import io.postmaster.config.V1Settings.UriMapping;
import io.postmaster.message.Uris;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The reversible mapping between v1 URIs (full URLs such as {@code http://example.com/simple/calc#add}, which v2's
 * URI rules refuse) and v2 URIs, for one realm. A v1 URI maps, first rule that applies:
 * <ol>
 * <li>under an explicit mapping's v1 prefix: the mapping's v2 prefix followed by the rest, encoded;</li>
 * <li>a valid v2 URI without {@code :} (not under {@code v1.} nor a mapped v2 prefix): itself;</li>
 * <li>otherwise: {@code v1.} followed by the whole URI, encoded.</li>
 * </ol>
 * Encoding: the text is cut at each {@code /} into segments, which become the URI's components; in a segment
 * {@code a-z 0-9} (on a loose realm also {@code A-Z} and {@code -}) stay, every other UTF-8 byte becomes {@code _}
 * and two lower-case hex digits, and an empty segment becomes {@code _}. So {@code http://example.com/simple/calc#add}
 * is {@code v1.http_3a._.example_2ecom.simple.calc_23add}, valid under both URI rules. Decoding accepts only the
 * canonical form, so every v2 URI has at most one v1 name and back: the mapping is a bijection, and a v1 client and a
 * v2 client name the same topic or procedure.
 *
 * <p>Stateless and thread-safe.
 */
public final class V1Uris {
    static final String NAMESPACE = "v1.";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final List<UriMapping> mappings;
    private final Uris.Rule rule;

    /**
     * @param mappings the realm's explicit mappings (their prefixes must not overlap: see
     *                 {@link io.postmaster.config.V1Settings})
     * @param rule     the realm's URI rule
     */
    public V1Uris(List<UriMapping> mappings, Uris.Rule rule) {
        this.mappings = List.copyOf(mappings);
        this.rule = rule;
    }

    /** The v2 URI a v1 URI stands for, or null when it has none the realm's rule accepts (too long, say). */
    public String toV2(String v1) {
        String v2;
        UriMapping m = byV1(v1);
        if (m != null) {
            String rest = encode(v1.substring(m.v1Prefix().length()));
            v2 = rest == null ? null : m.v2Prefix() + rest;
        } else if (v1.indexOf(':') < 0 && !v1.startsWith(NAMESPACE) && byV2(v1) == null && Uris.valid(v1, rule)) {
            v2 = v1;
        } else {
            String all = encode(v1);
            v2 = all == null ? null : NAMESPACE + all;
        }
        return v2 != null && Uris.valid(v2, rule) ? v2 : null;
    }

    /** The v1 name of a v2 URI: the inverse of {@link #toV2}; a v2 URI no v1 URI maps to is named as it is. */
    public String toV1(String v2) {
        UriMapping m = byV2(v2);
        if (m != null) {
            String rest = decode(v2.substring(m.v2Prefix().length()));
            return rest != null ? m.v1Prefix() + rest : v2;
        }
        if (v2.startsWith(NAMESPACE)) {
            String v1 = decode(v2.substring(NAMESPACE.length()));
            // canonical only: the name must map back to this very URI (not through a mapping or as itself)
            return v1 != null && v2.equals(toV2(v1)) ? v1 : v2;
        }
        return v2;
    }

    private UriMapping byV1(String v1) {
        for (UriMapping m : mappings) {
            if (v1.startsWith(m.v1Prefix())) {
                return m;
            }
        }
        return null;
    }

    private UriMapping byV2(String v2) {
        for (UriMapping m : mappings) {
            if (v2.startsWith(m.v2Prefix())) {
                return m;
            }
        }
        return null;
    }

    private boolean kept(int b) {
        return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                || (rule == Uris.Rule.LOOSE && ((b >= 'A' && b <= 'Z') || b == '-'));
    }

    /** The components for {@code text}, or null if it is not well-formed Unicode. */
    String encode(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        int start = 0;
        while (true) {
            int slash = text.indexOf('/', start);
            String segment = slash < 0 ? text.substring(start) : text.substring(start, slash);
            if (segment.isEmpty()) {
                out.append('_');
            } else {
                if (!wellFormed(segment)) {
                    return null;
                }
                for (byte x : segment.getBytes(StandardCharsets.UTF_8)) {
                    int b = x & 0xff;
                    if (kept(b)) {
                        out.append((char) b);
                    } else {
                        out.append('_').append(HEX[b >> 4]).append(HEX[b & 0xf]);
                    }
                }
            }
            if (slash < 0) {
                return out.toString();
            }
            out.append('.');
            start = slash + 1;
        }
    }

    /** Whether {@code s} has no unpaired surrogate (which UTF-8 cannot carry). */
    private static boolean wellFormed(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The text for canonical components, or null if they are not what {@link #encode} makes. */
    String decode(String components) {
        StringBuilder out = new StringBuilder(components.length());
        int start = 0;
        while (true) {
            int dot = components.indexOf('.', start);
            String c = dot < 0 ? components.substring(start) : components.substring(start, dot);
            if (!c.equals("_")) {
                if (c.isEmpty()) {
                    return null;
                }
                ByteBuffer bytes = ByteBuffer.allocate(c.length());
                for (int i = 0; i < c.length(); i++) {
                    char ch = c.charAt(i);
                    if (ch == '_') {
                        if (i + 2 >= c.length()) {
                            return null;
                        }
                        int hi = Character.digit(c.charAt(i + 1), 16);
                        int lo = Character.digit(c.charAt(i + 2), 16);
                        if (hi < 0 || lo < 0 || Character.isUpperCase(c.charAt(i + 1))
                                || Character.isUpperCase(c.charAt(i + 2))) {
                            return null;
                        }
                        int b = hi << 4 | lo;
                        if (kept(b) || b == '/') {
                            return null; // not canonical: it would have stayed, or cut the segment
                        }
                        bytes.put((byte) b);
                        i += 2;
                    } else if (ch < 0x80 && kept(ch)) {
                        bytes.put((byte) ch);
                    } else {
                        return null;
                    }
                }
                bytes.flip();
                try {
                    out.append(StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(bytes));
                } catch (CharacterCodingException e) {
                    return null;
                }
            }
            if (dot < 0) {
                return out.toString();
            }
            out.append('/');
            start = dot + 1;
        }
    }
}
