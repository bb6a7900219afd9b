package io.postmaster.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain JSON text (not a WAMP message) read into the Java values a {@code wamp.2.json} message decodes to: integers
 * as {@link Long} (as {@link BigInteger} beyond), decimals as {@link Double}, objects as maps, arrays as lists —
 * the same on every server, whatever its JSON-B implementation would make of them. Nesting is bounded.
 */
public final class JsonValues {
    /** As deep as the serializers read. */
    public static final int MAX_DEPTH = 64;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1).build())
            .build();

    private JsonValues() {
    }

    /** One JSON value, and nothing after it. */
    public static Object parse(byte[] json) throws MalformedMessageException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return parse(p);
        } catch (IOException e) {
            throw new MalformedMessageException("not valid JSON");
        }
    }

    /** One JSON value, and nothing after it. */
    public static Object parse(String json) throws MalformedMessageException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return parse(p);
        } catch (IOException e) {
            throw new MalformedMessageException("not valid JSON");
        }
    }

    private static Object parse(JsonParser p) throws IOException, MalformedMessageException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new MalformedMessageException("no JSON value");
        }
        Object v = value(p, t, 0);
        if (p.nextToken() != null) {
            throw new MalformedMessageException("text after the JSON value");
        }
        return v;
    }

    private static Object value(JsonParser p, JsonToken t, int depth) throws IOException, MalformedMessageException {
        if (depth > MAX_DEPTH) {
            throw new MalformedMessageException("nesting deeper than " + MAX_DEPTH);
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
                    throw new MalformedMessageException("number beyond the range of a double");
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
                        throw new MalformedMessageException("truncated list");
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
                        throw new MalformedMessageException("truncated object");
                    }
                    map.put(key, value(p, v, depth + 1));
                }
                if (n != JsonToken.END_OBJECT) {
                    throw new MalformedMessageException("truncated object");
                }
                return map;
            }
            default:
                throw new MalformedMessageException("unexpected " + t);
        }
    }
}
