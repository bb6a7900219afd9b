package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.serialization.CborSerializer;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.MsgpackSerializer;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Payload passthru mode (end-to-end encrypted payloads) against the deployed WAR, with raw messages: no client
 * library at hand speaks the spec's {@code ppt_*} attributes (Autobahn|JS 26 has none; Autobahn|Python 22.7 sends its
 * own {@code enc_*} ones). The opaque payload crosses serializers byte for byte (JSON's Base64 binary strings,
 * MessagePack bin, CBOR byte strings), and what the spec refuses is refused over a real socket.
 */
class HostilePassthruIT extends ContainerBase {
    private static final Map<String, Object> PPT_ROLES = Map.of("roles", Map.of(
            "caller", Map.of("features", Map.of("payload_passthru_mode", true)),
            "callee", Map.of("features", Map.of("payload_passthru_mode", true)),
            "publisher", Map.of("features", Map.of("payload_passthru_mode", true)),
            "subscriber", Map.of("features", Map.of("payload_passthru_mode", true))));
    private static final Map<String, Object> E2EE = Map.of("ppt_scheme", "wamp", "ppt_serializer", "cbor",
            "ppt_cipher", "xsalsa20poly1305", "ppt_keyid", "0x1234abcd");
    private static final byte[] SEALED = {0, 1, 2, (byte) 0xff, 0x7f, (byte) 0x80, 42, '"', '\\'};

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    private WampTestClient join(String subprotocol, Map<String, Object> roles) throws Exception {
        WampTestClient c = WampTestClient.connect(ws(), subprotocol);
        c.send(new Hello("realm1", roles));
        c.next(Welcome.class);
        return c;
    }

    private static Map<String, Object> with(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> m = new HashMap<>(a);
        m.putAll(b);
        return m;
    }

    private static void assertPassedThrough(Map<String, Object> details, List<Object> args, byte[] payload) {
        for (var e : E2EE.entrySet()) {
            assertEquals(e.getValue(), details.get(e.getKey()), e.getKey() + " in " + details);
        }
        assertEquals(1, args.size());
        assertArrayEquals(payload, (byte[]) args.get(0));
    }

    @Test
    void anEncryptedPublicationReachesSubscribersOfEverySerializerUnchanged() throws Exception {
        try (WampTestClient pub = join(JsonSerializer.SUBPROTOCOL, PPT_ROLES);
             WampTestClient msgpack = join(MsgpackSerializer.SUBPROTOCOL, PPT_ROLES);
             WampTestClient cbor = join(CborSerializer.SUBPROTOCOL, PPT_ROLES)) {
            for (WampTestClient s : List.of(msgpack, cbor)) {
                s.send(new Subscribe(1, Map.of(), "com.ppt.topic"));
                s.next(Subscribed.class);
            }
            pub.send(new Publish(2, with(E2EE, Map.of("acknowledge", true)), "com.ppt.topic", List.of(SEALED), null));
            pub.next(Published.class);
            for (WampTestClient s : List.of(msgpack, cbor)) {
                Event e = s.next(Event.class);
                assertPassedThrough(e.details(), e.args(), SEALED);
            }
        }
    }

    @Test
    void anEncryptedCallAndItsResultPassThrough() throws Exception {
        try (WampTestClient callee = join(CborSerializer.SUBPROTOCOL, PPT_ROLES);
             WampTestClient caller = join(MsgpackSerializer.SUBPROTOCOL, PPT_ROLES)) {
            callee.send(new Register(1, Map.of(), "com.ppt.rpc"));
            callee.next(Registered.class);
            caller.send(new Call(2, E2EE, "com.ppt.rpc", List.of(SEALED), null));
            Invocation inv = callee.next(Invocation.class);
            assertPassedThrough(inv.details(), inv.args(), SEALED);
            byte[] answer = {7, 7, 0, 7};
            callee.send(new Yield(inv.request(), E2EE, List.of(answer), null));
            Result r = caller.next(Result.class);
            assertPassedThrough(r.details(), r.args(), answer);
        }
    }

    @Test
    void whatTheSpecRefusesIsRefused() throws Exception {
        try (WampTestClient plainCallee = join(JsonSerializer.SUBPROTOCOL, WampTestClient.ROLES);
             WampTestClient caller = join(MsgpackSerializer.SUBPROTOCOL, PPT_ROLES)) {
            plainCallee.send(new Register(1, Map.of(), "com.ppt.plain"));
            plainCallee.next(Registered.class);
            caller.send(new Call(2, E2EE, "com.ppt.plain", List.of(SEALED), null));
            WampMessage.Error e = caller.next(WampMessage.Error.class);
            assertEquals(ErrorUris.FEATURE_NOT_SUPPORTED, e.error(), "a callee without the feature");
            caller.send(new Call(3, E2EE, "com.ppt.plain", List.of(SEALED, SEALED), null));
            e = caller.next(WampMessage.Error.class);
            assertEquals(MessageType.CALL.code(), e.requestType());
            assertEquals(ErrorUris.INVALID_ARGUMENT, e.error(), "the payload is one binary argument");
        }
        try (WampTestClient unannounced = join(CborSerializer.SUBPROTOCOL, WampTestClient.ROLES)) {
            unannounced.send(new Publish(1, E2EE, "com.ppt.topic", List.of(SEALED), null));
            assertEquals(ErrorUris.PROTOCOL_VIOLATION, unannounced.next(Abort.class).reason(),
                    "passthru from a publisher that did not announce it");
        }
    }
}
