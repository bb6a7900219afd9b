package io.postmaster.router;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.serialization.MsgpackSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.postmaster.router.RouterTest.assertError;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Payload passthru mode: the {@code ppt_*} options and the one binary argument travel CALL → INVOCATION → YIELD →
 * RESULT (and callee ERROR), PUBLISH → EVENT unchanged; what the spec says to refuse is refused.
 */
class PassthruTest extends RouterFixture {
    static final Map<String, Object> PPT = Map.of("roles", Map.of(
            "caller", Map.of("features", Map.of("payload_passthru_mode", true)),
            "callee", Map.of("features", Map.of("payload_passthru_mode", true)),
            "publisher", Map.of("features", Map.of("payload_passthru_mode", true)),
            "subscriber", Map.of("features", Map.of("payload_passthru_mode", true))));
    static final Map<String, Object> E2EE = Map.of("ppt_scheme", "wamp", "ppt_serializer", "cbor",
            "ppt_cipher", "xsalsa20poly1305", "ppt_keyid", "GTtQ37XGJO2O4R8Dvx4AUo8pe61D9evIWpKGQAPdOh0=");
    static final io.postmaster.serialization.Serializer MSGPACK =
            io.postmaster.serialization.Serializers.bySubprotocol(MsgpackSerializer.SUBPROTOCOL).orElseThrow();
    static final byte[] SEALED = {0, 1, 2, (byte) 0xff, 0x7f, (byte) 0x80, 42};

    @BeforeEach
    void start() {
        start(Map.of());
    }

    static Map<String, Object> with(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> m = new java.util.HashMap<>(a);
        m.putAll(b);
        return m;
    }

    static void assertPpt(Map<String, Object> details) {
        for (var e : E2EE.entrySet()) {
            assertEquals(e.getValue(), details.get(e.getKey()), e.getKey() + " in " + details);
        }
    }

    @Test
    void publishToEventKeepsTheAttributesAndTheBytes() {
        TestPeer sub = join("realm1", "sub", PPT, null, MSGPACK);
        TestPeer pub = join("realm1", "pub", PPT);
        sub.in(new Subscribe(1, Map.of(), "com.secret"));
        sub.next(Subscribed.class);
        pub.in(new Publish(2, with(E2EE, Map.of("acknowledge", true)), "com.secret", List.of(SEALED), null));
        pub.next(Published.class);
        Event e = sub.next(Event.class);
        assertPpt(e.details());
        assertEquals(1, e.args().size());
        assertArrayEquals(SEALED, (byte[]) e.args().get(0));
        assertNull(e.kwargs());
    }

    @Test
    void callInvocationYieldResultKeepTheAttributesAndTheBytes() {
        TestPeer callee = join("realm1", "callee", PPT, null, MSGPACK);
        TestPeer caller = join("realm1", "caller", PPT);
        callee.in(new Register(1, Map.of(), "com.secret_rpc"));
        callee.next(Registered.class);
        caller.in(new Call(2, E2EE, "com.secret_rpc", List.of(SEALED), null));
        Invocation inv = callee.next(Invocation.class);
        assertPpt(inv.details());
        assertArrayEquals(SEALED, (byte[]) inv.args().get(0));
        byte[] answer = {9, 8, 7};
        callee.in(new Yield(inv.request(), E2EE, List.of(answer), null));
        Result r = caller.next(Result.class);
        assertPpt(r.details());
        assertArrayEquals(answer, (byte[]) r.args().get(0));
        // and an application error with an encrypted payload
        caller.in(new Call(3, E2EE, "com.secret_rpc", List.of(SEALED), null));
        inv = callee.next(Invocation.class);
        callee.in(new WampMessage.Error(MessageType.INVOCATION.code(), inv.request(), E2EE, "com.app.invalid_year",
                List.of(answer), null));
        WampMessage.Error err = caller.next(WampMessage.Error.class);
        assertEquals("com.app.invalid_year", err.error());
        assertPpt(err.details());
        assertArrayEquals(answer, (byte[]) err.args().get(0));
    }

