package io.postmaster.metrics;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The router-wide counters: messages and bytes in and out by serializer and message type, sessions opened and closed
 * (by why they closed), protocol violations, failed authentications (by method), connections cut as slow consumers,
 * ERRORs sent (by error URI). One per router; every method is thread-safe, never blocks and allocates nothing (see
 * the package doc). Per-realm counts (publications, deliveries, call durations, table sizes) are kept by the realm's
 * broker and dealer.
 */
public final class Metrics {
    /** Serializer label values; a transport finds its index once with {@link #serializer(String)}. */
    public static final List<String> SERIALIZERS = List.of("json", "msgpack", "cbor", "other");
    private static final MessageType[] TYPES = MessageType.values();

    /** Why a session ended, as the {@code reason} label says it. */
    public enum Close {
        /** The client said GOODBYE. */
        GOODBYE,
        /** The client sent ABORT. */
        ABORT,
        /** Killed through the meta API or the management interface. */
        KILLED,
        /** The router stopped or drained. */
        SYSTEM_SHUTDOWN,
        /** The client broke the protocol (ABORT {@code wamp.error.protocol_violation}). */
        PROTOCOL_VIOLATION,
        /** The transport closed under it (the client left, or was cut as a slow consumer). */
        TRANSPORT_CLOSED,
        /** The transport stopped answering pings. */
        UNRESPONSIVE,
        /** Handling one of its messages failed (1011). */
        INTERNAL_ERROR;

        /** The label value. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Authentication method label values; any other method counts as {@code other}. */
    public static final List<String> AUTH_METHODS = List.of("anonymous", "ticket", "wampcra", "cryptosign", "scram",
            "none", "other");
    /** Error URI label values: the spec's and the router's own; an application's error URI counts as {@code other}. */
    public static final List<String> ERROR_URIS = List.of(ErrorUris.NO_SUCH_REALM, ErrorUris.PROTOCOL_VIOLATION,
            ErrorUris.NO_AUTH_METHOD, ErrorUris.NO_SUCH_ROLE, ErrorUris.AUTHENTICATION_FAILED, ErrorUris.INVALID_URI,
            ErrorUris.INVALID_ARGUMENT, ErrorUris.NO_SUCH_PROCEDURE, ErrorUris.PROCEDURE_ALREADY_EXISTS,
            ErrorUris.NO_SUCH_REGISTRATION, ErrorUris.NO_SUCH_SUBSCRIPTION, ErrorUris.CANCELED, ErrorUris.TIMEOUT,
            ErrorUris.NOT_AUTHORIZED, ErrorUris.AUTHORIZATION_FAILED, ErrorUris.OPTION_NOT_ALLOWED,
            ErrorUris.FEATURE_NOT_SUPPORTED, ErrorUris.RUNTIME_ERROR, ErrorUris.NO_SUCH_SESSION,
            ErrorUris.LIMIT_REACHED, ErrorUris.PAYLOAD_SIZE_EXCEEDED, ErrorUris.SYSTEM_SHUTDOWN,
            "wamp.error.no_available_callee", "other");
    private static final Map<String, Integer> ERROR_INDEX = index(ERROR_URIS);
    private static final Map<String, Integer> AUTH_INDEX = index(AUTH_METHODS);

    private final LongAdder[] messagesIn = adders(SERIALIZERS.size() * TYPES.length);
    private final LongAdder[] bytesIn = adders(SERIALIZERS.size() * TYPES.length);
    private final LongAdder[] messagesOut = adders(SERIALIZERS.size() * TYPES.length);
    private final LongAdder[] bytesOut = adders(SERIALIZERS.size() * TYPES.length);
    private final LongAdder sessionsOpened = new LongAdder();
    private final LongAdder[] sessionsClosed = adders(Close.values().length);
    private final LongAdder protocolViolations = new LongAdder();
    private final LongAdder[] authFailures = adders(AUTH_METHODS.size());
    private final LongAdder slowConsumerCloses = new LongAdder();
    private final LongAdder[] errors = adders(ERROR_URIS.size());
    private final long startedMillis = System.currentTimeMillis();

