package io.postmaster.webwire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The binary frames of webwire protocol 1.4 (webwire-go v1.0.0-rc1, {@code message.go}): decoding what a client
 * sends into an {@link Inbound} value — bad input is a value too, never an exception — and encoding what the server
 * sends. Ids are the client's 8 opaque bytes, echoed; names are ASCII 32–126; UTF-16 is little-endian, its payload
 * aligned to an even offset by a zero padding byte after an odd-length name (requests and signals) and always after
 * the id (replies).
 */
public final class Wire {
    // server -> client
    public static final int ERROR_REPLY = 0;
    public static final int REPLY_SHUTDOWN = 1;
    public static final int INTERNAL_ERROR = 2;
    public static final int SESSION_NOT_FOUND = 3;
    public static final int MAX_SESSION_CONNECTIONS = 4;
    public static final int SESSIONS_DISABLED = 5;
    public static final int PROTOCOL_ERROR = 6;
    public static final int SESSION_CREATED = 21;
    public static final int SESSION_CLOSED = 22;
    // client -> server
    public static final int CLOSE_SESSION = 31;
    public static final int RESTORE_SESSION = 32;
    // both ways
    public static final int SIGNAL_BINARY = 63;
    public static final int SIGNAL_UTF8 = 64;
    public static final int SIGNAL_UTF16 = 65;
    public static final int REQUEST_BINARY = 127;
    public static final int REQUEST_UTF8 = 128;
    public static final int REQUEST_UTF16 = 129;
    public static final int REPLY_BINARY = 191;
    public static final int REPLY_UTF8 = 192;
    public static final int REPLY_UTF16 = 193;

    private Wire() {
    }

    /** How a payload is encoded. */
    public enum Encoding {
        BINARY, UTF8, UTF16;

        /** The name used in WAMP arguments ({@code kwargs.encoding}). */
        public String wampName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The encoding named so in WAMP, or null. */
        public static Encoding ofWampName(Object name) {
            for (Encoding e : values()) {
                if (e.wampName().equals(name)) {
                    return e;
                }
            }
            return null;
        }

        /** The payload as a WAMP value: the bytes themselves (binary) or the text. Null if it is not valid text. */
        public Object toValue(byte[] payload) {
            return switch (this) {
                case BINARY -> payload;
                case UTF8 -> text(payload, StandardCharsets.UTF_8);
                case UTF16 -> text(payload, StandardCharsets.UTF_16LE);
            };
        }

        /** The bytes of a text in this encoding (UTF-8 for binary). */
        public byte[] bytes(String text) {
            return text.getBytes(this == UTF16 ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_8);
        }
    }

    /** What a client sent. */
    public sealed interface Inbound {
        /** A request, to be answered with a reply carrying the same id. */
        record Request(byte[] id, String name, Encoding encoding, byte[] payload) implements Inbound { }

        /** A signal: no reply. */
        record Signal(String name, Encoding encoding, byte[] payload) implements Inbound { }

        /** A session restoration request. */
        record RestoreSession(byte[] id, String key) implements Inbound { }

        /** A session closure request. */
        record CloseSession(byte[] id) implements Inbound { }

        /**
         * A frame of a known type that breaks the protocol: answered with a protocol error reply when it carried an
         * id (a request), dropped otherwise.
         */
        record Malformed(byte[] id, String why) implements Inbound { }

        /** A frame of no type a client sends (or an empty one): dropped, as webwire does. */
        record Unknown(int type) implements Inbound { }
    }

    /** Decodes one frame. */
    public static Inbound decode(byte[] b) {
        if (b.length == 0) {
            return new Inbound.Unknown(-1);
        }
        int type = b[0] & 0xff;
        return switch (type) {
            case REQUEST_BINARY, REQUEST_UTF8, REQUEST_UTF16 -> request(b, type);
            case SIGNAL_BINARY, SIGNAL_UTF8, SIGNAL_UTF16 -> signal(b, type);
            case RESTORE_SESSION -> {
                if (b.length < 10) {
                    yield new Inbound.Malformed(id(b), "session restoration without a key");
                }
                String key = ascii(b, 9, b.length);
                yield key == null ? new Inbound.Malformed(id(b), "session key is not printable ASCII")
                        : new Inbound.RestoreSession(id(b), key);
            }
            case CLOSE_SESSION -> b.length == 9 ? new Inbound.CloseSession(id(b))
                    : new Inbound.Malformed(id(b), "session closure must be 9 bytes");
            default -> new Inbound.Unknown(type);
        };
    }

    private static Inbound request(byte[] b, int type) {
        byte[] id = id(b);
        if (b.length < 11) {
            return new Inbound.Malformed(id, "request too short");
        }
        Encoding enc = type == REQUEST_BINARY ? Encoding.BINARY : type == REQUEST_UTF8 ? Encoding.UTF8 : Encoding.UTF16;
        int nameLen = b[9] & 0xff;
        int offset = 10 + nameLen;
        if (b.length < offset) {
            return new Inbound.Malformed(id, "request too short for its name");
        }
        String name = ascii(b, 10, offset);
        if (name == null) {
            return new Inbound.Malformed(id, "request name is not printable ASCII");
        }
        if (enc == Encoding.UTF16) {
            if (b.length % 2 != 0) {
                return new Inbound.Malformed(id, "UTF-16 request of odd length (header padding missing?)");
            }
            if (nameLen % 2 != 0 && b.length > offset) {
                if (b[offset] != 0) {
                    return new Inbound.Malformed(id, "UTF-16 header padding is not zero");
                }
                offset++;
            }
        }
        byte[] payload = java.util.Arrays.copyOfRange(b, offset, b.length);
        if (nameLen == 0 && payload.length == 0) {
            return new Inbound.Malformed(id, "request with neither name nor payload");
        }
        if (enc != Encoding.BINARY && enc.toValue(payload) == null) {
            return new Inbound.Malformed(id, "payload is not valid " + enc);
        }
        return new Inbound.Request(id, name, enc, payload);
    }

