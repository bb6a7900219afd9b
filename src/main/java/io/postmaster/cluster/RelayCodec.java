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
