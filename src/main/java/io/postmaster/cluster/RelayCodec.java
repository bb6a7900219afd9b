package io.postmaster.cluster;

import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.serialization.Serializer;
import io.postmaster.serialization.Serializers;

import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

import java.io.IOException;
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
 * <li>a message of a call (INVOCATION, INTERRUPT, RESULT, ERROR) to another node's call inbox: not a PUBLISH but
 * a shape of its own, written and read without the WAMP codec ({@link #rpc});</li>
 * <li>a meta request to another node's call inbox: {@code [PUBLISH, request, {realm, meta: op, from}, "-", args]},
 * and its answer to the asking node's: {@code [PUBLISH, request, {realm, answer: 1, from}, "-", results]}.</li>
 * </ul>
 */
final class RelayCodec {
    private static final Serializer MSGPACK = Serializers.bySubprotocol("wamp.2.msgpack").orElseThrow();
    /** The first element of a message of a call ({@link #rpc}), which no WAMP message starts with. */
    private static final int CALL_MARK = 82;
    private static final int CALL_FIELDS = 10;
    /** A packer starts small (msgpack-core's default is 8 KiB) and grows with the message. */
    private static final MessagePack.PackerConfig SMALL = MessagePack.DEFAULT_PACKER_CONFIG.withBufferSize(256);
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

    /**
     * A message of a call for another node ({@link #callMessage} reads it): written with msgpack-core directly, not
     * through the WAMP codec, as it is the one message a call across nodes sends twice:
     * {@code [CALL_MARK, type, from, callee, request, realm, registration | error | nil, details, args, kwargs]}.
     */
    static byte[] rpc(String realm, long from, long callee, WampMessage m) {
        long request;
        Object extra = null;
        Map<String, Object> details;
        List<Object> args = null;
        Map<String, Object> kwargs = null;
        if (m instanceof WampMessage.Invocation i) {
            request = i.request();
            extra = i.registration();
            details = i.details();
            args = i.args();
            kwargs = i.kwargs();
        } else if (m instanceof WampMessage.Interrupt i) {
            request = i.request();
            details = i.options();
        } else if (m instanceof WampMessage.Result r) {
            request = r.request();
            details = r.details();
            args = r.args();
            kwargs = r.kwargs();
        } else if (m instanceof WampMessage.Error e) {
            request = e.request();
            extra = e.error();
            details = e.details();
            args = e.args();
            kwargs = e.kwargs();
        } else {
            throw new IllegalArgumentException("not a message of a call: " + m.type());
        }
        MessageBufferPacker out = SMALL.newBufferPacker();
        try {
            out.packArrayHeader(CALL_FIELDS);
            out.packInt(CALL_MARK);
            out.packInt(m.type().code());
            out.packLong(from);
            out.packLong(callee);
            out.packLong(request);
            out.packString(realm);
            if (extra instanceof Long reg) {
                out.packLong(reg);
            } else if (extra instanceof String error) {
                out.packString(error);
            } else {
                out.packNil();
            }
            PackedValues.writeMap(out, details == null ? Map.of() : details, 0);
            PackedValues.writeList(out, args, 0);
            PackedValues.writeMap(out, kwargs, 0);
            return out.toByteArray();
        } catch (IOException e) {
            // only a value the WAMP codecs cannot write either, which no client's message can hold
            throw new IllegalArgumentException("a " + m.type() + " cannot be sent to another node: " + e.getMessage(), e);
        }
    }

    /** Whether {@code data} is a message of a call ({@link #rpc}), by its first two bytes. */
    static boolean isCallMessage(byte[] data) {
        return data.length > 2 && data[0] == (byte) (0x90 | CALL_FIELDS) && data[1] == CALL_MARK;
    }

    /** A message of a call as another node sent it ({@link #rpc}). */
    record CallMessage(String realm, long from, long callee, WampMessage message) {
    }

    /** The message of a call in {@code data}, or null if it is malformed (see {@link PackedValues} for the bounds). */
    static CallMessage callMessage(byte[] data) {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(data)) {
            return PackedValues.guarded(() -> readCall(in, data.length));
        } catch (IOException e) {
            return null;
        }
    }

    private static CallMessage readCall(MessageUnpacker in, long size) throws IOException {
        if (in.unpackArrayHeader() != CALL_FIELDS || in.unpackInt() != CALL_MARK) {
            throw new IOException("not a message of a call");
        }
        io.postmaster.message.MessageType type = io.postmaster.message.MessageType.of(in.unpackInt());
        long from = in.unpackLong();
        long callee = in.unpackLong();
        long request = in.unpackLong();
        String realm = PackedValues.string(in, size);
        Object extra = PackedValues.read(in, size, 0);
        Map<String, Object> details = PackedValues.readMapOrNil(in, size);
        List<Object> args = PackedValues.readListOrNil(in, size);
        Map<String, Object> kwargs = PackedValues.readMapOrNil(in, size);
        if (in.hasNext() || details == null || type == null) {
            throw new IOException("malformed message of a call");
        }
        WampMessage m = switch (type) {
            case INVOCATION -> extra instanceof Long reg ? new WampMessage.Invocation(request, reg, details, args, kwargs)
                    : null;
            case INTERRUPT -> new WampMessage.Interrupt(request, details);
            case RESULT -> new WampMessage.Result(request, details, args, kwargs);
            case ERROR -> extra instanceof String err ? new WampMessage.Error(
                    io.postmaster.message.MessageType.CALL.code(), request, details, err, args, kwargs) : null;
            default -> null;
        };
        if (m == null) {
            throw new IOException("malformed message of a call");
        }
        return new CallMessage(realm, from, callee, m);
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
