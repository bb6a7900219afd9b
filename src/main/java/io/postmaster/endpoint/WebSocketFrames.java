package io.postmaster.endpoint;

import io.postmaster.serialization.Utf8;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The octets of RFC 6455 WebSocket frames as a server reads and writes them: {@link Reader} takes a client's masked
 * frames as they arrive and hands on whole messages and control frames; the static methods build the server's
 * unmasked frame headers and close payloads. No I/O, no extensions (none is negotiated, so the RSV bits must be 0).
 *
 * <pre>
 *   FIN RSV1-3 opcode | MASK length7 | [length16 | length64] | masking key (client frames) | payload
 * </pre>
 */
final class WebSocketFrames {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** Close codes (RFC 6455 section 7.4.1). */
    static final int NORMAL = 1000;
    static final int PROTOCOL_ERROR = 1002;
    static final int NO_STATUS = 1005;
    static final int INVALID_DATA = 1007;
    static final int TOO_BIG = 1009;

    /** The largest payload of a control frame. */
    static final int MAX_CONTROL = 125;
    /** The longest server frame header: 2 octets, then a 64-bit length. */
    static final int MAX_HEADER = 10;
    /** How much of a data frame's payload is buffered before more of it has arrived. */
    private static final int FIRST_CHUNK = 16 * 1024;

    private WebSocketFrames() {
    }

    /** What a {@link Reader} finds, on the reading thread, in order. */
    interface Handler {
        /** A whole text message: valid UTF-8, {@code utf8[0..length)}; the array is the handler's. */
        void text(byte[] utf8, int length);

        /** A whole binary message; the buffer is the handler's. */
        void binary(ByteBuffer data);

        /** A ping: to be answered with a pong carrying {@code payload}. */
        void ping(byte[] payload);

        /** A pong. */
        void pong();

        /** The peer's close frame: its code ({@link #NO_STATUS} if it carried none) and reason. Nothing follows. */
        void closed(int code, String reason);

        /** The peer broke the protocol: fail the connection with {@code code}. Nothing follows. */
        void failed(int code, String why);
    }

    /**
     * One connection's inbound frames: fed every octet that arrives ({@link #read}), in order, on one thread at a
     * time. Holds nothing between messages but the few octets of a frame header not complete yet; a message's payload
     * is buffered only as its octets arrive, never by the length a header claims, and only up to
     * {@code maxMessage} octets per message (then {@link #TOO_BIG}).
     */
    static final class Reader {
        private final Handler handler;
        private final long maxMessage;
        /** The frame header so far: at most 2 + 8 + 4 octets. */
        private final byte[] head = new byte[14];
        private int headLength;
        /** The current frame, once its header is complete. */
        private boolean inPayload;
        private int opcode;
        private boolean fin;
        private int mask;
        private long remaining;
        /** Payload octets of the current frame read so far (where in the masking key the next one is). */
        private long framePosition;
        /** The message being assembled from data frames: its opcode (0: none) and octets so far. */
        private int messageType;
        private byte[] message;
        private int messageLength;
        /** The length the current data frame's header claims, counted into the message's total. */
        private long messageClaimed;
        /** A control frame's payload. */
        private byte[] control;
        private boolean done;

        Reader(Handler handler, long maxMessage) {
            this.handler = handler;
            this.maxMessage = maxMessage;
        }

        /** Whether the peer's close or a protocol error ended reading: nothing more is taken. */
        boolean done() {
            return done;
        }

        /** Takes every octet {@code in} holds (less once {@link #done}). */
        void read(ByteBuffer in) {
            while (!done && in.hasRemaining()) {
                if (!inPayload) {
                    if (!readHeader(in)) {
                        return;
                    }
                    if (remaining == 0) {
                        frameEnd();
                    }
                } else {
                    int n = (int) Math.min(in.remaining(), remaining);
                    if (opcode >= CLOSE) {
                        unmask(in, control, (int) framePosition, n);
                    } else {
                        grow(n);
                        unmask(in, message, messageLength, n);
                        messageLength += n;
                    }
                    framePosition += n;
                    remaining -= n;
                    if (remaining == 0) {
                        frameEnd();
                    }
                }
            }
        }

