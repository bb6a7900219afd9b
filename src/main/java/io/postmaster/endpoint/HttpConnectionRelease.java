package io.postmaster.endpoint;

import io.postmaster.logging.RateLimitedLog;
import io.undertow.UndertowOptions;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.ParseTimeoutUpdater;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http.HttpServerConnection;

import java.lang.reflect.Field;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets go of Undertow's HTTP connection objects once Postmaster frames an upgraded connection itself
 * ({@code postmaster.own-framing}, see {@link UndertowWebSockets}).
 *
 * <p>After the upgrade, Undertow keeps the HTTP connection of the handshake for as long as the TCP connection is open:
 * in its listener's set of open connections, as the TCP connection's close listener, and (until the server's
 * {@code no-request-timeout}) in the I/O thread's timer queue. With it stay its request parser and that parser's state
 * — a cache of the handshake's header values, three string builders — and the response writers: about 1.5 KiB of
 * live heap per idle WebSocket, a third of what one costs. None of it is used again once the frames on the
 * connection are Postmaster's: no request is parsed and no response written on it any more.
 *
 * <p>So, on the I/O thread, before the frames start: the HTTP connection's close listeners that only concern an HTTP
 * connection run now and are dropped (the listener's open-connection set lets go of it; the parse timer is
 * cancelled; with the listener's connection statistics off, as by default, the response writer's buffers are freed,
 * none being left once the handshake's response is written), and the connection lets go of its request parser and
 * its per-request conduits (and response writer). What the TCP connection's close still needs stays: the HTTP
 * connection itself as its close listener, which counts the connection closed in the listener's statistics (if they
 * are on) when the TCP connection closes, and any octets the client sent after the handshake, which are read first
 * as before.
 *
 * <p>Undertow's open-connection set is read only by {@code HttpOpenListener.closeConnections}, which WildFly does not
 * call; at the application's stop Postmaster closes its connections itself ({@link UndertowWebSockets#close}).
 *
 * <p>The parser and conduits are private fields of Undertow's connection: found by name, by reflection. Where one is
 * missing (another Undertow) or reflection is refused, nothing is changed, that is logged once, and it is not tried
 * again: the connection works as before, only larger.
 */
final class HttpConnectionRelease {
    private static final Logger LOG = Logger.getLogger(HttpConnectionRelease.class.getName());
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.INFO);
    private static final AtomicBoolean DISABLED = new AtomicBoolean();
    /** What an upgraded connection no longer needs: its request parser, its per-request conduits. */
    private static final String[] PER_REQUEST = {"readListener", "fixedLengthStreamSinkConduit",
            "readDataStreamSourceConduit"};
    private static volatile Fields fields;

    private record Fields(Field closeListeners, Field[] perRequest, Field responseConduit) {
    }

    private HttpConnectionRelease() {
    }

    /**
     * Called on the connection's I/O thread once Undertow has handed over the upgraded TCP connection of
     * {@code http}, before anything else is done with it.
     *
     * @return whether the HTTP connection's objects were let go
     */
    static boolean release(ServerConnection http) {
        if (!(http instanceof HttpServerConnection c) || DISABLED.get() || !c.isOpen()
                || c.getPipelineBuffer() != null) { // a pipelining buffer may still complete the handshake's exchange
            return false;
        }
        try {
            Fields f = fields();
            @SuppressWarnings("unchecked")
            List<ServerConnection.CloseListener> listeners = (List<ServerConnection.CloseListener>)
                    f.closeListeners().get(c);
            // Counted open in the listener's statistics until the TCP connection closes: their close listener stays
            boolean counted = c.getUndertowOptions().get(UndertowOptions.ENABLE_CONNECTOR_STATISTICS, false);
            for (Iterator<ServerConnection.CloseListener> it = listeners.iterator(); it.hasNext(); ) {
                ServerConnection.CloseListener l = it.next();
                Class<?> owner = l.getClass().getEnclosingClass();
                if (l instanceof ParseTimeoutUpdater || owner == HttpOpenListener.class
                        || (!counted && owner == HttpServerConnection.class)) {
                    it.remove();
                    // the parse timer cancelled; the listener's open-connection set lets go of the connection; the
                    // response writer's buffers (none left once the handshake's response is written) freed
                    l.closed(c);
                }
            }
            for (Field p : f.perRequest()) {
                p.set(c, null);
            }
            if (!counted) {
                f.responseConduit().set(c, null);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (DISABLED.compareAndSet(false, true)) {
                FAILED.log(() -> "Undertow's HTTP connection objects stay in memory while own-framed WebSockets are"
                        + " open: " + e);
            }
            return false;
        }
    }

    private static Fields fields() throws ReflectiveOperationException {
        Fields f = fields;
        if (f == null) {
            Field listeners = io.undertow.server.AbstractServerConnection.class.getDeclaredField("closeListeners");
            listeners.setAccessible(true);
            Field[] perRequest = new Field[PER_REQUEST.length];
            for (int i = 0; i < perRequest.length; i++) {
                perRequest[i] = HttpServerConnection.class.getDeclaredField(PER_REQUEST[i]);
                perRequest[i].setAccessible(true);
            }
            Field response = HttpServerConnection.class.getDeclaredField("responseConduit");
            response.setAccessible(true);
            f = new Fields(listeners, perRequest, response);
            fields = f;
        }
        return f;
    }
}
