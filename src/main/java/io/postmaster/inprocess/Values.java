package io.postmaster.inprocess;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Turns application values into the plain WAMP values every serializer writes and every subscriber receives alike
 * — the same Java types a JSON client's message decodes to (integers as {@link Long}, decimals as {@link Double}) —
 * in a copy, so the application may change its own objects after publishing while the router still delivers them.
 */
final class Values {
    /** As deep as the serializers read: a deeper value could not reach a WebSocket subscriber. */
    static final int MAX_DEPTH = 64;

    private final UnaryOperator<Object> convert;

    /** @param convert turns any other object (a record, a bean) into plain values, or null to refuse them */
    Values(UnaryOperator<Object> convert) {
        this.convert = convert;
    }

    List<Object> list(List<?> values) {
        return values == null || values.isEmpty() ? null : (List<Object>) copy(values, 0);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(Map<String, ?> values) {
        return values == null || values.isEmpty() ? null : (Map<String, Object>) copy(values, 0);
    }

    private Object copy(Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("a value nests deeper than " + MAX_DEPTH);
        }
        if (v == null || v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean
                || v instanceof BigInteger) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException notAnInteger) {
                return d.doubleValue();
            }
        }
        if (v instanceof byte[] b) {
            return b.clone();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new IllegalArgumentException("a map's keys must be strings, got " + e.getKey());
                }
                out.put(k, copy(e.getValue(), depth + 1));
            }
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof List<?> || v instanceof Object[]) {
            List<?> l = v instanceof List<?> list ? list : java.util.Arrays.asList((Object[]) v);
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(copy(o, depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        if (convert == null) {
            throw new IllegalArgumentException("no WAMP value for a " + v.getClass().getName());
        }
        Object plain = convert.apply(v);
        if (plain != null && plain.getClass() == v.getClass()) {
            throw new IllegalArgumentException("no WAMP value for a " + v.getClass().getName());
        }
        return copy(plain, depth + 1);
    }
}