        /** Copies {@code n} octets from {@code in} into {@code to[at..]}, unmasked. */
        private void unmask(ByteBuffer in, byte[] to, int at, int n) {
            in.get(to, at, n);
            int key = Integer.rotateLeft(mask, 8 * (int) (framePosition & 3)); // the key from this octet on
            int i = at;
            int end = at + n;
            for (; i + 4 <= end; i += 4) {
                to[i] ^= (byte) (key >>> 24);
                to[i + 1] ^= (byte) (key >>> 16);
                to[i + 2] ^= (byte) (key >>> 8);
                to[i + 3] ^= (byte) key;
            }
            for (int s = 24; i < end; i++, s -= 8) {
                to[i] ^= (byte) (key >>> s);
            }
        }

        /** Room in {@code message} for {@code n} more octets: what the frames claim, filled only as they arrive. */
        private void grow(int n) {
            int need = messageLength + n;
            if (message != null && message.length >= need) {
                return;
            }
            long claimed = messageClaimed; // the message so far plus this frame, within maxMessage
            int size = (int) Math.min(claimed, Math.max(need, message == null
                    ? Math.min(claimed, FIRST_CHUNK) : 2L * message.length));
            byte[] b = new byte[Math.max(size, need)];
            if (message != null) {
                System.arraycopy(message, 0, b, 0, messageLength);
            }
            message = b;
        }

        /** Reads what is there of a header; true once it is complete and valid. */
        private boolean readHeader(ByteBuffer in) {
            while (headLength < 2) {
                if (!in.hasRemaining()) {
                    return false;
                }
                head[headLength++] = in.get();
            }
            int b0 = head[0] & 0xFF;
            int b1 = head[1] & 0xFF;
            int len7 = b1 & 0x7F;
            int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
            int masked = (b1 & 0x80) != 0 ? 4 : 0;
            int need = 2 + extended + masked;
            while (headLength < need) {
                if (!in.hasRemaining()) {
                    return false;
                }
                head[headLength++] = in.get();
            }
            headLength = 0;
            if ((b0 & 0x70) != 0) {
                return fail(PROTOCOL_ERROR, "a reserved bit is set (no extension was negotiated)");
            }
            if (masked == 0) {
                return fail(PROTOCOL_ERROR, "an unmasked frame from a client");
            }
            long length = len7;
            if (extended == 2) {
                length = (head[2] & 0xFF) << 8 | (head[3] & 0xFF);
            } else if (extended == 8) {
                length = 0;
                for (int i = 2; i < 10; i++) {
                    length = length << 8 | (head[i] & 0xFF);
                }
                if (length < 0) {
                    return fail(PROTOCOL_ERROR, "a 64-bit frame length with its most significant bit set");
                }
            }
            int m = 2 + extended;
            mask = (head[m] & 0xFF) << 24 | (head[m + 1] & 0xFF) << 16 | (head[m + 2] & 0xFF) << 8
                    | (head[m + 3] & 0xFF);
            opcode = b0 & 0x0F;
            fin = (b0 & 0x80) != 0;
            remaining = length;
            framePosition = 0;
            switch (opcode) {
                case CLOSE, PING, PONG -> {
                    if (!fin) {
                        return fail(PROTOCOL_ERROR, "a fragmented control frame");
                    }
                    if (length > MAX_CONTROL) {
                        return fail(PROTOCOL_ERROR, "a control frame of more than " + MAX_CONTROL + " octets");
                    }
                    control = new byte[(int) length];
                }
                case TEXT, BINARY -> {
                    if (messageType != 0) {
                        return fail(PROTOCOL_ERROR, "a new message before the fragmented one ended");
                    }
                    messageType = opcode;
                    messageClaimed = 0;
                    if (!claim(length)) {
                        return false;
                    }
                }
                case CONTINUATION -> {
                    if (messageType == 0) {
                        return fail(PROTOCOL_ERROR, "a continuation frame outside a fragmented message");
                    }
                    if (!claim(length)) {
                        return false;
                    }
                }
                default -> {
                    return fail(PROTOCOL_ERROR, "unknown opcode " + opcode);
                }
            }
            inPayload = true;
            return true;
        }

