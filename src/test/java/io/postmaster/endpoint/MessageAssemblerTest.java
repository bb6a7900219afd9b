package io.postmaster.endpoint;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parts made whole, in order, within the limit counted in UTF-8 bytes; past it, one refusal and nothing more. */
class MessageAssemblerTest {
    private final List<Object> received = new ArrayList<>();
    private int refusals;
    private final MessageAssembler.Receiver receiver = new MessageAssembler.Receiver() {
        public void text(String message) {
            received.add(message);
        }

        public void binary(ByteBuffer message) {
            byte[] b = new byte[message.remaining()];
            message.get(b);
            received.add(b);
        }

        public void tooBig() {
            refusals++;
        }
    };

    @Test
    void aMessageInOnePartIsHandedOnAsItCame() {
        List<ByteBuffer> seen = new ArrayList<>();
        MessageAssembler a = new MessageAssembler(new MessageAssembler.Receiver() {
            public void text(String message) {
                received.add(message);
            }

            public void binary(ByteBuffer message) {
                seen.add(message);
            }

            public void tooBig() {
                refusals++;
            }
        }, 1024, 1024);
        String text = "[1,\"realm1\",{}]";
        a.text(text, true);
        assertSame(text, received.get(0));
        ByteBuffer data = ByteBuffer.wrap(new byte[] {1, 2, 3});
        a.binary(data, true);
        assertSame(data, seen.get(0));
    }

    @Test
    void textAndBinaryPartsBecomeWholeMessagesInOrder() {
        MessageAssembler a = new MessageAssembler(receiver, 1024, 1024);
        a.text("ab", false);
        a.text("", false);
        a.text("c\ud83d\ude00", true);
        a.binary(ByteBuffer.wrap(new byte[] {1, 2}), false);
        a.binary(ByteBuffer.wrap(new byte[300]), false);
        a.binary(ByteBuffer.wrap(new byte[] {3}), true);
        a.text("next", true);
        assertEquals(3, received.size());
        assertEquals("abc\ud83d\ude00", received.get(0));
        byte[] expected = new byte[303];
        expected[0] = 1;
        expected[1] = 2;
        expected[302] = 3;
        assertArrayEquals(expected, (byte[]) received.get(1));
        assertEquals("next", received.get(2));
        assertEquals(0, refusals);
    }

    @Test
    void aMessageOfExactlyTheLimitPasses() {
        MessageAssembler a = new MessageAssembler(receiver, 1024, 1024);
        String euros = "\u20ac".repeat(100); // 300 bytes, 100 characters
        a.text(euros, false);
        a.text(euros, false);
        a.text(euros, false);
        a.text("x".repeat(124), true);
        a.binary(ByteBuffer.wrap(new byte[1000]), false);
        a.binary(ByteBuffer.wrap(new byte[24]), true);
        assertEquals(2, received.size());
        assertEquals(1024, ((String) received.get(0)).getBytes(StandardCharsets.UTF_8).length);
        assertEquals(1024, ((byte[]) received.get(1)).length);
        assertEquals(0, refusals);
    }

    @Test
    void textPastTheLimitInUtf8BytesIsRefusedOnceAndNothingMoreIsTaken() {
        MessageAssembler a = new MessageAssembler(receiver, 1024, 1024);
        String euros = "\u20ac".repeat(200); // 600 bytes in 200 characters: the limit is in bytes
        a.text(euros, false);
        a.text(euros, false);
        a.text(euros, true);
        a.text("small", true);
        a.binary(ByteBuffer.wrap(new byte[] {1}), true);
        assertEquals(1, refusals);
        assertTrue(received.isEmpty(), "nothing after a refusal: the connection is closing");
    }

    @Test
    void binaryPastTheLimitIsRefusedBeforeItIsCopied() {
        MessageAssembler a = new MessageAssembler(receiver, 1024, 1024);
        a.binary(ByteBuffer.wrap(new byte[1000]), false);
        ByteBuffer over = ByteBuffer.wrap(new byte[25]);
        a.binary(over, false);
        assertEquals(1, refusals);
        assertEquals(25, over.remaining(), "the part that goes past the limit is not taken");
        a.binary(ByteBuffer.wrap(new byte[1]), true);
        assertEquals(1, refusals);
        assertTrue(received.isEmpty());
    }
}
