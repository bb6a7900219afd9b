package io.postmaster.webrocket;

import io.postmaster.adapter.JsonValues;

import java.util.Map;

/**
 * One webrocket operation, parsed from a frame: a JSON object dispatched on its first key (in document order; the
 * seed's Go map made that random when there were several).
 */
sealed interface Op {
    String READ_ONLY = "read-only";
    String READ_WRITE = "read-write";

    /** {@code {"auth": {"access": "read-only"|"read-write", "secret": "…"}}} */
    record Auth(String access, String secret) implements Op { }

    /** {@code {"subscribe": {"channel": "…"}}} */
    record Subscribe(String channel) implements Op { }

    /** {@code {"unsubscribe": {"channel": "…"}}} */
    record Unsubscribe(String channel) implements Op { }

    /** {@code {"publish": {"event": …, "channel": "…", "data": …}}} */
    record Publish(Object event, String channel, Object data) implements Op { }

    /** {@code {"logout": true}} */
    record Logout() implements Op { }

    /** {@code {"disconnect": true}} */
    record Disconnect() implements Op { }

    /** A frame that is no operation: answered {@code {"err": code}}. */
    record Invalid(String code, String why) implements Op { }

    /** Parses a text frame. Never throws: bad input is an {@link Invalid}. */
    static Op parse(String text) {
        Object v;
        try {
            v = JsonValues.parse(text);
        } catch (JsonValues.Malformed e) {
            return new Invalid(Replies.INVALID_DATA, e.getMessage());
        }
        if (!(v instanceof Map<?, ?> m) || m.isEmpty()) {
            return new Invalid(Replies.INVALID_DATA, "not a JSON object with an operation");
        }
        Map.Entry<?, ?> first = m.entrySet().iterator().next();
        String op = (String) first.getKey();
        Object arg = first.getValue();
        if (!(arg instanceof Map<?, ?>) && !(arg instanceof Boolean)) {
            return new Invalid(Replies.INVALID_DATA, op + ": its value must be an object or a boolean");
        }
        Map<?, ?> a = arg instanceof Map<?, ?> map ? map : Map.of();
        return switch (op) {
            case "auth" -> a.get("access") instanceof String access && a.get("secret") instanceof String secret
                    ? new Auth(access, secret) : new Invalid(Replies.INVALID_DATA, "auth needs access and secret");
            case "subscribe" -> a.get("channel") instanceof String c ? new Subscribe(c)
                    : new Invalid(Replies.INVALID_DATA, "subscribe needs a channel");
            case "unsubscribe" -> a.get("channel") instanceof String c ? new Unsubscribe(c)
                    : new Invalid(Replies.INVALID_DATA, "unsubscribe needs a channel");
            case "publish" -> a.get("channel") instanceof String c && a.containsKey("event")
                    ? new Publish(a.get("event"), c, a.get("data"))
                    : new Invalid(Replies.INVALID_DATA, "publish needs an event and a channel");
            case "logout" -> new Logout();
            case "disconnect" -> new Disconnect();
            default -> new Invalid(Replies.INVALID_DATA, "unknown operation");
        };
    }
}
