package io.postmaster.adapter;

import io.postmaster.message.Uris;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A seed protocol's names (webrocket channels, webwire request and signal names) as one URI component, reversibly:
 * {@code a-z} and {@code 0-9} stay, every other byte of the name's UTF-8 is written as {@code _} and two lower-case
 * hex digits ({@code "chat"} → {@code chat}, {@code "Chat room"} → {@code _43hat_20room}). Valid under both the
 * loose and the strict URI rule.
 */
public final class UriNames {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private UriNames() {
    }

    /** {@code prefix} followed by the encoded name, or null when the result would be longer than a URI may be. */
    public static String encode(String prefix, String name) {
        StringBuilder b = new StringBuilder(prefix.length() + name.length());
        b.append(prefix);
        for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                b.append((char) c);
            } else {
                b.append('_').append(HEX[c >> 4]).append(HEX[c & 15]);
            }
            if (b.length() > Uris.MAX_LENGTH) {
                return null;
            }
        }
        return b.toString();
    }

    /** The name encoded after {@code prefix} in {@code uri}, or null if {@code uri} is not such an encoding. */
    public static String decode(String prefix, String uri) {
        if (uri == null || !uri.startsWith(prefix)) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = prefix.length(); i < uri.length(); i++) {
            char c = uri.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.write(c);
            } else if (c == '_' && i + 2 < uri.length() && hex(uri.charAt(i + 1)) >= 0 && hex(uri.charAt(i + 2)) >= 0) {
                out.write(hex(uri.charAt(i + 1)) << 4 | hex(uri.charAt(i + 2)));
                i += 2;
            } else {
                return null;
            }
        }
        String name = out.toString(StandardCharsets.UTF_8);
        return uri.equals(encode(prefix, name)) ? name : null; // not UTF-8, or not written the one way encode() does
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }
}
