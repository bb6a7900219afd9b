package io.postmaster.endpoint;

import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.ssl.SslConnection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.util.concurrent.TimeUnit;

/**
 * The TCP connection Undertow hands over after a WebSocket upgrade, as {@link FramedLink} uses it: XNIO's source and
 * sink channels over the connection's conduits, their readiness listeners calling the link. This one object is the
 * listener of all three (read, write, close), told apart by the channel: no listener object per event kind and
 * connection.
 */
final class XnioTransport implements FramedLink.Transport, ChannelListener<Channel> {
    private final StreamConnection connection;
    private final ConduitStreamSourceChannel source;
    private final ConduitStreamSinkChannel sink;
    private final boolean tls;
    private volatile FramedLink link;

    XnioTransport(StreamConnection connection) {
        this.connection = connection;
        this.source = connection.getSourceChannel();
        this.sink = connection.getSinkChannel();
        this.tls = connection instanceof SslConnection;
    }

    /** Points the connection's listeners at {@code link}: reads, write readiness, the close. */
    FramedLink.Transport listenTo(FramedLink link) {
        this.link = link;
        connection.getCloseSetter().set(this);
        sink.getWriteSetter().set(this);
        source.getReadSetter().set(this);
        return this;
    }

    /** Readiness to read or write, or the close, of {@code channel}: told to the link. */
    @Override
    public void handleEvent(Channel channel) {
        if (channel == source) {
            link.readable();
        } else if (channel == sink) {
            link.writable();
        } else {
            link.ended();
        }
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        return source.read(into);
    }

    @Override
    public boolean readsUntilEmpty() {
        return tls;
    }

    @Override
    public int write(ByteBuffer from) throws IOException {
        return sink.write(from);
    }

    @Override
    public boolean flush() throws IOException {
        return sink.flush();
    }

    @Override
    public void resumeReads() {
        source.resumeReads();
    }

    @Override
    public void suspendReads() {
        source.suspendReads();
    }

    @Override
    public void resumeWrites() {
        sink.resumeWrites();
    }

    @Override
    public void suspendWrites() {
        sink.suspendWrites();
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        IoUtils.safeClose(connection);
    }

    @Override
    public void schedule(Runnable task, long ms) {
        connection.getIoThread().executeAfter(task, ms, TimeUnit.MILLISECONDS);
    }
}
