package io.postmaster.endpoint;

import io.postmaster.logging.RateLimitedLog;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets go of the upgraded HTTP request on Undertow (WildFly) once its WebSocket is open.
 *
 * <p>Undertow's JSR-356 filter gives the HTTP connection an upgrade listener that holds the whole servlet exchange —
 * request and response with all their headers, the servlet and security contexts — and the connection keeps that
 * listener, and so the request, for as long as the socket is open: about 2.3 KiB of live heap per idle WebSocket,
 * a quarter of what one costs. No setting or public API releases it. After the handshake has passed through
 * {@link HandshakeFilter}, the listener is replaced by one that runs it and then clears the field, so the request is
 * garbage as soon as the WebSocket is open.
 *
 * <p>Found by shape, by reflection (the WAR does not see Undertow's classes): the request's {@code getExchange()},
 * the exchange's {@code getConnection()}, the connection's {@code upgradeListener} field. Anywhere the shape is not
 * there (other servers, a request wrapped by another filter) nothing happens; where reflection is refused it is
 * logged once and not tried again.
 */
final class UpgradeRelease {
    private static final Logger LOG = Logger.getLogger(UpgradeRelease.class.getName());
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.INFO);
    private static final AtomicBoolean DISABLED = new AtomicBoolean();
    /** The last connection class seen and its listener field: one server, one class. */
    private static volatile Field cachedField;

    private UpgradeRelease() {
    }

    /**
     * Called after the container's handshake ran inside {@code chain.doFilter}: wraps the connection's pending
     * upgrade listener so that it is let go once it has run.
     *
     * @return whether a listener was wrapped
     */
    static boolean afterHandshake(Object request) {
        if (request == null || DISABLED.get()) {
            return false;
        }
        try {
            Object exchange = call(request, "getExchange");
            Object connection = exchange == null ? null : call(exchange, "getConnection");
            if (connection == null) {
                return false;
            }
            Field field = listenerField(connection.getClass());
            if (field == null || !field.getType().isInterface()) {
                return false;
            }
            Object original = field.get(connection);
            if (original == null || Proxy.isProxyClass(original.getClass())) {
                return false;
            }
            Object[] self = new Object[1];
            self[0] = Proxy.newProxyInstance(field.getType().getClassLoader(), new Class<?>[] {field.getType()},
                    (proxy, method, args) -> {
                        if (method.getDeclaringClass() == Object.class) {
                            return switch (method.getName()) {
                                case "equals" -> proxy == args[0];
                                case "hashCode" -> System.identityHashCode(proxy);
                                default -> "released " + original;
                            };
                        }
                        try {
                            return method.invoke(original, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        } finally {
                            if (field.get(connection) == self[0]) { // an upgraded connection gets no other listener
                                field.set(connection, null);
                            }
                        }
                    });
            field.set(connection, self[0]);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (DISABLED.compareAndSet(false, true)) {
                FAILED.log(() -> "the server's upgraded HTTP requests stay in memory while their WebSockets are open: "
                        + e);
            }
            return false;
        }
    }

    private static Object call(Object target, String name) throws ReflectiveOperationException {
        Method m;
        try {
            m = target.getClass().getMethod(name);
        } catch (NoSuchMethodException e) {
            return null; // not the shape looked for
        }
        return m.invoke(target);
    }

    private static Field listenerField(Class<?> type) {
        Field f = cachedField;
        if (f != null && f.getDeclaringClass().isAssignableFrom(type)) {
            return f;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                f = c.getDeclaredField("upgradeListener");
            } catch (NoSuchFieldException e) {
                continue;
            }
            f.setAccessible(true);
            cachedField = f;
            return f;
        }
        return null;
    }
}
