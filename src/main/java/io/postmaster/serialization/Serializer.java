package io.postmaster.serialization;

import io.postmaster.message.WampMessage;

/**
 * Encodes and decodes WAMP messages for one WebSocket subprotocol. Implementations are stateless and thread-safe:
 * one instance serves every session.
 */
public interface Serializer {

    /** The WebSocket subprotocol this serializer speaks, e.g. {@code wamp.2.json}. */
    String subprotocol();

    /** Whether frames are binary WebSocket frames (otherwise text). */
    boolean binary();

    /** Decodes one text frame. */
    WampMessage decode(String text) throws MalformedMessageException;

    /** Decodes one binary frame. */
    WampMessage decode(byte[] data, int offset, int length) throws MalformedMessageException;

    /** Encodes one message into one frame. */
    Frame encode(WampMessage message);
}
