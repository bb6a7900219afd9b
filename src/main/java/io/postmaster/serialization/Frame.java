package io.postmaster.serialization;

/** One encoded WAMP message: the payload of exactly one WebSocket frame. Immutable; shareable between sessions. */
public sealed interface Frame {

    /** A text frame ({@code wamp.2.json}). */
    record Text(String text) implements Frame {
    }

    /** A binary frame ({@code wamp.2.msgpack}, {@code wamp.2.cbor}). The array is never changed after encoding. */
    record Binary(byte[] bytes) implements Frame {
    }
}