    @Test
    void aCalleeWithoutTheFeatureIsNotSupported() {
        TestPeer callee = join("callee");
        TestPeer caller = join("realm1", "caller", PPT);
        callee.in(new Register(1, Map.of(), "com.secret_rpc"));
        callee.next(Registered.class);
        caller.in(new Call(2, E2EE, "com.secret_rpc", List.of(SEALED), null));
        assertError(caller.next(), MessageType.CALL, 2, ErrorUris.FEATURE_NOT_SUPPORTED);
        callee.nothingMore(20);
        assertEquals(0, callsWaiting(realm()));
    }

    @Test
    void aCallerWithoutTheFeatureGetsNoPassthruResult() {
        TestPeer callee = join("realm1", "callee", PPT);
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of(), "com.rpc"));
        callee.next(Registered.class);
        caller.in(new Call(2, Map.of(), "com.rpc", List.of("plain"), null));
        Invocation inv = callee.next(Invocation.class);
        callee.in(new Yield(inv.request(), E2EE, List.of(SEALED), null));
        assertError(callee.next(), MessageType.YIELD, inv.request(), ErrorUris.FEATURE_NOT_SUPPORTED);
        assertError(caller.next(), MessageType.CALL, 2, ErrorUris.FEATURE_NOT_SUPPORTED);
        assertEquals(0, callsWaiting(realm()));
    }

    @Test
    void passthruWithoutAnnouncingItIsAProtocolViolation() {
        TestPeer pub = join("pub");
        pub.in(new Publish(1, E2EE, "com.secret", List.of(SEALED), null));
        assertEquals(ErrorUris.PROTOCOL_VIOLATION, pub.next(Abort.class).reason());
        TestPeer caller = join("caller");
        caller.in(new Call(1, E2EE, "com.secret_rpc", List.of(SEALED), null));
        assertEquals(ErrorUris.PROTOCOL_VIOLATION, caller.next(Abort.class).reason());
        TestPeer callee = join("callee");
        TestPeer pptCaller = join("realm1", "ppt-caller", PPT);
        callee.in(new Register(1, Map.of(), "com.rpc"));
        callee.next(Registered.class);
        pptCaller.in(new Call(1, Map.of(), "com.rpc", null, null));
        Invocation inv = callee.next(Invocation.class);
        callee.in(new Yield(inv.request(), E2EE, List.of(SEALED), null));
        assertEquals(ErrorUris.PROTOCOL_VIOLATION, callee.next(Abort.class).reason());
        assertError(pptCaller.next(), MessageType.CALL, 1, ErrorUris.CANCELED); // its callee is gone
    }

    @Test
    void thePayloadIsOneBinaryArgument() {
        TestPeer pub = join("realm1", "pub", PPT);
        for (var bad : List.<Object[]>of(
                new Object[]{List.of(SEALED, SEALED), null},
                new Object[]{List.of(SEALED), Map.of("k", 1L)},
                new Object[]{List.of("not binary"), null},
                new Object[]{null, null})) {
            @SuppressWarnings("unchecked")
            Publish p = new Publish(7, with(E2EE, Map.of("acknowledge", true)), "com.secret", (List<Object>) bad[0],
                    (Map<String, Object>) bad[1]);
            pub.in(p);
            assertError(pub.next(), MessageType.PUBLISH, 7, ErrorUris.INVALID_ARGUMENT);
        }
        pub.in(new Publish(8, Map.of("ppt_scheme", 5L, "acknowledge", true), "com.secret", List.of(SEALED), null));
        assertError(pub.next(), MessageType.PUBLISH, 8, ErrorUris.INVALID_ARGUMENT);
        pub.in(new Publish(9, Map.of("ppt_scheme", "mqtt", "ppt_cipher", List.of(), "acknowledge", true),
                "com.secret", List.of(SEALED), null));
        assertError(pub.next(), MessageType.PUBLISH, 9, ErrorUris.INVALID_ARGUMENT);
    }
}
