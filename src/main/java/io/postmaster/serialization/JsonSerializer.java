package io.postmaster.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.postmaster.message.WampMessage;

import java.io.IOException;
import java.util.Base64;

/**
 * {@code wamp.2.json}: text frames. Binary values follow the spec's convention: a string whose first character is
 * {@code \u0000} carries the Base64 of the bytes in the rest of the string.
 */
public final class JsonSerializer extends StreamingCodec {

    public static final String SUBPROTOCOL = "wamp.2.json";

    /** Whether frames are UTF-8 bytes (RawSocket, which carries only octets) instead of text (WebSocket). */
    private final boolean utf8Frames;

    /** JSON in WebSocket text frames. */
    public JsonSerializer() {
        this(false);
    }

    /**
     * JSON whose frames are its UTF-8 octets ({@link Frame.Binary}), for transports without text frames (RawSocket).
     * A separate instance from the WebSocket one, so that {@link Outgoing} caches each form once.
     */
    public static JsonSerializer utf8Frames() {
        return new JsonSerializer(true);
    }

    private JsonSerializer(boolean utf8Frames) {
        super(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH + 4)
                        .build())
                // as UTF-8, a character beyond U+FFFF is written as its 4 octets, not as two escaped surrogates
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .build());
        this.utf8Frames = utf8Frames;
    }

    @Override
    public String subprotocol() {
        return SUBPROTOCOL;
    }

    @Override
    public boolean binary() {
        return utf8Frames;
    }

    @Override
    public WampMessage decode(String text) throws MalformedMessageException {
        try {
            return decode(factory.createParser(text));
        } catch (IOException e) {
            throw new MalformedMessageException("undecodable JSON");
        }
    }

    @Override
    public WampMessage decode(byte[] data, int offset, int length) throws MalformedMessageException {
        try {
            return decode(factory.createParser(data, offset, length));
        } catch (IOException e) {
            throw new MalformedMessageException("undecodable JSON");
        }
    }

    @Override
    public Frame encode(WampMessage message) {
        return utf8Frames ? new Frame.Binary(encodeToUtf8(message)) : new Frame.Text(encodeToString(message));
    }

    /** Encodes to the UTF-8 octets of the JSON text. */
    public byte[] encodeToUtf8(WampMessage message) {
        ByteArrayBuilder out = new ByteArrayBuilder(factory._getBufferRecycler());
        try {
            write(factory.createGenerator(out, JsonEncoding.UTF8), message);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] bytes = out.toByteArray();
        out.release();
        return bytes;
    }

    /** Encodes to a JSON string. */
    public String encodeToString(WampMessage message) {
        SegmentedStringWriter w = new SegmentedStringWriter(factory._getBufferRecycler());
        try {
            write(factory.createGenerator(w), message);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            return w.getAndClear();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Object readString(JsonParser p) throws IOException, MalformedMessageException {
        String s = text(p.getText());
        if (!s.isEmpty() && s.charAt(0) == '\u0000') {
            try {
                return Base64.getDecoder().decode(s.substring(1));
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException("binary string is not valid Base64");
            }
        }
        return s;
    }

    @Override
    protected void writeBytes(JsonGenerator g, byte[] bytes) throws IOException {
        g.writeString('\u0000' + Base64.getEncoder().encodeToString(bytes));
    }
}
