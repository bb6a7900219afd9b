package io.postmaster.endpoint;

import io.postmaster.router.Peer;
import io.postmaster.serialization.Serializer;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A connection upgraded by {@link ServletUpgradeWebSockets}, as {@link FramedLink} uses it: the Servlet API's
 * non-blocking streams. The container calls {@link #onDataAvailable} when there is something to read and
 * {@link #onWritePossible} when a write it could not finish at once is done, one call at a time; the link reads until
 * the stream says nothing is ready (which is what asks the container to call again), and writes only while it says
 * it is ready (a write it then takes whole, finishing it in the background). Timers run on the router's scheduler.
 *
 * <p>Public with a public constructor because the container instantiates it ({@link
 * jakarta.servlet.http.HttpServletRequest#upgrade}); internal all the same.
 */
public final class ServletUpgradeConnection implements HttpUpgradeHandler, ReadListener, WriteListener,
        FramedLink.Transport {
    private static final Logger LOG = Logger.getLogger(ServletUpgradeConnection.class.getName());

    // set by the handshake, before the container calls init
    private ServletUpgradeWebSockets owner;
    private Serializer serializer;
    private String address;
    private String host;
    private Peer.ContainerLogin login;
    private boolean secure;

    private WebConnection connection;
    private ServletInputStream in;
    private ServletOutputStream out;
    private volatile FramedLink link;
    /** Whether the link reads on (it stops once the close handshake is done). */
    private volatile boolean reading = true;
    /** The read listener is set (the link has started). */
    private boolean listening;
    /** What the last read returned: reading goes on only after one that moved octets. */
    private int lastRead;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** For the container. */
    public ServletUpgradeConnection() {
    }

    void prepare(ServletUpgradeWebSockets owner, Serializer serializer, String address, String host,
                 Peer.ContainerLogin login, boolean secure) {
        this.owner = owner;
        this.serializer = serializer;
        this.address = address;
        this.host = host;
        this.login = login;
        this.secure = secure;
    }

    @Override
    public void init(WebConnection wc) {
        this.connection = wc;
        try {
            in = wc.getInputStream();
            out = wc.getOutputStream();
        } catch (IOException e) {
            LOG.log(Level.FINE, "upgraded connection from " + address + " is gone before it opened", e);
            close();
            return;
        }
        if (owner == null) { // upgraded by something else than the handshake: cannot happen
            close();
            return;
        }
        owner.open(this, serializer, address, host, login, secure);
    }

    /** The link this connection's events go to; its writes may start at once. */
    void listenTo(FramedLink link) {
        this.link = link;
        out.setWriteListener(this);
    }

    // ---------------------------------------------------------------- the container's calls

    @Override
    public void onDataAvailable() {
        FramedLink l = link;
        do {
            lastRead = 0;
            l.readable();
        } while (reading && lastRead > 0 && !closed.get() && in.isReady());
    }

    @Override
    public void onAllDataRead() { // the peer ended the TCP connection
        close();
    }

    @Override
    public void onWritePossible() {
        FramedLink l = link;
        if (l != null) {
            l.writable();
        }
    }

    @Override
    public void onError(Throwable t) {
        LOG.log(Level.FINE, "upgraded connection from " + address + " failed", t);
        close();
    }

    @Override
    public void destroy() { // the container is done with the connection
        ended();
    }

    // ---------------------------------------------------------------- the link's calls

    @Override
    public int read(ByteBuffer into) throws IOException {
        if (closed.get() || !in.isReady()) {
            return 0; // not ready: the container calls onDataAvailable once it is
        }
        int n = in.read(into.array(), into.arrayOffset() + into.position(), into.remaining());
        if (n > 0) {
            into.position(into.position() + n);
        }
        lastRead = n;
        return n;
    }

    @Override
    public boolean readsUntilEmpty() {
        return true; // the container calls again only after a read found nothing
    }

    @Override
    public boolean heapBuffers() {
        return true;
    }

    @Override
    public int write(ByteBuffer from) throws IOException {
        if (closed.get() || !out.isReady()) {
            return 0; // not ready: the container calls onWritePossible once it is
        }
        int n = from.remaining();
        out.write(from.array(), from.arrayOffset() + from.position(), n);
        from.position(from.limit());
        return n;
    }

    @Override
    public boolean flush() throws IOException {
        if (closed.get()) {
            return true;
        }
        if (!out.isReady()) {
            return false;
        }
        out.flush();
        return out.isReady();
    }

    @Override
    public void resumeReads() {
        reading = true;
        if (!listening) { // once: the container calls onDataAvailable from then on
            listening = true;
            in.setReadListener(this);
        }
    }

    @Override
    public void suspendReads() {
        reading = false;
    }

    /** Nothing to do: a write or flush the stream could not finish at once already asked for onWritePossible. */
    @Override
    public void resumeWrites() {
    }

    @Override
    public void suspendWrites() {
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing the upgraded connection from " + address + " failed", e);
        }
        ended();
    }

    private void ended() {
        closed.set(true);
        FramedLink l = link;
        if (l != null) {
            l.ended();
        }
    }

    @Override
    public void schedule(Runnable task, long ms) {
        owner.timers().schedule(task, ms, TimeUnit.MILLISECONDS);
    }
}
