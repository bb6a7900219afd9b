package io.postmaster.cluster;

import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.serialization.Serializer;
import io.postmaster.serialization.Serializers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What nodes send each other through Redis, encoded as a WAMP PUBLISH in MessagePack so that the router's own
 * hardened decoder reads it (bounded depth and sizes; bad input is a value, not a crash):
 * <ul>
 * <li>a relayed publication: {@code [PUBLISH, publication, {realm, details, filter}, topic, args, kwargs]};</li>
 * <li>a control message on the cluster's control channel: {@code [PUBLISH, node, {op, realm?, match?}, topic]},
 * with {@code op} one of {@code +} / {@code -} (a node's first subscription to a topic under a match policy was
 * created / its last one removed), {@code reset} (reload all of that node's interest), {@code down} (the node left
 * or is dead).</li>
 * <li>a meta request to another node's call inbox: {@code [PUBLISH, request, {realm, meta: op, from}, "-", args]},
 * and its answer to the asking node's: {@code [PUBLISH, request, {realm, answer: 1, from}, "-", results]}.</li>
 * </ul>
 */
final class RelayCodec {
    private static final Serializer MSGPACK = Serializers.bySubprotocol("wamp.2.msgpack").orElseThrow();
    /** The topic of control messages that name no topic. */
    static final String NO_TOPIC = "-";

    private RelayCodec() {
    }

    static byte[] publication(String realm, String topic, long publication, Map<String, Object> details,
                              List<Object> args, Map<String, Object> kwargs, Map<String, Object> filter) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("realm", realm);
        o.put("details", details);
        if (filter != null) {
            o.put("filter", filter);
        }
        return bytes(new Publish(publication, o, topic, args, kwargs));
    }

    static byte[] control(long node, String op, String realm, String match, String topic) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("op", op);
        if (realm != null) {
            o.put("realm", realm);
        }
        if (match != null) {
            o.put("match", match);
        }
        return bytes(new Publish(node, o, topic == null ? NO_TOPIC : topic, null, null));
    }

    static byte[] rpc(String realm, long from, long callee, WampMessage m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("realm", realm);
        o.put("rpc", (long) m.type().code());
        o.put("from", from);
        List<Object> args;
        Map<String, Object> kwargs;
        if (m instanceof WampMessage.Invocation i) {
            o.put("req", i.request());
            o.put("d", i.details());
            o.put("reg", i.registration());
            args = i.args();
            kwargs = i.kwargs();
        } else if (m instanceof WampMessage.Interrupt i) {
            o.put("req", i.request());
            o.put("d", i.options());
            args = null;
            kwargs = null;
        } else if (m instanceof WampMessage.Result r) {
            o.put("req", r.request());
            o.put("d", r.details());
            args = r.args();
            kwargs = r.kwargs();
        } else if (m instanceof WampMessage.Error e) {
            o.put("req", e.request());
            o.put("d", e.details());
            o.put("err", e.error());
            args = e.args();
            kwargs = e.kwargs();
        } else {
            throw new IllegalArgumentException("not a message of a call: " + m.type());
        }
        return bytes(new Publish(callee, o, NO_TOPIC, args, kwargs));
    }

    /** A meta request {@code op} of node {@code from} (see {@link MetaRequests}). */
    static byte[] metaRequest(String realm, long from, long request, String op, List<Object> args) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("realm", realm);
        o.put("meta", op);
        o.put("from", from);
        return bytes(new Publish(request, o, NO_TOPIC, args, null));
    }

    /** The answer of node {@code from} to meta request {@code request}. */
    static byte[] metaAnswer(String realm, long from, long request, List<Object> results) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("realm", realm);
        o.put("answer", 1L);
        o.put("from", from);
        return bytes(new Publish(request, o, NO_TOPIC, results, null));
    }

    /** A publication kept in Redis (a retained event, an event of a history), published at {@code time} (ms). */
    static byte[] stored(long publication, String topic, long time, Map<String, Object> details, List<Object> args,
                         Map<String, Object> kwargs, Map<String, Object> filter) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("t", time);
        o.put("details", details);
        if (filter != null) {
            o.put("filter", filter);
        }
        return bytes(new Publish(publication, o, topic, args, kwargs));
    }

    /** The message of a call carried by {@code p} ({@link #rpc}), or null if it is malformed. */
    @SuppressWarnings("unchecked")
    static WampMessage rpcMessage(Publish p) {
        Map<String, Object> o = p.options();
        if (!(o.get("rpc") instanceof Long type) || !(o.get("req") instanceof Long req)
                || !(o.get("d") instanceof Map<?, ?> d)) {
            return null;
        }
        Map<String, Object> details = (Map<String, Object>) d;
        io.postmaster.message.MessageType t = io.postmaster.message.MessageType.of(type);
        if (t == null) {
            return null;
        }
        return switch (t) {
            case INVOCATION -> o.get("reg") instanceof Long reg
                    ? new WampMessage.Invocation(req, reg, details, p.args(), p.kwargs()) : null;
            case INTERRUPT -> new WampMessage.Interrupt(req, details);
            case RESULT -> new WampMessage.Result(req, details, p.args(), p.kwargs());
            case ERROR -> o.get("err") instanceof String err
                    ? new WampMessage.Error(io.postmaster.message.MessageType.CALL.code(), req, details, err, p.args(),
                    p.kwargs()) : null;
            default -> null;
        };
    }

    /** A map (a session's details) on its own: read back as the options of {@link #decode}'s PUBLISH. */
    static byte[] details(Map<String, Object> details) {
        return bytes(new Publish(0, details, NO_TOPIC, null, null));
    }

    private static byte[] bytes(WampMessage m) {
        return ((Frame.Binary) MSGPACK.encode(m)).bytes();
    }

    /** The PUBLISH a node sent, or null if {@code data} is not one. */
    static Publish decode(byte[] data) {
        try {
            return MSGPACK.decode(data, 0, data.length) instanceof Publish p ? p : null;
        } catch (MalformedMessageException e) {
            return null;
        }
    }
}