        /** Counts a data frame's length into its message's, refused past {@code maxMessage}. */
        private boolean claim(long length) {
            messageClaimed += length;
            if (messageClaimed > maxMessage) {
                return fail(TOO_BIG, "a message of more than " + maxMessage + " octets");
            }
            return true;
        }

        private boolean fail(int code, String why) {
            done = true;
            message = null;
            control = null;
            handler.failed(code, why);
            return false;
        }

        /** The current frame is complete. */
        private void frameEnd() {
            inPayload = false;
            switch (opcode) {
                case CLOSE -> close(control);
                case PING -> handler.ping(control);
                case PONG -> handler.pong();
                default -> {
                    if (fin) {
                        messageEnd();
                    }
                    return;
                }
            }
            control = null;
        }

        private void close(byte[] payload) {
            if (payload.length == 1) {
                fail(PROTOCOL_ERROR, "a close frame of one octet");
                return;
            }
            int code = NO_STATUS;
            String reason = "";
            if (payload.length >= 2) {
                code = (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
                if (!validCloseCode(code)) {
                    fail(PROTOCOL_ERROR, "close code " + code + " may not be sent");
                    return;
                }
                reason = utf8(payload, 2, payload.length - 2);
                if (reason == null) {
                    fail(INVALID_DATA, "a close reason that is not UTF-8");
                    return;
                }
            }
            done = true;
            handler.closed(code, reason);
        }

        private void messageEnd() {
            byte[] b = message == null ? new byte[0] : message;
            int n = messageLength;
            int type = messageType;
            message = null;
            messageLength = 0;
            messageType = 0;
            messageClaimed = 0;
            if (type == TEXT) {
                if (!Utf8.valid(b, 0, n)) {
                    fail(INVALID_DATA, "a text message that is not UTF-8");
                    return;
                }
                handler.text(b, n);
            } else {
                handler.binary(ByteBuffer.wrap(b, 0, n));
            }
        }
    }

    /**
     * Whether a close frame may carry {@code code}: 1000–1003, 1007–1014 (1004–1006 and 1015 are reserved for
     * reporting, never sent) and the application ranges 3000–4999.
     */
    static boolean validCloseCode(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    /** {@code b[from..from+n)} as a string, or null when it is not valid UTF-8. */
    static String utf8(byte[] b, int from, int n) {
        return Utf8.valid(b, from, n) ? new String(b, from, n, StandardCharsets.UTF_8) : null;
    }

    /** How long a server frame's header is for a payload of {@code length} octets. */
    static int headerLength(long length) {
        return length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
    }

    /** A final, unmasked frame header: {@code opcode}, a payload of {@code length} octets. */
    static byte[] header(int opcode, long length) {
        byte[] h = new byte[headerLength(length)];
        header(h, opcode, length);
        return h;
    }

    /** Writes that header into {@code h[0..headerLength(length))}. */
    static void header(byte[] h, int opcode, long length) {
        h[0] = (byte) (0x80 | opcode);
        if (length <= 125) {
            h[1] = (byte) length;
        } else if (length <= 0xFFFF) {
            h[1] = 126;
            h[2] = (byte) (length >>> 8);
            h[3] = (byte) length;
        } else {
            h[1] = 127;
            for (int i = 0; i < 8; i++) {
                h[2 + i] = (byte) (length >>> (56 - 8 * i));
            }
        }
    }

    /**
     * A close frame's payload: {@code code} and as much of {@code reason} as fits a control frame (123 octets of
     * UTF-8, see {@link WebSocketPeer#closeReasonPhrase}); empty for {@link #NO_STATUS}, which is never sent.
     */
    static byte[] closePayload(int code, String reason) {
        if (code == NO_STATUS) {
            return new byte[0];
        }
        byte[] r = WebSocketPeer.closeReasonPhrase(reason).getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }
}
