package io.postmaster.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The load client's binary serializers: a JSON text message converted token by token to {@code wamp.2.msgpack} or
 * {@code wamp.2.cbor} and back, with Jackson's streaming codecs (the ones the router uses), so every scenario is
 * written once, in JSON.
 */
final class Codec {
    private static final JsonFactory JSON = new JsonFactory();
    private static final JsonFactory MSGPACK = new MessagePackFactory();
    private static final JsonFactory CBOR = new CBORFactory();

    private Codec() {
    }

    /** Throws unless {@code serializer} is json, msgpack or cbor. */
    static void check(String serializer) {
        if (!"json".equals(serializer)) {
            factory(serializer);
        }
    }

    /** The JSON text {@code json} in the binary {@code serializer}. */
    static byte[] encode(String serializer, String json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length() + 16);
        try (JsonParser p = JSON.createParser(json); JsonGenerator g = factory(serializer).createGenerator(out)) {
            copy(p, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The binary message {@code data} in {@code serializer}, as JSON text. */
    static String decode(String serializer, ByteBuffer data) {
        byte[] b;
        int off;
        int len = data.remaining();
        if (data.hasArray()) {
            b = data.array();
            off = data.arrayOffset() + data.position();
        } else {
            b = new byte[len];
            data.get(b);
            off = 0;
        }
        StringWriter out = new StringWriter(len + 16);
        try (JsonParser p = factory(serializer).createParser(b, off, len); JsonGenerator g = JSON.createGenerator(out)) {
            copy(p, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Every token of {@code p} to {@code g}. Not {@code copyCurrentStructure}: msgpack-java's generator misreads
     * the character arrays it passes on (an offset into a larger buffer), so strings are copied as strings.
     */
    private static void copy(JsonParser p, JsonGenerator g) throws IOException {
        int depth = 0;
        do { // to the end of the message's one array (msgpack-java's parser throws past it instead of ending)
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("message ends early");
            }
            switch (t) {
                case START_ARRAY -> {
                    g.writeStartArray();
                    depth++;
                }
                case END_ARRAY -> {
                    g.writeEndArray();
                    depth--;
                }
                case START_OBJECT -> {
                    g.writeStartObject();
                    depth++;
                }
                case END_OBJECT -> {
                    g.writeEndObject();
                    depth--;
                }
                case FIELD_NAME -> g.writeFieldName(p.getCurrentName());
                case VALUE_STRING -> g.writeString(p.getText());
                case VALUE_NUMBER_INT -> g.writeNumber(p.getLongValue());
                case VALUE_NUMBER_FLOAT -> g.writeNumber(p.getDoubleValue());
                case VALUE_TRUE -> g.writeBoolean(true);
                case VALUE_FALSE -> g.writeBoolean(false);
                case VALUE_NULL -> g.writeNull();
                case VALUE_EMBEDDED_OBJECT -> g.writeString(String.valueOf(p.getEmbeddedObject()));
                default -> throw new IOException("unexpected token " + t);
            }
        } while (depth > 0);
    }

    private static JsonFactory factory(String serializer) {
        return switch (serializer) {
            case "msgpack" -> MSGPACK;
            case "cbor" -> CBOR;
            default -> throw new IllegalArgumentException("unknown serializer " + serializer + " (json, msgpack or cbor)");
        };
    }
}
