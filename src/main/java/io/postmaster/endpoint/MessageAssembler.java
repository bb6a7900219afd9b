package io.postmaster.endpoint;

import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Whole WebSocket messages put together from the parts a container hands to partial message handlers, for Tomcat
 * (TomEE). Tomcat reads each connection's messages into a buffer of the session's maximum message buffer size,
 * allocated at the first message after that size changed and kept for the connection's life
 * ({@code WsFrameBase.processInitialHeader}): asked for buffers of {@code postmaster.max-message-size} (1 MiB), it
 * keeps 1 MiB per connection that sent one binary message and 2 MiB (a {@code CharBuffer}) per connection that sent
 * one text message, so a few thousand small connections exhaust a default heap. Here the connection keeps Tomcat's own
 * small buffers ({@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE}, 8 KiB), through which Tomcat hands a larger
 * message on in parts; this class gathers them, growing only as the message does, and refuses one past its limit
 * ({@code postmaster.max-message-size} on the WAMP transport; the connection is closed with 1009) as soon as its
 * parts exceed it. Used by the WAMP transport ({@link WampEndpoint#listen}), and by the annotated endpoints through
 * {@link #takeOver}.
 *
 * <p>A message that arrives in one part (every message smaller than Tomcat's buffer, sent in one frame) is handed on
 * as Tomcat made it, without a copy. What is gathered is let go as soon as the message is handed on. The receiver
 * still measures each whole message as it did before (the limit here only bounds what is gathered).
 *
 * <p>Tomcat calls the handlers of one connection one at a time, in the order of the frames: no field needs more.
 */
public final class MessageAssembler {
    /** Where whole messages go. */
    public interface Receiver {
        void text(String message);

        void binary(ByteBuffer message);

        /** A message grew past the limit: the connection is to be closed with 1009. */
        void tooBig();

        /** A receiver of the three callbacks given. */
        static Receiver of(java.util.function.Consumer<String> text, java.util.function.Consumer<ByteBuffer> binary,
                           Runnable tooBig) {
            return new Receiver() {
                @Override
                public void text(String message) {
                    text.accept(message);
                }

                @Override
                public void binary(ByteBuffer message) {
                    binary.accept(message);
                }

                @Override
                public void tooBig() {
                    tooBig.run();
                }
            };
        }
    }

    private final Receiver receiver;
    private final int maxTextBytes;
    private final int maxBinaryBytes;
    /** The text message being gathered, or null; its UTF-8 length so far. */
    private StringBuilder text;
    private long textBytes;
    /** The binary message being gathered, or null; its length so far. */
    private byte[] binary;
    private int binaryLength;
    /** A message was refused: the connection is closing, nothing more is gathered. */
    private boolean refused;

    /**
     * @param maxTextBytes   the largest text message gathered, in UTF-8 bytes; a bigger one is refused
     * @param maxBinaryBytes the largest binary message gathered; a bigger one is refused
     */
    MessageAssembler(Receiver receiver, int maxTextBytes, int maxBinaryBytes) {
        this.receiver = receiver;
        this.maxTextBytes = maxTextBytes;
        this.maxBinaryBytes = maxBinaryBytes;
    }

    /** Whether the container of {@code ws} is Tomcat, where messages are best taken in parts (see above). */
    static boolean wanted(Session ws) {
        return ws.getClass().getName().startsWith("org.apache.tomcat.websocket.");
    }

    /** Registers this assembler's partial text and binary handlers with {@code ws}. */
    void register(Session ws) {
        ws.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::text);
        ws.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::binary);
    }

    /**
     * For an annotated endpoint, from its {@code @OnOpen} method: on Tomcat, replaces the handlers its
     * {@code @OnMessage} methods registered (whole messages, for which Tomcat needs a buffer as large as the largest)
     * with an assembler's, handing whole messages to {@code receiver}, and pongs to {@code pong}; the caller then
     * leaves the session's buffer sizes as they are. Elsewhere does nothing.
     *
     * @return whether the handlers were replaced (the server is Tomcat)
     */
    public static boolean takeOver(Session ws, Receiver receiver, int maxTextBytes, int maxBinaryBytes,
                                   MessageHandler.Whole<PongMessage> pong) {
        if (!wanted(ws)) {
            return false;
        }
        removeHandlers(ws);
        new MessageAssembler(receiver, maxTextBytes, maxBinaryBytes).register(ws);
        ws.addMessageHandler(PongMessage.class, pong);
        return true;
    }

    /** Removes every message handler of {@code ws} (on Tomcat, those an annotated endpoint's methods registered). */
    static void removeHandlers(Session ws) {
        for (MessageHandler h : ws.getMessageHandlers()) { // a copy: removing is safe
            ws.removeMessageHandler(h);
        }
    }

    void text(String part, boolean last) {
        if (refused) {
            return;
        }
        StringBuilder b = text;
        if (b == null) {
            if (last) {
                receiver.text(part);
                return;
            }
            b = new StringBuilder(part.length() * 2);
            text = b;
            textBytes = 0;
        }
        textBytes += WampEndpoint.utf8Length(part);
        if (textBytes > maxTextBytes) {
            refuse();
            return;
        }
        b.append(part);
        if (last) {
            text = null;
            receiver.text(b.toString());
        }
    }

    void binary(ByteBuffer part, boolean last) {
        if (refused) {
            return;
        }
        byte[] b = binary;
        int n = part.remaining();
        if (b == null) {
            if (last) {
                receiver.binary(part);
                return;
            }
            b = new byte[Math.min(maxBinaryBytes, Math.max(n * 2, 256))];
            binary = b;
            binaryLength = 0;
        }
        long length = (long) binaryLength + n;
        if (length > maxBinaryBytes) {
            refuse();
            return;
        }
        if (length > b.length) {
            b = Arrays.copyOf(b, (int) Math.min(maxBinaryBytes, Math.max(length, 2L * b.length)));
            binary = b;
        }
        part.get(b, binaryLength, n);
        binaryLength = (int) length;
        if (last) {
            binary = null;
            receiver.binary(ByteBuffer.wrap(b, 0, binaryLength));
        }
    }

    private void refuse() {
        refused = true;
        text = null;
        binary = null;
        receiver.tooBig();
    }
}
