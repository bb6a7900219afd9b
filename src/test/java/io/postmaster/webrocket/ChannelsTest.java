package io.postmaster.webrocket;

import io.postmaster.message.Uris;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ChannelsTest {

    @Test
    void simpleNamesStayReadable() {
        assertEquals("webrocket.chat", Channels.topic("chat"));
        assertEquals("webrocket.room42", Channels.topic("room42"));
    }

    @Test
    void everyOtherByteIsEscapedReversibly() {
        for (String channel : new String[] {"Chat room", "a.b#c", "_", "über", "日本", "😀", "x_41", "with\ttab",
                "%2F/.."}) {
            String topic = Channels.topic(channel);
            assertNotNull(topic, channel);
            assertTrue(Uris.valid(topic, Uris.Rule.STRICT), topic);
            assertEquals(2, topic.split("\\.", -1).length, "one component after the prefix: " + topic);
            assertEquals(channel, Channels.channel(topic), topic);
        }
        assertEquals("webrocket._43hat_20room", Channels.topic("Chat room"));
        assertEquals("webrocket._5f", Channels.topic("_"));
    }

    @Test
    void emptyAndTooLongNamesHaveNoTopic() {
        assertNull(Channels.topic(""));
        assertNull(Channels.topic(null));
        assertNull(Channels.topic("A".repeat(400))); // 3 characters each: past the URI length limit
        assertNotNull(Channels.topic("a".repeat(1000)));
    }

    @Test
    void topicsNotMadeByTopicAreNoChannel() {
        assertNull(Channels.channel("com.example.x"));
        assertNull(Channels.channel("webrocket."));
        assertNull(Channels.channel("webrocket.A"));
        assertNull(Channels.channel("webrocket._4"));
        assertNull(Channels.channel("webrocket._zz"));
        assertNull(Channels.channel("webrocket._ff")); // not UTF-8
        assertNull(Channels.channel("webrocket._41.b"));
    }
}
