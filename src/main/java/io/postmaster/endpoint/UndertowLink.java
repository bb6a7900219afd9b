package io.postmaster.endpoint;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import org.xnio.IoUtils;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * A WebSocket connection served by Undertow's own API ({@link UndertowWebSockets}): the same calls its JSR-356 layer
 * makes on the channel under a session, without that layer. Batching is the channel's "explicit flush", as Undertow's
 * own {@code setBatchingAllowed} sets it; a frame's completion reaches its {@link Sent} through the link itself,
 * with the frame as the callback's context, so a send allocates nothing here.
 */
final class UndertowLink implements WebSocketLink, WebSocketCallback<WebSocketLink.Sent> {
    private static final AtomicLong IDS = new AtomicLong();
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final WebSocketChannel channel;
    private final long id = IDS.incrementAndGet();
    /** Told when our close has begun (see {@link #close}); set once, before the connection is served. */
    private volatile Runnable closing = () -> { };

    UndertowLink(WebSocketChannel channel) {
        this.channel = channel;
    }

    /** {@code closing} runs when our close has begun, as JSR-356 reports a close to its endpoint. */
    void onClosing(Runnable closing) {
        this.closing = closing;
    }

    @Override
    public String id() {
        return "u" + id;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public boolean batching() {
        return true;
    }

    @Override
    public void startBatch() {
        channel.setRequireExplicitFlush(true);
    }

    @Override
    public void endBatch() {
        channel.setRequireExplicitFlush(false);
        channel.flush();
    }

    @Override
    public void sendText(String text, Sent done) {
        WebSockets.sendText(text, channel, this, done);
    }

    @Override
    public void sendBinary(byte[] bytes, Sent done) {
        WebSockets.sendBinary(ByteBuffer.wrap(bytes), channel, this, done);
    }

    /** A frame is written. */
    @Override
    public void complete(WebSocketChannel channel, Sent sent) {
        sent.sent(null);
    }

    /** A frame failed (the connection is broken or closed). */
    @Override
    public void onError(WebSocketChannel channel, Sent sent, Throwable failure) {
        sent.sent(failure != null ? failure : new IOException("send failed"));
    }

    @Override
    public void sendPing() {
        WebSockets.sendPing(EMPTY.duplicate(), channel, null);
    }

    /**
     * Our close frame; the socket closes once the peer's close has arrived (or {@link #forceClose}). The connection
     * counts as closed from now on, as under JSR-356, whose session reports its close to the endpoint when it begins:
     * its session leaves the router and its address's count drops at once, whatever the peer does.
     */
    @Override
    public void close(int code, String reason) {
        try {
            if (channel.isOpen() && !channel.isCloseFrameSent()) {
                WebSockets.sendClose(code, WebSocketPeer.closeReasonPhrase(reason), channel, null);
            }
        } finally {
            closing.run();
        }
    }

    /** The channel closed at once: the frames it still holds fail, and the socket is let go. */
    @Override
    public Runnable aborter(IntSupplier unwritten) {
        return WebSocketLink.dropIfUnwritten(this, unwritten);
    }

    /** A peer that never answers our close frame would hold the channel open until its socket times out. */
    @Override
    public boolean closeMayStick() {
        return true;
    }

    @Override
    public void forceClose() {
        IoUtils.safeClose(channel);
    }
}