    /** The index in {@link #SERIALIZERS} of a transport's serializer, from its subprotocol; asked once each. */
    public static int serializer(String subprotocol) {
        if (subprotocol == null) {
            return SERIALIZERS.size() - 1;
        }
        if (subprotocol.contains("json")) {
            return 0;
        }
        if (subprotocol.contains("msgpack")) {
            return 1;
        }
        return subprotocol.contains("cbor") ? 2 : SERIALIZERS.size() - 1;
    }

    /** A message came in: {@code bytes} is its frame's length (UTF-16 units for a text frame). */
    public void received(int serializer, MessageType type, int bytes) {
        int i = serializer * TYPES.length + type.ordinal();
        messagesIn[i].increment();
        bytesIn[i].add(bytes);
    }

    /** A message was queued for sending to a transport. */
    public void sent(int serializer, MessageType type, int bytes) {
        int i = serializer * TYPES.length + type.ordinal();
        messagesOut[i].increment();
        bytesOut[i].add(bytes);
    }

    /** An ERROR was sent with this URI. */
    public void error(String uri) {
        Integer i = ERROR_INDEX.get(uri);
        errors[i == null ? ERROR_URIS.size() - 1 : i].increment();
    }

    public void sessionOpened() {
        sessionsOpened.increment();
    }

    public void sessionClosed(Close why) {
        sessionsClosed[why.ordinal()].increment();
    }

    public void protocolViolation() {
        protocolViolations.increment();
    }

    /** A login was refused; {@code method} the method that refused it, null when none applied. */
    public void authFailed(String method) {
        Integer i = method == null ? AUTH_INDEX.get("none") : AUTH_INDEX.get(method);
        authFailures[i == null ? AUTH_METHODS.size() - 1 : i].increment();
    }

    public void slowConsumerClosed() {
        slowConsumerCloses.increment();
    }

    // ------------------------------------------------------------------------------------------ reading

    /** The message types, in the order of the per-type counts. */
    public static MessageType[] types() {
        return TYPES.clone();
    }

    public long messagesIn(int serializer, MessageType type) {
        return messagesIn[serializer * TYPES.length + type.ordinal()].sum();
    }

    public long bytesIn(int serializer, MessageType type) {
        return bytesIn[serializer * TYPES.length + type.ordinal()].sum();
    }

    public long messagesOut(int serializer, MessageType type) {
        return messagesOut[serializer * TYPES.length + type.ordinal()].sum();
    }

    public long bytesOut(int serializer, MessageType type) {
        return bytesOut[serializer * TYPES.length + type.ordinal()].sum();
    }

    public long messagesIn() {
        return sum(messagesIn);
    }

    public long messagesOut() {
        return sum(messagesOut);
    }

    public long bytesIn() {
        return sum(bytesIn);
    }

    public long bytesOut() {
        return sum(bytesOut);
    }

    public long sessionsOpened() {
        return sessionsOpened.sum();
    }

    public long sessionsClosed(Close why) {
        return sessionsClosed[why.ordinal()].sum();
    }

    public long protocolViolations() {
        return protocolViolations.sum();
    }

    /** Failed authentications with the method at {@code index} of {@link #AUTH_METHODS}. */
    public long authFailures(int index) {
        return authFailures[index].sum();
    }

    public long authFailures() {
        return sum(authFailures);
    }

    public long slowConsumerCloses() {
        return slowConsumerCloses.sum();
    }

    /** ERRORs sent with the URI at {@code index} of {@link #ERROR_URIS}. */
    public long errors(int index) {
        return errors[index].sum();
    }

    /** When the router started, in milliseconds since the epoch. */
    public long startedMillis() {
        return startedMillis;
    }

    private static long sum(LongAdder[] adders) {
        long n = 0;
        for (LongAdder a : adders) {
            n += a.sum();
        }
        return n;
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    private static Map<String, Integer> index(List<String> values) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            m.put(values.get(i), i);
        }
        return Collections.unmodifiableMap(m); // get(null) answers null, as a client-sent value may be
    }
}
