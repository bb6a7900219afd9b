package io.postmaster.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The WAMP message layout, written once against Jackson's streaming API and shared by the formats parsed with
 * Jackson (JSON, CBOR); MessagePack follows the same layout on msgpack-core ({@link MsgpackSerializer}).
 *
 * <p>Decoding reads tokens straight into records: a message is an array whose first element is the type code,
 * followed by that type's fields in wire order; trailing {@code Arguments|list} and {@code ArgumentsKw|dict} are
 * optional. Anything else — wrong types, missing or extra elements, trailing data, nesting deeper than
 * {@link #MAX_DEPTH} — is a {@link MalformedMessageException}. Encoding omits empty trailing payload elements, as
 * the spec asks.
 */
abstract class StreamingCodec implements Serializer {

    /** How deeply payload lists and dicts may nest; deeper input is rejected before it can exhaust the stack. */
    static final int MAX_DEPTH = 64;

    /** The largest WAMP ID (the spec's IDs are integers in [0, 2^53]). */
    static final long MAX_ID = 1L << 53;

    protected final JsonFactory factory;

    protected StreamingCodec(JsonFactory factory) {
        this.factory = factory;
    }

    // ------------------------------------------------------------------------------------------------ decoding

    /** Decodes one message from a parser positioned before its first token; the parser is closed afterwards. */
    protected final WampMessage decode(JsonParser p) throws MalformedMessageException {
        try (p) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new MalformedMessageException("a WAMP message must be an array");
            }
            if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new MalformedMessageException("a WAMP message must start with its type code");
            }
            MessageType type = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null
                    : MessageType.of(p.getLongValue());
            if (type == null) {
                throw new MalformedMessageException("unknown message type " + p.getText());
            }
            WampMessage m = readBody(type, p);
            if (!atEnd(p)) {
                throw new MalformedMessageException("trailing data after the message");
            }
            return m;
        } catch (MalformedMessageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Jackson's own parse errors (bad syntax, truncated input, constraint violations).
            throw new MalformedMessageException("undecodable " + subprotocol() + " message");
        }
    }

    /**
     * Whether an ID may come as a float with an integral value. JavaScript encoders for binary formats have one
     * number type and write integers above 2^32 as float64 (msgpackr, cbor-x), so wampy sends IDs that way.
     */
    protected boolean integralFloatIds() {
        return false;
    }

    /** Whether the input ends after the message just read. */
    protected boolean atEnd(JsonParser p) throws IOException {
        return p.nextToken() == null;
    }

    private WampMessage readBody(MessageType type, JsonParser p) throws IOException, MalformedMessageException {
        WampMessage m;
        switch (type) {
            case HELLO -> m = new Hello(uri(p), dict(p));
            case WELCOME -> m = new Welcome(id(p), dict(p));
            case ABORT -> m = new Abort(dict(p), uri(p));
            case CHALLENGE -> m = new Challenge(string(p), dict(p));
            case AUTHENTICATE -> m = new Authenticate(string(p), dict(p));
            case GOODBYE -> m = new Goodbye(dict(p), uri(p));
            case ERROR -> {
                long requestType = id(p);
                long request = id(p);
                Map<String, Object> details = dict(p);
                String error = uri(p);
                Payload pl = payload(p);
                return new Error((int) Math.min(requestType, Integer.MAX_VALUE), request, details, error,
                        pl.args, pl.kwargs);
            }
            case PUBLISH -> {
                long request = id(p);
                Map<String, Object> options = dict(p);
                String topic = uri(p);
                Payload pl = payload(p);
                return new Publish(request, options, topic, pl.args, pl.kwargs);
            }
            case PUBLISHED -> m = new Published(id(p), id(p));
            case SUBSCRIBE -> m = new Subscribe(id(p), dict(p), uri(p));
            case SUBSCRIBED -> m = new Subscribed(id(p), id(p));
            case UNSUBSCRIBE -> m = new Unsubscribe(id(p), id(p));
            case UNSUBSCRIBED -> {
                long request = id(p);
                return new Unsubscribed(request, optDictAndEnd(p));
            }
            case EVENT -> {
                long subscription = id(p);
                long publication = id(p);
                Map<String, Object> details = dict(p);
                Payload pl = payload(p);
                return new Event(subscription, publication, details, pl.args, pl.kwargs);
            }
            case CALL -> {
                long request = id(p);
                Map<String, Object> options = dict(p);
                String procedure = uri(p);
                Payload pl = payload(p);
                return new Call(request, options, procedure, pl.args, pl.kwargs);
            }
            case CANCEL -> m = new Cancel(id(p), dict(p));
            case RESULT -> {
                long request = id(p);
                Map<String, Object> details = dict(p);
                Payload pl = payload(p);
                return new Result(request, details, pl.args, pl.kwargs);
            }
            case REGISTER -> m = new Register(id(p), dict(p), uri(p));
            case REGISTERED -> m = new Registered(id(p), id(p));
            case UNREGISTER -> m = new Unregister(id(p), id(p));
            case UNREGISTERED -> {
                long request = id(p);
                return new Unregistered(request, optDictAndEnd(p));
            }
            case INVOCATION -> {
                long request = id(p);
                long registration = id(p);
                Map<String, Object> details = dict(p);
                Payload pl = payload(p);
                return new Invocation(request, registration, details, pl.args, pl.kwargs);
            }
            case INTERRUPT -> m = new Interrupt(id(p), dict(p));
            case YIELD -> {
                long request = id(p);
                Map<String, Object> options = dict(p);
                Payload pl = payload(p);
                return new Yield(request, options, pl.args, pl.kwargs);
            }
            default -> throw new MalformedMessageException("unknown message type " + type);
        }
        if (p.nextToken() != JsonToken.END_ARRAY) {
            throw new MalformedMessageException("too many elements in " + type);
        }
        return m;
    }

    private long id(JsonParser p) throws IOException, MalformedMessageException {
        JsonToken t = p.nextToken();
        long v;
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            v = p.getLongValue();
        } else if (t == JsonToken.VALUE_NUMBER_FLOAT && integralFloatIds()) {
            double d = p.getDoubleValue();
            if (d != Math.rint(d) || d < 0 || d > MAX_ID) {
                throw new MalformedMessageException("expected an ID");
            }
            v = (long) d;
        } else {
            throw new MalformedMessageException("expected an ID");
        }
        if (v < 0 || v > MAX_ID) {
            throw new MalformedMessageException("ID out of range [0, 2^53]");
        }
        return v;
    }

    private static String uri(JsonParser p) throws IOException, MalformedMessageException {
        if (p.nextToken() != JsonToken.VALUE_STRING) {
            throw new MalformedMessageException("expected a URI string");
        }
        return text(p.getText());
    }

    private static String string(JsonParser p) throws IOException, MalformedMessageException {
        if (p.nextToken() != JsonToken.VALUE_STRING) {
            throw new MalformedMessageException("expected a string");
        }
        return text(p.getText());
    }

    private Map<String, Object> dict(JsonParser p) throws IOException, MalformedMessageException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new MalformedMessageException("expected a dict");
        }
        return readObject(p, 1);
    }

    /** An optional trailing dict, then the end of the message; null when absent. */
    private Map<String, Object> optDictAndEnd(JsonParser p) throws IOException, MalformedMessageException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new MalformedMessageException("expected a dict");
        }
        Map<String, Object> d = readObject(p, 1);
        if (p.nextToken() != JsonToken.END_ARRAY) {
            throw new MalformedMessageException("too many elements");
        }
        return d;
    }

    private record Payload(List<Object> args, Map<String, Object> kwargs) {
    }

    private static final Payload NO_PAYLOAD = new Payload(null, null);

    /** The optional {@code Arguments|list, ArgumentsKw|dict} tail, then the end of the message. */
    private Payload payload(JsonParser p) throws IOException, MalformedMessageException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            return NO_PAYLOAD;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new MalformedMessageException("Arguments must be a list");
        }
        List<Object> args = readArray(p, 1);
        t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            return new Payload(args, null);
        }
        if (t != JsonToken.START_OBJECT) {
            throw new MalformedMessageException("ArgumentsKw must be a dict");
        }
        Map<String, Object> kwargs = readObject(p, 1);
        if (p.nextToken() != JsonToken.END_ARRAY) {
            throw new MalformedMessageException("too many elements");
        }
        return new Payload(args, kwargs);
    }

    private Object readValue(JsonParser p, JsonToken t, int depth) throws IOException, MalformedMessageException {
        switch (t) {
            case VALUE_STRING: return readString(p);
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    // one value, one Java type, whatever the format: what fits a long is a Long
                    BigInteger b = p.getBigIntegerValue();
                    if (b.bitLength() < 64) {
                        return b.longValue();
                    }
                    if (Double.isInfinite(b.doubleValue())) {
                        throw new MalformedMessageException("integer beyond the range of a double");
                    }
                    return b;
                }
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT: {
                double d = p.getDoubleValue();
                if (!Double.isFinite(d)) {
                    // JSON has no infinity nor NaN (a JSON generator would turn it into a string), and a decimal
                    // beyond a double would reach other formats as infinity: refused in every format alike.
                    throw new MalformedMessageException("number beyond the range of a double");
                }
                return d;
            }
            case VALUE_TRUE: return Boolean.TRUE;
            case VALUE_FALSE: return Boolean.FALSE;
            case VALUE_NULL: return null;
            case START_ARRAY: return readArray(p, depth + 1);
            case START_OBJECT: return readObject(p, depth + 1);
            case VALUE_EMBEDDED_OBJECT: return readEmbedded(p);
            default: throw new MalformedMessageException("unexpected token " + t);
        }
    }

    private List<Object> readArray(JsonParser p, int depth) throws IOException, MalformedMessageException {
        if (depth > MAX_DEPTH) {
            throw new MalformedMessageException("nesting deeper than " + MAX_DEPTH);
        }
        List<Object> list = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new MalformedMessageException("truncated list");
            }
            list.add(readValue(p, t, depth));
        }
        return list;
    }

    private Map<String, Object> readObject(JsonParser p, int depth) throws IOException, MalformedMessageException {
        if (depth > MAX_DEPTH) {
            throw new MalformedMessageException("nesting deeper than " + MAX_DEPTH);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
            if (t != JsonToken.FIELD_NAME) {
                throw new MalformedMessageException("dict keys must be strings");
            }
            String key = text(p.currentName());
            JsonToken v = p.nextToken();
            if (v == null) {
                throw new MalformedMessageException("truncated dict");
            }
            map.put(key, readValue(p, v, depth));
        }
        return map;
    }

    /** Reads a string value; a format may map some strings to other values (JSON's binary convention). */
    protected Object readString(JsonParser p) throws IOException, MalformedMessageException {
        return text(p.getText());
    }

    /**
     * {@code s}, if it is well-formed Unicode: no unpaired surrogate. A JSON escape can carry one (U+D800 alone),
     * but no UTF-8 encoder can (the WebSocket text frame or a binary format's string would turn it into {@code ?}),
     * so a string that could not reach every subscriber unchanged is refused in every format.
     */
    protected static String text(String s) throws MalformedMessageException {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    throw new MalformedMessageException("string with an unpaired surrogate");
                }
            }
        }
        return s;
    }

    /** Reads a format's native embedded value (binary in MessagePack/CBOR). */
    protected Object readEmbedded(JsonParser p) throws IOException, MalformedMessageException {
        Object o = p.getEmbeddedObject();
        if (o instanceof byte[]) {
            return o;
        }
        throw new MalformedMessageException("unsupported embedded value");
    }

    // ------------------------------------------------------------------------------------------------ encoding

    /** Writes one message to a generator and closes it. Runtime failures here are router bugs, not bad input. */
    protected final void write(JsonGenerator g, WampMessage m) {
        try (g) {
            writeMessage(g, m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one message to a generator, which stays open for the next one. */
    protected final void writeMessage(JsonGenerator g, WampMessage m) throws IOException {
        // sized containers: definite lengths in CBOR (and MessagePack, which has nothing else)
        g.writeStartArray(m, elements(m));
        g.writeNumber(m.type().code());
        switch (m.type()) {
            case HELLO -> { Hello h = (Hello) m; g.writeString(h.realm()); writeMap(g, h.details()); }
            case WELCOME -> { Welcome w = (Welcome) m; g.writeNumber(w.session()); writeMap(g, w.details()); }
            case ABORT -> { Abort a = (Abort) m; writeMap(g, a.details()); g.writeString(a.reason()); }
            case CHALLENGE -> { Challenge c = (Challenge) m; g.writeString(c.authMethod()); writeMap(g, c.extra()); }
            case AUTHENTICATE -> { Authenticate a = (Authenticate) m; g.writeString(a.signature()); writeMap(g, a.extra()); }
            case GOODBYE -> { Goodbye b = (Goodbye) m; writeMap(g, b.details()); g.writeString(b.reason()); }
            case ERROR -> { Error e = (Error) m; 
                g.writeNumber(e.requestType());
                g.writeNumber(e.request());
                writeMap(g, e.details());
                g.writeString(e.error());
                writePayload(g, e.args(), e.kwargs());
            }
            case PUBLISH -> { Publish x = (Publish) m; 
                g.writeNumber(x.request());
                writeMap(g, x.options());
                g.writeString(x.topic());
                writePayload(g, x.args(), x.kwargs());
            }
            case PUBLISHED -> { Published x = (Published) m; g.writeNumber(x.request()); g.writeNumber(x.publication()); }
            case SUBSCRIBE -> { Subscribe x = (Subscribe) m; g.writeNumber(x.request()); writeMap(g, x.options()); g.writeString(x.topic()); }
            case SUBSCRIBED -> { Subscribed x = (Subscribed) m; g.writeNumber(x.request()); g.writeNumber(x.subscription()); }
            case UNSUBSCRIBE -> { Unsubscribe x = (Unsubscribe) m; g.writeNumber(x.request()); g.writeNumber(x.subscription()); }
            case UNSUBSCRIBED -> { Unsubscribed x = (Unsubscribed) m; 
                g.writeNumber(x.request());
                if (x.details() != null && !x.details().isEmpty()) {
                    writeMap(g, x.details());
                }
            }
            case EVENT -> { Event x = (Event) m; 
                g.writeNumber(x.subscription());
                g.writeNumber(x.publication());
                writeMap(g, x.details());
                writePayload(g, x.args(), x.kwargs());
            }
            case CALL -> { Call x = (Call) m; 
                g.writeNumber(x.request());
                writeMap(g, x.options());
                g.writeString(x.procedure());
                writePayload(g, x.args(), x.kwargs());
            }
            case CANCEL -> { Cancel x = (Cancel) m; g.writeNumber(x.request()); writeMap(g, x.options()); }
            case RESULT -> { Result x = (Result) m; 
                g.writeNumber(x.request());
                writeMap(g, x.details());
                writePayload(g, x.args(), x.kwargs());
            }
            case REGISTER -> { Register x = (Register) m; g.writeNumber(x.request()); writeMap(g, x.options()); g.writeString(x.procedure()); }
            case REGISTERED -> { Registered x = (Registered) m; g.writeNumber(x.request()); g.writeNumber(x.registration()); }
            case UNREGISTER -> { Unregister x = (Unregister) m; g.writeNumber(x.request()); g.writeNumber(x.registration()); }
            case UNREGISTERED -> { Unregistered x = (Unregistered) m; 
                g.writeNumber(x.request());
                if (x.details() != null && !x.details().isEmpty()) {
                    writeMap(g, x.details());
                }
            }
            case INVOCATION -> { Invocation x = (Invocation) m; 
                g.writeNumber(x.request());
                g.writeNumber(x.registration());
                writeMap(g, x.details());
                writePayload(g, x.args(), x.kwargs());
            }
            case INTERRUPT -> { Interrupt x = (Interrupt) m; g.writeNumber(x.request()); writeMap(g, x.options()); }
            case YIELD -> { Yield x = (Yield) m; 
                g.writeNumber(x.request());
                writeMap(g, x.options());
                writePayload(g, x.args(), x.kwargs());
            }
        }
        g.writeEndArray();
    }

    /** How many elements {@link #write} puts in the message array, type code included (every format alike). */
    static int elements(WampMessage m) {
        return switch (m.type()) {
            case HELLO, WELCOME, ABORT, CHALLENGE, AUTHENTICATE, GOODBYE, PUBLISHED, SUBSCRIBED, UNSUBSCRIBE,
                    CANCEL, REGISTERED, UNREGISTER, INTERRUPT -> 3;
            case SUBSCRIBE, REGISTER -> 4;
            case UNSUBSCRIBED -> {
                Map<String, Object> d = ((Unsubscribed) m).details();
                yield d != null && !d.isEmpty() ? 3 : 2;
            }
            case UNREGISTERED -> {
                Map<String, Object> d = ((Unregistered) m).details();
                yield d != null && !d.isEmpty() ? 3 : 2;
            }
            case ERROR -> { Error x = (Error) m; yield 5 + payloadElements(x.args(), x.kwargs()); }
            case PUBLISH -> { Publish x = (Publish) m; yield 4 + payloadElements(x.args(), x.kwargs()); }
            case EVENT -> { Event x = (Event) m; yield 4 + payloadElements(x.args(), x.kwargs()); }
            case CALL -> { Call x = (Call) m; yield 4 + payloadElements(x.args(), x.kwargs()); }
            case RESULT -> { Result x = (Result) m; yield 3 + payloadElements(x.args(), x.kwargs()); }
            case INVOCATION -> { Invocation x = (Invocation) m; yield 4 + payloadElements(x.args(), x.kwargs()); }
            case YIELD -> { Yield x = (Yield) m; yield 3 + payloadElements(x.args(), x.kwargs()); }
        };
    }

    static int payloadElements(List<Object> args, Map<String, Object> kwargs) {
        if (kwargs != null && !kwargs.isEmpty()) {
            return 2;
        }
        return args != null && !args.isEmpty() ? 1 : 0;
    }

    private void writePayload(JsonGenerator g, List<Object> args, Map<String, Object> kwargs) throws IOException {
        boolean hasKwargs = kwargs != null && !kwargs.isEmpty();
        if (hasKwargs || (args != null && !args.isEmpty())) {
            writeList(g, args == null ? List.of() : args);
        }
        if (hasKwargs) {
            writeMap(g, kwargs);
        }
    }

    private void writeMap(JsonGenerator g, Map<String, Object> map) throws IOException {
        g.writeStartObject(map, map == null ? 0 : map.size());
        if (map != null && !map.isEmpty()) { // most Details and Options are empty: no iterator for them
            for (Map.Entry<String, Object> e : map.entrySet()) {
                g.writeFieldName(e.getKey());
                writeValue(g, e.getValue());
            }
        }
        g.writeEndObject();
    }

    private void writeList(JsonGenerator g, List<?> list) throws IOException {
        g.writeStartArray(list, list.size());
        for (int i = 0, n = list.size(); i < n; i++) {
            writeValue(g, list.get(i));
        }
        g.writeEndArray();
    }

    @SuppressWarnings("unchecked")
    private void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Map<?, ?> m) {
            writeMap(g, (Map<String, Object>) m);
        } else if (v instanceof List<?> l) {
            writeList(g, l);
        } else if (v instanceof byte[] b) {
            writeBytes(g, b);
        } else if (v instanceof BigInteger b) {
            writeBigInteger(g, b);
        } else if (v instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (v instanceof Float f) {
            g.writeNumber(f);
        } else if (v instanceof Short s) {
            g.writeNumber(s);
        } else if (v instanceof Byte b) {
            g.writeNumber(b);
        } else if (v instanceof Object[] a) {
            writeList(g, Arrays.asList(a));
        } else {
            throw new IllegalArgumentException("no WAMP representation for " + v.getClass().getName());
        }
    }

    /** Writes a binary value in the format's way. */
    protected abstract void writeBytes(JsonGenerator g, byte[] bytes) throws IOException;

    /** Writes an integer beyond the range of a long; formats that cannot carry every such value override this. */
    protected void writeBigInteger(JsonGenerator g, BigInteger value) throws IOException {
        g.writeNumber(value);
    }
}
