package io.postmaster.endpoint;

import io.postmaster.logging.RateLimitedLog;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes Tyrus' per-message idle timer off the server's executor where no idle timeout is set (Payara).
 *
 * <p>Tyrus 2.1 (Payara 6) restarts a session's idle timer on every message received and sent, even with no idle
 * timeout: it schedules a task with delay 0 that finds no timeout and does nothing. Payara's scheduler is its
 * managed executor service, and each task submitted there captures the caller's context, which scans the server's
 * class loaders: most of a Payara router's CPU went there. No setting turns the timer off. Postmaster never sets an
 * idle timeout (its keepalive watches connections), so here each session's scheduler (Tyrus' {@code service} field)
 * is replaced by one that answers a zero-delay schedule with a finished future at once — exactly what the task
 * would have done — and passes everything else (a real idle timeout, Tyrus' heartbeat) to the server's scheduler.
 *
 * <p>Found by shape, by reflection: a {@code service} field of type {@link ScheduledExecutorService} on a session
 * class that has Tyrus' {@code restartIdleTimeoutExecutor}. Elsewhere nothing happens; where reflection is refused it
 * is logged once and not tried again.
 */
final class TyrusIdleTimer {
    private static final Logger LOG = Logger.getLogger(TyrusIdleTimer.class.getName());
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.INFO);
    private static final AtomicBoolean DISABLED = new AtomicBoolean();
    /** The server's scheduler and its replacement: one server, one scheduler. */
    private static volatile Object[] cached;
    private static volatile Field cachedField;

    /** The answer to a zero-delay schedule: done, never run, cancelling it is a no-op. */
    private static final ScheduledFuture<Object> DONE = new ScheduledFuture<>() {
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        public int compareTo(Delayed o) {
            return Long.compare(0, o.getDelay(TimeUnit.NANOSECONDS));
        }

        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        public boolean isCancelled() {
            return false;
        }

        public boolean isDone() {
            return true;
        }

        public Object get() {
            return null;
        }

        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    };

    private TyrusIdleTimer() {
    }

    /** @return whether {@code session}'s scheduler was replaced */
    static boolean install(Object session) {
        if (session == null || DISABLED.get()) {
            return false;
        }
        try {
            Field field = serviceField(session.getClass());
            if (field == null) {
                return false;
            }
            Object current = field.get(session);
            if (current == null || Proxy.isProxyClass(current.getClass())
                    && Proxy.getInvocationHandler(current) instanceof Skipping) {
                return false;
            }
            Object[] c = cached;
            if (c == null || c[0] != current) {
                ScheduledExecutorService server = (ScheduledExecutorService) current;
                c = new Object[] {current, Proxy.newProxyInstance(TyrusIdleTimer.class.getClassLoader(),
                        new Class<?>[] {ScheduledExecutorService.class}, new Skipping(server))};
                cached = c;
            }
            field.set(session, c[1]);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (DISABLED.compareAndSet(false, true)) {
                FAILED.log(() -> "Tyrus' idle timer stays on the server's executor (every message schedules a task"
                        + " there): " + e);
            }
            return false;
        }
    }

    private static Field serviceField(Class<?> type) {
        Field f = cachedField;
        if (f != null && f.getDeclaringClass().isAssignableFrom(type)) {
            return f;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                f = c.getDeclaredField("service");
            } catch (NoSuchFieldException e) {
                continue;
            }
            if (f.getType() != ScheduledExecutorService.class || !hasRestart(c)) {
                return null;
            }
            f.setAccessible(true);
            cachedField = f;
            return f;
        }
        return null;
    }

    private static boolean hasRestart(Class<?> c) {
        for (Method m : c.getDeclaredMethods()) {
            if (m.getName().equals("restartIdleTimeoutExecutor")) {
                return true;
            }
        }
        return false;
    }

    /** Zero-delay one-shot schedules answered with {@link #DONE}; everything else to the server's scheduler. */
    private record Skipping(ScheduledExecutorService server) implements java.lang.reflect.InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("schedule") && args.length == 3 && args[1] instanceof Long delay
                    && delay <= 0) {
                return DONE;
            }
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "idle-timer-skipping " + server;
                };
            }
            try {
                return method.invoke(server, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
