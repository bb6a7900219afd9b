package io.postmaster.serialization;

import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Abort;
import io.postmaster.message.WampMessage.Authenticate;
import io.postmaster.message.WampMessage.Call;
import io.postmaster.message.WampMessage.Cancel;
import io.postmaster.message.WampMessage.Challenge;
import io.postmaster.message.WampMessage.Error;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Goodbye;
import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Interrupt;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.message.WampMessage.Published;
import io.postmaster.message.WampMessage.Register;
import io.postmaster.message.WampMessage.Registered;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.message.WampMessage.Subscribe;
import io.postmaster.message.WampMessage.Subscribed;
import io.postmaster.message.WampMessage.Unregister;
import io.postmaster.message.WampMessage.Unregistered;
import io.postmaster.message.WampMessage.Unsubscribe;
import io.postmaster.message.WampMessage.Unsubscribed;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.message.WampMessage.Yield;
import io.postmaster.serialization.MsgpackValues.Reader;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePacker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * {@code wamp.2.msgpack}: binary frames in MessagePack, read and written with msgpack-core (the MessagePack project's
 * Java library) directly, with no token layer between: the WAMP layout of {@link StreamingCodec} (fields in wire
 * order, empty trailing payload elements omitted) on msgpack-core's packer and unpacker. Binary values are
 * MessagePack {@code bin}. Integers travel as MessagePack integers over the whole int64 and uint64 range; an
 * integer beyond it (possible only from a JSON or CBOR peer) has no MessagePack form and is sent as the nearest
 * float64.
 *
 * <p>A frame is decoded in one pass that checks as it reads ({@link MsgpackValues.Reader}): lengths and element
 * counts beyond the bytes the frame holds, non-string map keys, extension types (WAMP defines none; msgpackr's
 * {@code d4 00 00} for JavaScript's undefined is read as nil), the never-used byte {@code 0xc1}, {@code str} that is
 * not well-formed UTF-8, NaN and infinity, nesting deeper than {@link StreamingCodec#MAX_DEPTH} and trailing data
 * are refused, and nothing the frame merely claims is allocated.
 */
public final class MsgpackSerializer implements BinaryCodec {

    public static final String SUBPROTOCOL = "wamp.2.msgpack";

    private static final String URI = "expected a URI string";
    private static final String DICT = "expected a dict";

    MsgpackSerializer() {
    }

    @Override
    public String subprotocol() {
        return SUBPROTOCOL;
    }

    // ------------------------------------------------------------------------------------------------ decoding

    @Override
    public WampMessage decode(byte[] data, int offset, int length) throws MalformedMessageException {
        BinaryCodec.frame(data, offset, length);
        try {
            Reader r = new Reader(data, offset, length);
            WampMessage m = read(r);
            if (!r.atEnd()) {
                throw new MalformedMessageException("trailing data after the message");
            }
            return m;
        } catch (RuntimeException e) {
            // the reader turns msgpack-core's own exceptions into MalformedMessageException: this is only a safety net
            throw new MalformedMessageException("undecodable " + SUBPROTOCOL + " message");
        }
    }

    private static WampMessage read(Reader r) throws MalformedMessageException {
        int n = r.arrayHeader("a WAMP message must be an array");
        if (n == 0) {
            throw new MalformedMessageException("a WAMP message must start with its type code");
        }
        long code = r.integer("a WAMP message must start with its type code");
        MessageType type = MessageType.of(code);
        if (type == null) {
            throw new MalformedMessageException("unknown message type " + code);
        }
        int fields = n - 1;
        return switch (type) {
            case HELLO -> {
                fields(type, fields, 2, 2);
                yield new Hello(r.string(URI), r.dict(DICT));
            }
            case WELCOME -> {
                fields(type, fields, 2, 2);
                yield new Welcome(r.id(), r.dict(DICT));
            }
            case ABORT -> {
                fields(type, fields, 2, 2);
                yield new Abort(r.dict(DICT), r.string(URI));
            }
            case CHALLENGE -> {
                fields(type, fields, 2, 2);
                yield new Challenge(r.string("expected a string"), r.dict(DICT));
            }
            case AUTHENTICATE -> {
                fields(type, fields, 2, 2);
                yield new Authenticate(r.string("expected a string"), r.dict(DICT));
            }
            case GOODBYE -> {
                fields(type, fields, 2, 2);
                yield new Goodbye(r.dict(DICT), r.string(URI));
            }
            case ERROR -> {
                int extra = fields(type, fields, 4, 6) - 4;
                long requestType = r.id();
                long request = r.id();
                Map<String, Object> details = r.dict(DICT);
                String error = r.string(URI);
                yield new Error((int) Math.min(requestType, Integer.MAX_VALUE), request, details, error,
                        args(r, extra), kwargs(r, extra));
            }
            case PUBLISH -> {
                int extra = fields(type, fields, 3, 5) - 3;
                long request = r.id();
                Map<String, Object> options = r.dict(DICT);
                String topic = r.string(URI);
                yield new Publish(request, options, topic, args(r, extra), kwargs(r, extra));
            }
            case PUBLISHED -> {
                fields(type, fields, 2, 2);
                yield new Published(r.id(), r.id());
            }
            case SUBSCRIBE -> {
                fields(type, fields, 3, 3);
                yield new Subscribe(r.id(), r.dict(DICT), r.string(URI));
            }
            case SUBSCRIBED -> {
                fields(type, fields, 2, 2);
                yield new Subscribed(r.id(), r.id());
            }
            case UNSUBSCRIBE -> {
                fields(type, fields, 2, 2);
                yield new Unsubscribe(r.id(), r.id());
            }
            case UNSUBSCRIBED -> {
                boolean details = fields(type, fields, 1, 2) == 2;
                yield new Unsubscribed(r.id(), details ? r.dict(DICT) : null);
            }
            case EVENT -> {
                int extra = fields(type, fields, 3, 5) - 3;
                long subscription = r.id();
                long publication = r.id();
                Map<String, Object> details = r.dict(DICT);
                yield new Event(subscription, publication, details, args(r, extra), kwargs(r, extra));
            }
            case CALL -> {
                int extra = fields(type, fields, 3, 5) - 3;
                long request = r.id();
                Map<String, Object> options = r.dict(DICT);
                String procedure = r.string(URI);
                yield new Call(request, options, procedure, args(r, extra), kwargs(r, extra));
            }
            case CANCEL -> {
                fields(type, fields, 2, 2);
                yield new Cancel(r.id(), r.dict(DICT));
            }
            case RESULT -> {
                int extra = fields(type, fields, 2, 4) - 2;
                long request = r.id();
                Map<String, Object> details = r.dict(DICT);
                yield new Result(request, details, args(r, extra), kwargs(r, extra));
            }
            case REGISTER -> {
                fields(type, fields, 3, 3);
                yield new Register(r.id(), r.dict(DICT), r.string(URI));
            }
            case REGISTERED -> {
                fields(type, fields, 2, 2);
                yield new Registered(r.id(), r.id());
            }
            case UNREGISTER -> {
                fields(type, fields, 2, 2);
                yield new Unregister(r.id(), r.id());
            }
            case UNREGISTERED -> {
                boolean details = fields(type, fields, 1, 2) == 2;
                yield new Unregistered(r.id(), details ? r.dict(DICT) : null);
            }
            case INVOCATION -> {
                int extra = fields(type, fields, 3, 5) - 3;
                long request = r.id();
                long registration = r.id();
                Map<String, Object> details = r.dict(DICT);
                yield new Invocation(request, registration, details, args(r, extra), kwargs(r, extra));
            }
            case INTERRUPT -> {
                fields(type, fields, 2, 2);
                yield new Interrupt(r.id(), r.dict(DICT));
            }
            case YIELD -> {
                int extra = fields(type, fields, 2, 4) - 2;
                long request = r.id();
                Map<String, Object> options = r.dict(DICT);
                yield new Yield(request, options, args(r, extra), kwargs(r, extra));
            }
        };
    }

    /** {@code fields} (the elements after the type code), if a {@code type} may have that many. */
    private static int fields(MessageType type, int fields, int min, int max) throws MalformedMessageException {
        if (fields < min) {
            throw new MalformedMessageException("too few elements in " + type);
        }
        if (fields > max) {
            throw new MalformedMessageException("too many elements in " + type);
        }
        return fields;
    }

    /** {@code Arguments|list}, if the message has {@code extra} (1 or 2) elements after its fixed ones. */
    private static List<Object> args(Reader r, int extra) throws MalformedMessageException {
        return extra >= 1 ? r.list("Arguments must be a list") : null;
    }

    /** {@code ArgumentsKw|dict}, if the message has both trailing payload elements. */
    private static Map<String, Object> kwargs(Reader r, int extra) throws MalformedMessageException {
        return extra == 2 ? r.dict("ArgumentsKw must be a dict") : null;
    }

    // ------------------------------------------------------------------------------------------------ encoding

    @Override
    public Frame encode(WampMessage message) {
        MessageBufferPacker out = MsgpackValues.PACKER.newBufferPacker();
        try {
            write(out, message);
            return new Frame.Binary(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into memory: only a router bug gets here
        }
    }

    private static void write(MessagePacker g, WampMessage m) throws IOException {
        g.packArrayHeader(StreamingCodec.elements(m));
        g.packInt(m.type().code());
        switch (m.type()) {
            case HELLO -> { Hello h = (Hello) m; g.packString(h.realm()); map(g, h.details()); }
            case WELCOME -> { Welcome w = (Welcome) m; g.packLong(w.session()); map(g, w.details()); }
            case ABORT -> { Abort a = (Abort) m; map(g, a.details()); g.packString(a.reason()); }
            case CHALLENGE -> { Challenge c = (Challenge) m; g.packString(c.authMethod()); map(g, c.extra()); }
            case AUTHENTICATE -> { Authenticate a = (Authenticate) m; g.packString(a.signature()); map(g, a.extra()); }
            case GOODBYE -> { Goodbye b = (Goodbye) m; map(g, b.details()); g.packString(b.reason()); }
            case ERROR -> {
                Error e = (Error) m;
                g.packInt(e.requestType());
                g.packLong(e.request());
                map(g, e.details());
                g.packString(e.error());
                payload(g, e.args(), e.kwargs());
            }
            case PUBLISH -> {
                Publish x = (Publish) m;
                g.packLong(x.request());
                map(g, x.options());
                g.packString(x.topic());
                payload(g, x.args(), x.kwargs());
            }
            case PUBLISHED -> { Published x = (Published) m; g.packLong(x.request()); g.packLong(x.publication()); }
            case SUBSCRIBE -> { Subscribe x = (Subscribe) m; g.packLong(x.request()); map(g, x.options()); g.packString(x.topic()); }
            case SUBSCRIBED -> { Subscribed x = (Subscribed) m; g.packLong(x.request()); g.packLong(x.subscription()); }
            case UNSUBSCRIBE -> { Unsubscribe x = (Unsubscribe) m; g.packLong(x.request()); g.packLong(x.subscription()); }
            case UNSUBSCRIBED -> {
                Unsubscribed x = (Unsubscribed) m;
                g.packLong(x.request());
                if (x.details() != null && !x.details().isEmpty()) {
                    map(g, x.details());
                }
            }
            case EVENT -> {
                Event x = (Event) m;
                g.packLong(x.subscription());
                g.packLong(x.publication());
                map(g, x.details());
                payload(g, x.args(), x.kwargs());
            }
            case CALL -> {
                Call x = (Call) m;
                g.packLong(x.request());
                map(g, x.options());
                g.packString(x.procedure());
                payload(g, x.args(), x.kwargs());
            }
            case CANCEL -> { Cancel x = (Cancel) m; g.packLong(x.request()); map(g, x.options()); }
            case RESULT -> {
                Result x = (Result) m;
                g.packLong(x.request());
                map(g, x.details());
                payload(g, x.args(), x.kwargs());
            }
            case REGISTER -> { Register x = (Register) m; g.packLong(x.request()); map(g, x.options()); g.packString(x.procedure()); }
            case REGISTERED -> { Registered x = (Registered) m; g.packLong(x.request()); g.packLong(x.registration()); }
            case UNREGISTER -> { Unregister x = (Unregister) m; g.packLong(x.request()); g.packLong(x.registration()); }
            case UNREGISTERED -> {
                Unregistered x = (Unregistered) m;
                g.packLong(x.request());
                if (x.details() != null && !x.details().isEmpty()) {
                    map(g, x.details());
                }
            }
            case INVOCATION -> {
                Invocation x = (Invocation) m;
                g.packLong(x.request());
                g.packLong(x.registration());
                map(g, x.details());
                payload(g, x.args(), x.kwargs());
            }
            case INTERRUPT -> { Interrupt x = (Interrupt) m; g.packLong(x.request()); map(g, x.options()); }
            case YIELD -> {
                Yield x = (Yield) m;
                g.packLong(x.request());
                map(g, x.options());
                payload(g, x.args(), x.kwargs());
            }
        }
    }

    private static void map(MessagePacker g, Map<String, Object> map) throws IOException {
        MsgpackValues.writeMap(g, map);
    }

    /** The optional {@code Arguments|list, ArgumentsKw|dict} tail, as {@link StreamingCodec#elements} counts it. */
    private static void payload(MessagePacker g, List<Object> args, Map<String, Object> kwargs) throws IOException {
        boolean hasKwargs = kwargs != null && !kwargs.isEmpty();
        if (hasKwargs || (args != null && !args.isEmpty())) {
            MsgpackValues.writeList(g, args == null ? List.of() : args);
        }
        if (hasKwargs) {
            MsgpackValues.writeMap(g, kwargs);
        }
    }
}
