package io.postmaster.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.postmaster.serialization.JsonValues;
import io.postmaster.serialization.MalformedMessageException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The bridge's JSON: request bodies read into the same Java values a {@code wamp.2.json} message decodes to
 * ({@link JsonValues}); answers written from WAMP values (binary as the WAMP JSON convention writes it:
 * {@code "\u0000"} and Base64).
 */
final class BridgeJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private BridgeJson() {
    }

    /** Thrown for a body that is not a JSON object of WAMP values. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** The body as a JSON object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(byte[] body) throws Malformed {
        Object v;
        try {
            v = JsonValues.parse(body);
        } catch (MalformedMessageException e) {
            throw new Malformed("the body is not valid JSON (" + e.getMessage() + ")");
        }
        if (!(v instanceof Map<?, ?>)) {
            throw new Malformed("the body must be a JSON object");
        }
        return (Map<String, Object>) v;
    }

    /** A JSON object of WAMP values. */
    static byte[] write(Map<String, ?> object) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof byte[] b) {
            g.writeString('\u0000' + Base64.getEncoder().encodeToString(b));
        } else {
            g.writeObject(v); // null, strings, numbers, booleans: the generator writes them without a codec
        }
    }
}
