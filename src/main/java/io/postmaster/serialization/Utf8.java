package io.postmaster.serialization;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The strict UTF-8 check (no overlong forms, no surrogates, nothing past U+10FFFF) of the binary formats' strings
 * ({@link BinaryCodec#utf8}) and of WebSocket text messages framed by Postmaster.
 */
public final class Utf8 {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Utf8() {
    }

    /** Whether {@code b[pos..pos+length)} is valid UTF-8. */
    public static boolean valid(byte[] b, int pos, int length) {
        try {
            check(b, pos, length);
            return true;
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    static void check(byte[] b, int pos, int length) throws MalformedMessageException {
        int end = pos + length;
        while (pos < end) {
            // ASCII eight bytes at a time: the common case, about four times faster than byte by byte
            while (end - pos >= 8 && ((long) LONGS.get(b, pos) & 0x8080808080808080L) == 0) {
                pos += 8;
            }
            if (pos >= end) {
                break;
            }
            int c = b[pos++];
            if (c >= 0) {
                continue; // ASCII
            }
            c &= 0xff;
            int more;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                more = 1;
                min = 0x80;
                c &= 0x1f;
            } else if (c >= 0xe0 && c <= 0xef) {
                more = 2;
                min = 0x800;
                c &= 0x0f;
            } else if (c >= 0xf0 && c <= 0xf4) {
                more = 3;
                min = 0x10000;
                c &= 0x07;
            } else {
                throw new MalformedMessageException("string is not UTF-8");
            }
            if (more > end - pos) {
                throw new MalformedMessageException("string is not UTF-8");
            }
            for (int i = 0; i < more; i++) {
                int cc = b[pos++] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    throw new MalformedMessageException("string is not UTF-8");
                }
                c = (c << 6) | (cc & 0x3f);
            }
            if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
                throw new MalformedMessageException("string is not UTF-8");
            }
        }
    }
}
