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
import java.util.concurrent.RejectedExecutionException;
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
    private static final io.postmaster.logging.RateLimitedLog UNDROPPABLE =
            new io.postmaster.logging.RateLimitedLog(LOG, Level.WARNING);

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
        try {
            streams(wc);
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

    /** Takes the upgraded connection's streams. */
    void streams(WebConnection wc) throws IOException {
        this.connection = wc;
        in = wc.getInputStream();
        out = wc.getOutputStream();
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
            outsideTheStreamsMonitor(l::writable);
        }
    }

    @Override
    public void onError(Throwable t) {
        LOG.log(Level.FINE, "upgraded connection from " + address + " failed", t);
        outsideTheStreamsMonitor(this::close);
    }

    @Override
    public void destroy() { // the container is done with the connection
        outsideTheStreamsMonitor(this::ended);
    }

    /**
     * Runs a container's call on the link, elsewhere when the container holds the output stream's monitor. Open
     * Liberty calls a write listener ({@code onWritePossible}, {@code onError}) holding that monitor, which its
     * {@code write} takes too; the link writes holding its own lock, so the link's work run there would take the two
     * locks in the opposite order from a writer on another thread, and both would wait for ever (an application stop
     * then never ends). Such a call goes to the router's scheduler, where nothing of the container's is held; the
     * other servers' calls run at once.
     */
    private void outsideTheStreamsMonitor(Runnable work) {
        if (out == null || owner == null || !Thread.holdsLock(out)) {
            work.run();
            return;
        }
        try {
            owner.timers().execute(work);
        } catch (RejectedExecutionException e) { // the application is stopping: its stop closes every connection
            LOG.log(Level.FINE, "upgraded connection from " + address + ": the router is stopping", e);
        }
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

    /**
     * Closes the connection. On Open Liberty the WebConnection's own close ends the TCP connection only once its
     * output stream is closed, which waits for what is unwritten, and not at all when called from within its read
     * callback (where the close of a peer's close frame is answered); so the connection's HTTP link in Liberty's
     * channel framework is closed, as the WebConnection's close does after closing that stream (the state
     * {@code CloseUpgradedWebConnection} on {@code UpgradedWebConnectionImpl}'s {@code virtualConn}, then its
     * {@code dispatcherLink}), which ends the TCP connection; then the WebConnection is closed all the same. The link
     * closes the connection only once what it wrote is written, except when it {@link #abort}s.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (onLiberty()) {
            try {
                Object top = SessionLink.field(connection, "dispatcherLink");
                Object vc = SessionLink.field(connection, "virtualConn");
                @SuppressWarnings("unchecked")
                java.util.Map<Object, Object> state = (java.util.Map<Object, Object>) call(vc, "getStateMap");
                state.put("CloseUpgradedWebConnection", "true");
                closeLink(top, vc, new IOException("closed by Postmaster"));
            } catch (ReflectiveOperationException | RuntimeException e) {
                UNDROPPABLE.log(() -> "could not close the upgraded connection from " + address + " below the Servlet"
                        + " API (" + e + "); closed through it, which waits for what the server still holds to write",
                        e);
            }
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

    /**
     * Closes at once, dropping what the container still holds to write (a peer that does not read): on Payara the
     * Grizzly connection under the request is terminated, its write queue discarded; on Open Liberty {@link #close}
     * already does not wait.
     */
    @Override
    public void abort() {
        if (!closed.get() && connection != null && !onLiberty()) {
            try {
                Object request = SessionLink.field(connection, "request");
                Object c = call(call(request, "getCoyoteRequest"), "getConnection");
                call(c, "terminateSilently");
            } catch (ReflectiveOperationException | RuntimeException e) {
                UNDROPPABLE.log(() -> "could not drop the upgraded connection from " + address + " below the Servlet"
                        + " API (" + e + "); closed through it, which waits for what the server still holds to write",
                        e);
            }
        }
        close();
    }

    /** Whether the upgraded connection is Open Liberty's. */
    private boolean onLiberty() {
        return connection != null && connection.getClass().getName().startsWith("com.ibm.ws.");
    }

    /** Open Liberty: {@code link.close(vc, why)}, a {@code ConnectionLink} of its channel framework. */
    private static void closeLink(Object link, Object vc, Exception why) throws ReflectiveOperationException {
        for (java.lang.reflect.Method m : link.getClass().getMethods()) {
            if (m.getName().equals("close") && m.getParameterCount() == 2) {
                m.setAccessible(true);
                m.invoke(link, vc, why);
                return;
            }
        }
        throw new NoSuchMethodException(link.getClass().getName() + ".close(VirtualConnection, Exception)");
    }

    /** {@code target.name()}, whatever the access of the class that implements it. */
    private static Object call(Object target, String name) throws ReflectiveOperationException {
        java.lang.reflect.Method m = target.getClass().getMethod(name);
        m.setAccessible(true);
        return m.invoke(target);
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
