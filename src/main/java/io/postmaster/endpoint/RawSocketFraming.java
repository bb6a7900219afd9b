package io.postmaster.endpoint;

/**
 * The octets of WAMP over RawSocket (the spec's transport section "RawSocket"): the 4-octet opening handshake and
 * its replies, and the 4-octet prefix of every frame. Pure functions, no I/O; network byte order throughout.
 *
 * <pre>
 *   handshake request / success reply   0111 1111  LLLL SSSS  0000 0000  0000 0000   (0x7F, length, serializer)
 *   error reply                         0111 1111  EEEE 0000  0000 0000  0000 0000
 *   frame prefix                        RRRR XTTT  LLLL LLLL  LLLL LLLL  LLLL LLLL   (type, 24-bit length)
 * </pre>
 * {@code LLLL} of the handshake is the largest message its sender accepts: {@code 2^(9 + LLLL)} octets, 512 to
 * 16 MiB. A frame's {@code X} bit is set only for a payload of exactly 2^24 octets, with the 24 length bits clear.
 */
final class RawSocketFraming {
    static final int MAGIC = 0x7F;

    /** Frame types ({@code TTT}). */
    static final int MESSAGE = 0;
    static final int PING = 1;
    static final int PONG = 2;

    /** Error codes of a handshake error reply ({@code EEEE}). */
    static final int ERROR_SERIALIZER_UNSUPPORTED = 1;
    static final int ERROR_LENGTH_UNACCEPTABLE = 2;
    static final int ERROR_RESERVED_BITS = 3;
    static final int ERROR_CONNECTION_COUNT = 4;

    /** The smallest and largest message length a handshake can announce. */
    static final int MIN_LENGTH = 1 << 9;
    static final int MAX_LENGTH = 1 << 24;

    private RawSocketFraming() {
    }

    /**
     * A client's opening handshake: what it asks for, or why it cannot be served.
     *
     * @param serializer the serializer id asked for ({@code SSSS})
     * @param maxLength  the largest message the client accepts, in octets
     * @param error      0, or the error code to reply with; {@code -1} when the first octet is not the magic one
     *                   (not a RawSocket client at all: no reply, the connection is failed)
     */
    record Request(int serializer, int maxLength, int error) {
        boolean ok() {
            return error == 0;
        }
    }

    /** Reads the 4 octets of a client's opening handshake. */
    static Request request(byte b0, byte b1, byte b2, byte b3) {
        int serializer = b1 & 0x0F;
        int maxLength = 1 << (9 + ((b1 >> 4) & 0x0F));
        if ((b0 & 0xFF) != MAGIC) {
            return new Request(serializer, maxLength, -1);
        }
        if (b2 != 0 || b3 != 0) {
            return new Request(serializer, maxLength, ERROR_RESERVED_BITS);
        }
        return new Request(serializer, maxLength, 0);
    }

    /** The success reply: the serializer echoed, and the largest message the router accepts. */
    static byte[] accept(int serializer, int routerMaxLength) {
        return new byte[] {(byte) MAGIC, (byte) (lengthCode(routerMaxLength) << 4 | (serializer & 0x0F)), 0, 0};
    }

    /** An error reply. */
    static byte[] error(int code) {
        return new byte[] {(byte) MAGIC, (byte) ((code & 0x0F) << 4), 0, 0};
    }

    /** The largest length a handshake can announce that is not above {@code bytes}: a power of two, 512 to 16 MiB. */
    static int announceable(long bytes) {
        int code = lengthCode(bytes);
        return 1 << (9 + code);
    }

    /** {@code LLLL} for the largest power of two {@code 2^(9 + LLLL)} not above {@code bytes} (0 below 1024). */
    static int lengthCode(long bytes) {
        long b = Math.max(MIN_LENGTH, Math.min(MAX_LENGTH, bytes));
        return 63 - Long.numberOfLeadingZeros(b) - 9;
    }

    /** Writes the prefix of a frame of {@code type} carrying {@code length} octets into {@code out[0..3]}. */
    static void prefix(byte[] out, int type, int length) {
        if (length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("a RawSocket frame carries 0 to 2^24 octets, not " + length);
        }
        boolean x = length == MAX_LENGTH;
        out[0] = (byte) ((x ? 0x08 : 0) | (type & 0x07));
        out[1] = (byte) (length >>> 16);
        out[2] = (byte) (length >>> 8);
        out[3] = (byte) length;
    }

    /** A new 4-octet prefix. */
    static byte[] prefix(int type, int length) {
        byte[] p = new byte[4];
        prefix(p, type, length);
        return p;
    }

    /**
     * Reads a frame prefix: {@code type << 32 | length}, or {@code -1} when a reserved bit ({@code RRRR}) is set, the
     * type is reserved (3 to 7) or {@code X} is set with a non-zero length.
     */
    static long header(byte b0, byte b1, byte b2, byte b3) {
        int first = b0 & 0xFF;
        int type = first & 0x07;
        int length = (b1 & 0xFF) << 16 | (b2 & 0xFF) << 8 | (b3 & 0xFF);
        if ((first & 0xF0) != 0 || type > PONG) {
            return -1;
        }
        if ((first & 0x08) != 0) {
            if (length != 0) {
                return -1;
            }
            length = MAX_LENGTH;
        }
        return (long) type << 32 | length;
    }

    static int type(long header) {
        return (int) (header >>> 32);
    }

    static int length(long header) {
        return (int) header;
    }
}
