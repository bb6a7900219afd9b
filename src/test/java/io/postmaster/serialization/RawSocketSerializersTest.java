package io.postmaster.serialization;

import io.postmaster.message.WampMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The serializers by RawSocket id, and JSON as octets. */
class RawSocketSerializersTest {
    private static final WampMessage EVENT = new WampMessage.Event(1, 2, Map.of(),
            List.of("grüße 🚀", new byte[] {0, (byte) 0xFF}), Map.of("k", 1L));

    @Test
    void idsAreTheSpecs() {
        assertEquals(JsonSerializer.SUBPROTOCOL, Serializers.forRawSocket(1).subprotocol());
        assertSame(Serializers.bySubprotocol(MsgpackSerializer.SUBPROTOCOL).orElseThrow(), Serializers.forRawSocket(2),
                "the WebSocket instance: one encoding for both transports");
        assertSame(Serializers.bySubprotocol(CborSerializer.SUBPROTOCOL).orElseThrow(), Serializers.forRawSocket(3));
        for (int id : new int[] {0, 4, 5, 15}) {
            assertNull(Serializers.forRawSocket(id), "id " + id);
        }
    }

    @Test
    void rawSocketJsonIsTheUtf8OfTheWebSocketText() throws Exception {
        Serializer raw = Serializers.forRawSocket(1);
        JsonSerializer ws = (JsonSerializer) Serializers.bySubprotocol(JsonSerializer.SUBPROTOCOL).orElseThrow();
        assertTrue(raw.binary());
        byte[] bytes = ((Frame.Binary) raw.encode(EVENT)).bytes();
        assertArrayEquals(ws.encodeToString(EVENT).getBytes(StandardCharsets.UTF_8), bytes);
        WampMessage.Event back = (WampMessage.Event) raw.decode(bytes, 0, bytes.length);
        assertEquals("grüße 🚀", back.args().get(0));
        assertArrayEquals(new byte[] {0, (byte) 0xFF}, (byte[]) back.args().get(1));
    }

    @Test
    void anOutgoingMessageIsEncodedOncePerSerializerOfBothTransports() {
        Outgoing out = new Outgoing(EVENT);
        List<Serializer> all = List.of(Serializers.all().get(0), Serializers.all().get(1), Serializers.all().get(2),
                Serializers.forRawSocket(1));
        for (Serializer s : all) {
            assertSame(out.frame(s), out.frame(s), s.subprotocol() + (s.binary() ? " binary" : " text"));
        }
    }
}
