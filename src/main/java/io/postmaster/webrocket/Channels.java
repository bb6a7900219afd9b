package io.postmaster.webrocket;

import io.postmaster.message.Uris;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Channel name ↔ topic URI, reversibly: {@code webrocket.<encoded>}, where the encoding keeps {@code a-z} and
 * {@code 0-9} and writes every other byte of the name's UTF-8 as {@code _} and two lower-case hex digits
 * ({@code "chat"} → {@code webrocket.chat}, {@code "Chat room"} → {@code webrocket._43hat_20room}). The result is a
 * single URI component valid under both the loose and the strict URI rule.
 */
public final class Channels {
    /** The first component of every channel's topic. */
    public static final String PREFIX = "webrocket.";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Channels() {
    }

    /** The topic of a channel, or null when the channel name cannot be one (empty, or its topic too long). */
    public static String topic(String channel) {
        if (channel == null || channel.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder(PREFIX.length() + channel.length());
        b.append(PREFIX);
        for (byte x : channel.getBytes(StandardCharsets.UTF_8)) {
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

    /** The channel of a topic made by {@link #topic}, or null if the topic is not one. */
    public static String channel(String topic) {
        if (topic == null || !topic.startsWith(PREFIX) || topic.length() == PREFIX.length()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = PREFIX.length(); i < topic.length(); i++) {
            char c = topic.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.write(c);
            } else if (c == '_' && i + 2 < topic.length() && hex(topic.charAt(i + 1)) >= 0
                    && hex(topic.charAt(i + 2)) >= 0) {
                out.write(hex(topic.charAt(i + 1)) << 4 | hex(topic.charAt(i + 2)));
                i += 2;
            } else {
                return null;
            }
        }
        String channel = out.toString(StandardCharsets.UTF_8);
        return topic.equals(topic(channel)) ? channel : null; // not UTF-8, or not written the one way topic() does
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }
}
