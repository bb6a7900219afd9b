package io.postmaster.v1;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** v1 frames: JSON arrays, read into plain values (as the v2 codecs read them) and written from them. */
final class V1Json {
    private static final JsonFactory JSON = new JsonFactory();
    /** How deeply a v1 frame may nest, as for v2 frames. */
    static final int MAX_DEPTH = 64;

    private V1Json() {
    }

    /** A frame that is not a JSON array of plain values. */
    static final class Malformed extends Exception {
        Malformed(String why) {
            super(why, null, false, false);
        }
    }

    /** The elements of a v1 frame. */
    static List<Object> read(String text) throws Malformed {
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new Malformed("a v1 message is a JSON array");
            }
            List<Object> out = readArray(p, 1);
            if (p.nextToken() != null) {
                throw new Malformed("trailing data after the message");
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new Malformed("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Malformed("unreadable: " + e.getMessage());
        }
    }

    private static Object readValue(JsonParser p, JsonToken t, int depth) throws IOException, Malformed {
        return switch (t) {
            case VALUE_STRING -> text(p.getText());
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? (p.getBigIntegerValue().bitLength() < 64 ? (Object) p.getBigIntegerValue().longValue()
                    : finite(p.getBigIntegerValue())) : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> {
                double d = p.getDoubleValue();
                if (!Double.isFinite(d)) {
                    throw new Malformed("number beyond the range of a double");
                }
                yield d;
            }
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case START_ARRAY -> readArray(p, depth + 1);
            case START_OBJECT -> readObject(p, depth + 1);
            default -> throw new Malformed("unexpected token " + t);
        };
    }

    private static BigInteger finite(BigInteger b) throws Malformed {
        if (Double.isInfinite(b.doubleValue())) {
            throw new Malformed("integer beyond the range of a double");
        }
        return b;
    }

    private static List<Object> readArray(JsonParser p, int depth) throws IOException, Malformed {
        if (depth > MAX_DEPTH) {
            throw new Malformed("nesting deeper than " + MAX_DEPTH);
        }
        List<Object> list = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new Malformed("truncated list");
            }
            list.add(readValue(p, t, depth));
        }
        return list;
    }

    private static Map<String, Object> readObject(JsonParser p, int depth) throws IOException, Malformed {
        if (depth > MAX_DEPTH) {
            throw new Malformed("nesting deeper than " + MAX_DEPTH);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
            if (t != JsonToken.FIELD_NAME) {
                throw new Malformed("truncated dict");
            }
            String key = text(p.currentName());
            JsonToken v = p.nextToken();
            if (v == null) {
                throw new Malformed("truncated dict");
            }
            map.put(key, readValue(p, v, depth));
        }
        return map;
    }

    /** A string, if it is well-formed Unicode (a lone surrogate could not reach a v2 client unchanged). */
    private static String text(String s) throws Malformed {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new Malformed("unpaired surrogate in a string");
            }
        }
        return s;
    }

    /** A v1 frame of these elements. */
    static String write(Object... elements) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartArray();
            for (Object e : elements) {
                writeValue(g, e);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** A JSON text of one value (the WAMP-CRA challenge). */
    static String value(Object v) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            writeValue(g, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            g.writeNumber(((Number) v).doubleValue());
        } else if (v instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (v instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof byte[] b) {
            g.writeString("\u0000" + Base64.getEncoder().encodeToString(b)); // WAMP's JSON convention for binary
        } else {
            throw new IllegalArgumentException("no JSON representation for " + v.getClass().getName());
        }
    }
}
