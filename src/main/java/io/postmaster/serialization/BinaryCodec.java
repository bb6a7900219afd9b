package io.postmaster.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.postmaster.message.WampMessage;

import java.io.IOException;

/**
 * A binary format ({@code wamp.2.msgpack}, {@code wamp.2.cbor}): binary WebSocket frames, native byte strings.
 *
 * <p>Every frame is first walked by the format's structural check ({@link #check}), which allocates nothing: it
 * verifies that each declared length and element count fits in the bytes that are actually there, that nesting
 * stays within {@link StreamingCodec#MAX_DEPTH}, that dict keys are strings, that strings are UTF-8 and that the
 * frame holds exactly one value. Only then does the Jackson parser run, so what the input merely claims (a 2 GB string in a 20-byte frame,
 * a billion-element array) is never allocated, whatever the parser library would do with it.
 */
abstract sealed class BinaryCodec extends StreamingCodec permits MsgpackSerializer, CborSerializer {

    /** Nesting levels a frame may open: the message array, then payloads up to {@link #MAX_DEPTH}. */
    static final int MAX_LEVELS = MAX_DEPTH + 1;

    /** The check's per-level state, reused per thread so that the check allocates nothing (not reentrant). */
    static final class Levels {
        final long[] left = new long[MAX_LEVELS + 2];
        final long[] seen = new long[MAX_LEVELS + 2];
        final int[] kind = new int[MAX_LEVELS + 2];
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static final ThreadLocal<Levels> LEVELS = ThreadLocal.withInitial(Levels::new);

    static Levels levels() {
        return LEVELS.get();
    }

    BinaryCodec(JsonFactory factory) {
        super(factory);
    }

    @Override
    public final boolean binary() {
        return true;
    }

    @Override
    public final WampMessage decode(String text) throws MalformedMessageException {
        throw new MalformedMessageException("text frame on " + subprotocol());
    }

    @Override
    public final WampMessage decode(byte[] data, int offset, int length) throws MalformedMessageException {
        if (data == null || offset < 0 || length <= 0 || offset + length > data.length) {
            throw new MalformedMessageException("empty frame");
        }
        check(data, offset, length);
        JsonParser p;
        try {
            p = factory.createParser(data, offset, length);
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException("undecodable " + subprotocol() + " message");
        }
        return decode(p);
    }

    /**
     * Refuses the {@code length} bytes at {@code pos} unless they are well-formed UTF-8 (RFC 3629: shortest form,
     * no surrogates, nothing beyond U+10FFFF). Parsers would otherwise decode bad input leniently (to U+FFFD or to
     * an unpaired surrogate), so a subscriber would receive something other than what was sent.
     */
    static void utf8(byte[] b, int pos, int length) throws MalformedMessageException {
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

    /** Verifies the frame's structure without allocating (see the class comment). */
    abstract void check(byte[] data, int offset, int length) throws MalformedMessageException;

    @Override
    protected final boolean integralFloatIds() {
        return true;
    }

    /** {@link #check} has verified that the frame holds exactly one value. */
    @Override
    protected final boolean atEnd(JsonParser p) {
        return true;
    }

    @Override
    public final Frame encode(WampMessage message) {
        ByteArrayBuilder out = new ByteArrayBuilder(factory._getBufferRecycler());
        try {
            write(factory.createGenerator(out), message);
            return new Frame.Binary(out.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            out.release();
        }
    }
}
