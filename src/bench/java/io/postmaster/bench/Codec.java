package io.postmaster.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
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
            p.nextToken();
            g.copyCurrentStructure(p);
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
            p.nextToken();
            g.copyCurrentStructure(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static JsonFactory factory(String serializer) {
        return switch (serializer) {
            case "msgpack" -> MSGPACK;
            case "cbor" -> CBOR;
            default -> throw new IllegalArgumentException("unknown serializer " + serializer + " (json, msgpack or cbor)");
        };
    }
}
