package io.postmaster.router;

import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.serialization.Serializer;
import io.postmaster.serialization.Serializers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A publication fanned out to subscribers of every serializer is encoded once per serializer, and every subscriber
 * of one serializer is handed the very same frame.
 */
class SerializeOnceTest extends RouterFixture {

    /** A real serializer that counts what it encodes, per message type. */
    static final class Counting implements Serializer {
        final Serializer real;
        final Map<MessageType, AtomicInteger> encodes = new EnumMap<>(MessageType.class);

        Counting(Serializer real) {
            this.real = real;
            for (MessageType t : MessageType.values()) {
                encodes.put(t, new AtomicInteger());
            }
        }

        int encodes(MessageType t) {
            return encodes.get(t).get();
        }

        @Override public String subprotocol() { return real.subprotocol(); }
        @Override public boolean binary() { return real.binary(); }
        @Override public WampMessage decode(String text) throws MalformedMessageException { return real.decode(text); }
        @Override public WampMessage decode(byte[] d, int o, int l) throws MalformedMessageException { return real.decode(d, o, l); }

        @Override
        public Frame encode(WampMessage message) {
            encodes.get(message.type()).incrementAndGet();
            return real.encode(message);
        }
    }


    @BeforeEach
    void start() {
        start(Map.<String, String>of());
    }

    @AfterEach
    void stop() {
        router.close();
    }

    TestPeer join(String name, Serializer s) {
        return join("realm1", name, ROLES, null, s);
    }

    @Test
    void eventIsEncodedOncePerSerializerAndTheSameFrameGoesToEverySubscriber() {
        List<Counting> serializers = Serializers.all().stream().map(Counting::new).toList();
        int perSerializer = 5;
        List<TestPeer> subscribers = new ArrayList<>();
        for (Counting s : serializers) {
            for (int i = 0; i < perSerializer; i++) {
                TestPeer p = join(s.subprotocol() + "-" + i, s);
                p.in(new Subscribe(1, Map.of(), "com.example.fanout"));
                p.next(Subscribed.class);
                subscribers.add(p);
            }
        }
        TestPeer publisher = join("publisher", serializers.get(1)); // a msgpack publisher
        byte[] blob = {0, 1, 2, (byte) 0xfe, (byte) 0xff};
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("big", 9007199254740993L);
        kwargs.put("bytes", blob);
        kwargs.put("text", "grüße 🚀");
        publisher.in(new Publish(2, Map.of("acknowledge", true), "com.example.fanout",
                List.of(1L, 2.5, true), kwargs));
        publisher.next(Published.class);

        for (Counting s : serializers) {
            assertEquals(1, s.encodes(MessageType.EVENT), s.subprotocol() + ": EVENT encodes for one publication");
        }
        for (int k = 0; k < serializers.size(); k++) {
            Frame first = null;
            for (int i = 0; i < perSerializer; i++) {
                TestPeer p = subscribers.get(k * perSerializer + i);
                Event e = p.next(Event.class);
                assertEquals(List.of(1L, 2.5, true), e.args());
                assertArrayEquals(blob, (byte[]) e.kwargs().get("bytes"));
                assertEquals(9007199254740993L, e.kwargs().get("big"));
                assertEquals("grüße 🚀", e.kwargs().get("text"));
                Frame f = p.frames.get(p.frames.size() - 1);
                if (first == null) {
                    first = f;
                } else {
                    assertSame(first, f, p + ": every subscriber of a serializer gets the same frame");
                }
            }
        }

        // a second publication: again one encode per serializer
        publisher.in(new Publish(3, Map.of(), "com.example.fanout", List.of("again"), null));
        for (TestPeer p : subscribers) {
            assertEquals(List.of("again"), p.next(Event.class).args());
        }
        for (Counting s : serializers) {
            assertEquals(2, s.encodes(MessageType.EVENT), s.subprotocol() + ": EVENT encodes for two publications");
        }
    }
}
