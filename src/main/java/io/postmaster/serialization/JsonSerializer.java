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
import java.util.concurrent.atomic.AtomicReferenceArray;

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

    /**
     * Encodes to the UTF-8 octets of the JSON text, with a generator kept from an earlier message: a generator and its
     * buffers cost more than most messages. What is kept is bounded ({@link Utf8Out#POOL} generators, each let go
     * after a message longer than {@link Utf8Out#KEPT}); a generator that failed is dropped. Kept by this serializer,
     * not by the threads, so that nothing of the application stays on a server's threads once it is undeployed.
     */
    public byte[] encodeToUtf8(WampMessage message) {
        Utf8Out out = utf8Out.take(factory);
        try {
            writeMessage(out.generator, message);
            out.generator.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e); // an in-memory target: never; the generator is not given back
        }
        byte[] bytes = out.bytes.toByteArray();
        if (bytes.length <= Utf8Out.KEPT) {
            out.bytes.reset();
            utf8Out.giveBack(out);
        } // else the builder grew with the message: let go
        return bytes;
    }

    private final Utf8Out.Pool utf8Out = new Utf8Out.Pool();

    /** A UTF-8 generator and the octets it has written since the last message was taken. */
    private static final class Utf8Out {
        /** After a message longer than this, a generator is let go rather than kept with its buffer. */
        static final int KEPT = 64 * 1024;
        /** How many generators are kept at most: more than the threads that encode at once, typically. */
        static final int POOL = 8;

        final ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        final JsonGenerator generator;

        Utf8Out(JsonFactory factory) {
            try {
                generator = factory.createGenerator(bytes, JsonEncoding.UTF8);
                generator.setRootValueSeparator(null); // nothing between one message and the next
            } catch (IOException e) { // an in-memory target: never
                throw new IllegalStateException(e);
            }
        }

        /** Generators not in use, in slots that threads try from a place of their own first. */
        static final class Pool {
            private final AtomicReferenceArray<Utf8Out> slots = new AtomicReferenceArray<>(POOL);

            Utf8Out take(JsonFactory factory) {
                int start = (int) Thread.currentThread().getId();
                for (int i = 0; i < POOL; i++) {
                    Utf8Out o = slots.getAndSet((start + i) & (POOL - 1), null);
                    if (o != null) {
                        return o;
                    }
                }
                return new Utf8Out(factory);
            }

            void giveBack(Utf8Out o) {
                int start = (int) Thread.currentThread().getId();
                for (int i = 0; i < POOL; i++) {
                    if (slots.compareAndSet((start + i) & (POOL - 1), null, o)) {
                        return;
                    }
                }
            }
        }
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
