package io.postmaster.endpoint;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A WebSocket connection served by the container's JSR-356 implementation, with what each container needs beyond
 * the API (found by class name: the WAR compiles against none of them).
 */
final class SessionLink implements WebSocketLink {
    private static final Logger LOG = Logger.getLogger(SessionLink.class.getName());

    private final Session ws;

    SessionLink(Session ws) {
        this.ws = ws;
    }

    @Override
    public String id() {
        return ws.getId();
    }

    @Override
    public boolean isOpen() {
        return ws.isOpen();
    }

    /**
     * Undertow, whose {@code flushBatch} writes all frames queued since {@code setBatchingAllowed(true)} at once and
     * which accepts a send while others are in flight. Other containers differ (Tomcat refuses a second send in
     * flight; Tyrus sends at once either way).
     */
    @Override
    public boolean batching() {
        return ws.getAsyncRemote().getClass().getName().startsWith("io.undertow.");
    }

    @Override
    public void startBatch() throws IOException {
        ws.getAsyncRemote().setBatchingAllowed(true);
    }

    @Override
    public void endBatch() throws IOException {
        RemoteEndpoint.Async remote = ws.getAsyncRemote();
        remote.setBatchingAllowed(false);
        remote.flushBatch();
    }

    @Override
    public void sendText(String text, Sent done) {
        ws.getAsyncRemote().sendText(text, done);
    }

    @Override
    public void sendBinary(byte[] bytes, Sent done) {
        ws.getAsyncRemote().sendBinary(ByteBuffer.wrap(bytes), done);
    }

    @Override
    public void sendPing() throws IOException {
        ws.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
    }

    @Override
    public void close(int code, String reason) throws IOException {
        if (ws.isOpen()) {
            ws.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code),
                    WebSocketPeer.closeReasonPhrase(reason)));
        }
    }

    /**
     * <ul>
     * <li>Undertow (WildFly): its session's {@code forceClose()} closes the channel and fails the frames it holds,
     *     if frames handed to it are still unwritten (Undertow reports the close to the endpoint at once, not when
     *     the handshake ends).</li>
     * <li>Tyrus on Grizzly (Payara, GlassFish): Tyrus completes a send as soon as Grizzly's per-connection write
     *     queue takes it (up to four times the socket's send buffer, megabytes), so a peer that stops reading
     *     leaves those bytes there; and its close cancels the frames it still holds itself, the close frame
     *     among them, and leaves the connection open until Grizzly has written the rest — which a peer that reads
     *     nothing never lets happen. If the Grizzly connection is still open, it is terminated: its write queue is
     *     discarded and the socket closed.</li>
     * </ul>
     * Elsewhere (Tomcat's one send at a time) the container holds one frame per connection.
     */
    @Override
    public Runnable aborter(IntSupplier unwritten) {
        String container = ws.getClass().getName();
        if (container.startsWith("io.undertow.")) {
            return () -> {
                if (unwritten.getAsInt() > 0) {
                    invoke(ws, ws, "forceClose");
                }
            };
        }
        if (container.startsWith("org.glassfish.tyrus.")) {
            Object grizzly = grizzlyConnection(ws);
            if (grizzly == null) {
                return null;
            }
            return () -> {
                if (Boolean.TRUE.equals(invoke(ws, grizzly, "isOpen"))) {
                    invoke(ws, grizzly, "terminateSilently");
                }
            };
        }
        return null;
    }

    /**
     * Undertow loses a closing handshake when the peer's close frame arrives while our close is being made on
     * another thread: {@code UndertowSession.closeInternal} sends no close frame because one was received, and the
     * frame handler sends no reply because the session is already closed (seen with clients that close as soon as
     * they read an ABORT).
     */
    @Override
    public boolean closeMayStick() {
        return ws.getClass().getName().startsWith("io.undertow.");
    }

    @Override
    public void forceClose() {
        invoke(ws, ws, "forceClose");
    }

    /**
     * The Grizzly connection under a Tyrus session running as a servlet upgrade (Payara): the async remote's web
     * socket, its protocol handler's writer, the upgrade handler's {@code WebConnection}, its request, the Grizzly
     * request's connection. Null if any link is missing (another Tyrus deployment or version).
     */
    static Object grizzlyConnection(Session ws) {
        try {
            Object o = ws.getAsyncRemote();
            for (String field : new String[] {"webSocket", "protocolHandler", "writer", "tyrusHttpUpgradeHandler"}) {
                o = field(o, field);
                if (o == null) {
                    return null;
                }
            }
            Method webConnection = declared(o.getClass(), "getWebConnection"); // a proxy's override delegates
            webConnection.setAccessible(true);
            o = webConnection.invoke(o);
            o = o == null ? null : field(o, "request");
            Object grizzlyRequest = o == null ? null : o.getClass().getMethod("getCoyoteRequest").invoke(o);
            return grizzlyRequest == null ? null
                    : grizzlyRequest.getClass().getMethod("getConnection").invoke(grizzlyRequest);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "no Grizzly connection found under WebSocket " + ws.getId(), e);
            return null;
        }
    }

    private static Method declared(Class<?> type, String name) throws NoSuchMethodException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredMethod(name);
            } catch (NoSuchMethodException e) {
                // declared higher up
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + "()");
    }

    /** The value of field {@code name}, declared by {@code o}'s class or one above it, whatever its access. */
    static Object field(Object o, String name) throws ReflectiveOperationException {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // declared higher up
            }
        }
        throw new NoSuchFieldException(o.getClass().getName() + "." + name);
    }

    private static Object invoke(Session ws, Object target, String method) {
        try {
            Method m = target.getClass().getMethod(method);
            m.setAccessible(true);
            return m.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "could not " + method + " under WebSocket " + ws.getId(), e);
            return null;
        }
    }
}
