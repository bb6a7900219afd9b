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
 * stays within {@link StreamingCodec#MAX_DEPTH}, that dict keys are strings and that the frame holds exactly one
 * value. Only then does the Jackson parser run, so what the input merely claims (a 2 GB string in a 20-byte frame,
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
