package io.postmaster.endpoint;

import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import org.xnio.IoUtils;
import org.xnio.Pooled;

import java.nio.ByteBuffer;

/**
 * One connection's frames as Undertow reads them ({@link UndertowWebSockets}), on its I/O thread, one at a time:
 * whole text and binary messages to the endpoint, pongs to its keepalive. Pings are answered and the peer's close
 * frame replied to by Undertow, as under JSR-356.
 */
final class UndertowReceiver extends AbstractReceiveListener {
    private final WampEndpoint endpoint;
    private final UndertowLink link;
    private final long maxMessageSize;

    UndertowReceiver(WampEndpoint endpoint, UndertowLink link, long maxMessageSize) {
        this.endpoint = endpoint;
        this.link = link;
        this.maxMessageSize = maxMessageSize;
    }

    /** What arrived, read and handed on with the application's class loader as the context loader. */
    @Override
    public void handleEvent(WebSocketChannel channel) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        if (before == ApplicationLoader.LOADER) {
            super.handleEvent(channel);
            return;
        }
        t.setContextClassLoader(ApplicationLoader.LOADER);
        try {
            super.handleEvent(channel);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /** Past {@code postmaster.max-message-size}, Undertow sends 1009 and reports an error (see {@link #onError}). */
    @Override
    protected long getMaxTextBufferSize() {
        return maxMessageSize;
    }

    @Override
    protected long getMaxBinaryBufferSize() {
        return maxMessageSize;
    }

    @Override
    protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
        endpoint.text(message.getData());
    }

    @Override
    protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
        Pooled<ByteBuffer[]> data = message.getData();
        ByteBuffer whole;
        try {
            whole = WebSockets.mergeBuffers(data.getResource()); // a heap copy: the pooled buffers go back at once
        } finally {
            data.free();
        }
        endpoint.binary(whole);
    }

    @Override
    protected void onFullPongMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
        message.getData().free();
        endpoint.pong(null);
    }

    /** A broken connection, or a message over the limit (Undertow has sent 1009): dropped, as under JSR-356. */
    @Override
    protected void onError(WebSocketChannel channel, Throwable error) {
        try {
            endpoint.failed(link, error);
        } finally {
            IoUtils.safeClose(channel);
        }
    }
}
