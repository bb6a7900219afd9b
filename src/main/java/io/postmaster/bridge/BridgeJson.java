package io.postmaster.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bridge's JSON: request bodies read into the same Java values a {@code wamp.2.json} message decodes to
 * (integers as {@link Long}, decimals as {@link Double}), nesting bounded; answers written from WAMP values (binary
 * as the WAMP JSON convention writes it: {@code "\u0000"} and Base64).
 */
final class BridgeJson {
    static final int MAX_DEPTH = 64;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1).build())
            .build();

    private BridgeJson() {
    }

    /** Thrown for a body that is not a JSON object of WAMP values. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** The body as a JSON object. */
    static Map<String, Object> parse(byte[] body) throws Malformed {
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new Malformed("the body must be a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) value(p, t, 0);
            if (p.nextToken() != null) {
                throw new Malformed("text after the JSON object");
            }
            return out;
        } catch (IOException e) {
            throw new Malformed("the body is not valid JSON");
        }
    }

    private static Object value(JsonParser p, JsonToken t, int depth) throws IOException, Malformed {
        if (depth > MAX_DEPTH) {
            throw new Malformed("nesting deeper than " + MAX_DEPTH);
        }
        switch (t) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    BigInteger b = p.getBigIntegerValue();
                    return b.bitLength() < 64 ? (Object) b.longValue() : b;
                }
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT: {
                double d = p.getDoubleValue();
                if (!Double.isFinite(d)) {
                    throw new Malformed("number beyond the range of a double");
                }
                return d;
            }
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (n == null) {
                        throw new Malformed("truncated list");
                    }
                    list.add(value(p, n, depth + 1));
                }
                return list;
            }
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                JsonToken n;
                while ((n = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonToken v = p.nextToken();
                    if (v == null) {
                        throw new Malformed("truncated object");
                    }
                    map.put(key, value(p, v, depth + 1));
                }
                if (n != JsonToken.END_OBJECT) {
                    throw new Malformed("truncated object");
                }
                return map;
            }
            default:
                throw new Malformed("unexpected " + t);
        }
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