    private static Inbound signal(byte[] b, int type) {
        Encoding enc = type == SIGNAL_BINARY ? Encoding.BINARY : type == SIGNAL_UTF8 ? Encoding.UTF8 : Encoding.UTF16;
        if (b.length < 3) {
            return new Inbound.Malformed(null, "signal too short");
        }
        int nameLen = b[1] & 0xff;
        int offset = 2 + nameLen;
        if (enc == Encoding.UTF16) {
            if (b.length % 2 != 0) {
                return new Inbound.Malformed(null, "UTF-16 signal of odd length (header padding missing?)");
            }
            if (nameLen % 2 != 0) {
                if (b.length > offset && b[offset] != 0) {
                    return new Inbound.Malformed(null, "UTF-16 header padding is not zero");
                }
                offset++;
            }
        }
        int minPayload = enc == Encoding.UTF16 ? 2 : 1;
        if (b.length < offset + minPayload) {
            return new Inbound.Malformed(null, "signal too short for its name and payload");
        }
        String name = ascii(b, 2, 2 + nameLen);
        if (name == null) {
            return new Inbound.Malformed(null, "signal name is not printable ASCII");
        }
        byte[] payload = java.util.Arrays.copyOfRange(b, offset, b.length);
        if (enc != Encoding.BINARY && enc.toValue(payload) == null) {
            return new Inbound.Malformed(null, "payload is not valid " + enc);
        }
        return new Inbound.Signal(name, enc, payload);
    }

    /** The id of a frame with one (bytes 1–8), or null if it is too short to have one. */
    private static byte[] id(byte[] b) {
        return b.length < 9 ? null : java.util.Arrays.copyOfRange(b, 1, 9);
    }

    /** Bytes {@code from..to} as printable ASCII (32–126), or null. */
    private static String ascii(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 32 || b[i] > 126) {
                return null;
            }
        }
        return new String(b, from, to - from, StandardCharsets.US_ASCII);
    }

    /** Strict decoding: malformed input (a lone surrogate, a bad UTF-8 sequence) gives null. */
    static String text(byte[] payload, java.nio.charset.Charset cs) {
        CharsetDecoder d = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer c = d.decode(ByteBuffer.wrap(payload));
            return c.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------ encoding

    /** {@code [191|192|193][id](0x00 if UTF-16)[payload]} */
    public static byte[] reply(byte[] id, Encoding enc, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(10 + payload.length);
        out.write(enc == Encoding.BINARY ? REPLY_BINARY : enc == Encoding.UTF8 ? REPLY_UTF8 : REPLY_UTF16);
        out.writeBytes(id);
        if (enc == Encoding.UTF16) {
            out.write(0);
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /**
     * {@code [0][id][code length][code][message UTF-8]}. A code is 1–255 characters of printable ASCII: others are
     * replaced with {@code ?}, a longer one is cut, an empty one becomes {@code ERROR}.
     */
    public static byte[] errorReply(byte[] id, String code, String message) {
        String c = code == null || code.isEmpty() ? "ERROR" : code.length() > 255 ? code.substring(0, 255) : code;
        byte[] m = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(10 + c.length() + m.length);
        out.write(ERROR_REPLY);
        out.writeBytes(id);
        out.write(c.length());
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            out.write(ch < 32 || ch > 126 ? '?' : ch);
        }
        out.writeBytes(m);
        return out.toByteArray();
    }

    /** {@code [type][id]}: shutdown, internal error, session not found, max connections, sessions disabled, protocol error. */
    public static byte[] special(int type, byte[] id) {
        byte[] out = new byte[9];
        out[0] = (byte) type;
        System.arraycopy(id, 0, out, 1, 8);
        return out;
    }

    /** {@code [21][session JSON]} */
    public static byte[] sessionCreated(byte[] json) {
        byte[] out = new byte[1 + json.length];
        out[0] = SESSION_CREATED;
        System.arraycopy(json, 0, out, 1, json.length);
        return out;
    }

    /** {@code [22]} */
    public static byte[] sessionClosed() {
        return new byte[] {SESSION_CLOSED};
    }

    /**
     * {@code [63|64|65][name length][name](0x00 if UTF-16 and the name's length is odd)[payload]}.
     *
     * @throws IllegalArgumentException if the name is longer than 255 or not printable ASCII, or the payload empty
     *                                  (UTF-16: shorter than 2 bytes or of odd length)
     */
    public static byte[] signal(String name, Encoding enc, byte[] payload) {
        if (name.length() > 255 || ascii(name.getBytes(StandardCharsets.ISO_8859_1), 0, name.length()) == null
                || name.chars().anyMatch(ch -> ch > 126)) {
            throw new IllegalArgumentException("a signal name is at most 255 characters of printable ASCII");
        }
        if (payload.length < (enc == Encoding.UTF16 ? 2 : 1) || (enc == Encoding.UTF16 && payload.length % 2 != 0)) {
            throw new IllegalArgumentException("a signal needs a payload" + (enc == Encoding.UTF16
                    ? " of an even number of bytes, at least 2" : ""));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(3 + name.length() + payload.length);
        out.write(enc == Encoding.BINARY ? SIGNAL_BINARY : enc == Encoding.UTF8 ? SIGNAL_UTF8 : SIGNAL_UTF16);
        out.write(name.length());
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        if (enc == Encoding.UTF16 && name.length() % 2 != 0) {
            out.write(0);
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** The 8 bytes of an id as a long, for maps. */
    static long key(byte[] id) {
        return ByteBuffer.wrap(id).getLong();
    }
}
