package io.postmaster.serialization;

import io.postmaster.message.WampMessage;

/**
 * A binary format ({@code wamp.2.msgpack}, {@code wamp.2.cbor}): binary WebSocket frames, native byte strings.
 *
 * <p>Every decoder of a binary format keeps one guarantee: what the input merely claims (a 2 GB string in a 20-byte
 * frame, a billion-element array) is never allocated, whatever the library beneath would do with it. Each declared
 * length and element count is checked against the bytes the frame actually holds before anything is allocated for
 * it, nesting stays within {@link StreamingCodec#MAX_DEPTH}, dict keys are strings, strings are UTF-8
 * ({@link #utf8}) and the frame holds exactly one value. MessagePack does this while it decodes
 * ({@link MsgpackSerializer}), CBOR in a walk of the frame before its parser runs ({@link CborSerializer}).
 */
sealed interface BinaryCodec extends Serializer permits MsgpackSerializer, CborSerializer {

    @Override
    default boolean binary() {
        return true;
    }

    @Override
    default WampMessage decode(String text) throws MalformedMessageException {
        throw new MalformedMessageException("text frame on " + subprotocol());
    }

    /** Refuses an empty frame, or bounds outside {@code data}. */
    static void frame(byte[] data, int offset, int length) throws MalformedMessageException {
        if (data == null || offset < 0 || length <= 0 || length > data.length - offset) {
            throw new MalformedMessageException("empty frame");
        }
    }

    /**
     * Refuses the {@code length} bytes at {@code pos} unless they are well-formed UTF-8 (RFC 3629: shortest form,
     * no surrogates, nothing beyond U+10FFFF). Parsers would otherwise decode bad input leniently (to U+FFFD or to
     * an unpaired surrogate), so a subscriber would receive something other than what was sent.
     */
    static void utf8(byte[] b, int pos, int length) throws MalformedMessageException {
        Utf8.check(b, pos, length);
    }
}
