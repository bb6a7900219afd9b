package io.postmaster.endpoint;

import io.postmaster.config.AuthConfig;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.config.RawSocketConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.router.Router;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Owns the router for the application's lifetime and makes it and the {@link PostmasterConfig} available as CDI
 * beans (dependent producers of plain objects). Starts with the application (so a bad setting fails the
 * deployment, not the first client) and drains when the application stops: new sessions and calls are refused, the
 * calls already routed get {@code postmaster.drain-grace-ms} to finish, then every session gets GOODBYE
 * {@code wamp.close.system_shutdown}.
 */
@ApplicationScoped
public class PostmasterRuntime {
    private static final Logger LOG = Logger.getLogger(PostmasterRuntime.class.getName());
    private static final RateLimitedLog TIMER_FAILURES = new RateLimitedLog(LOG, Level.WARNING);
    /** Threads that may close connections at the same time. */
    static final int CLOSE_THREADS = 4;

    private PostmasterConfig config;
    private AuthConfig authConfig;
    private ScheduledThreadPoolExecutor timers;
    /** Postmaster's own threads for application code: the pool itself, or the fallback of {@link #executor}. */
    private ThreadPoolExecutor ownPool;
    /** Where application code runs: the server's managed executor within the bounds, or {@link #ownPool}. */
    private java.util.concurrent.Executor executor;
    private ThreadPoolExecutor closer;
    private OpenConnections openConnections;
    private Router router;
    private OutboundBudget outboundBudget;
    /** Tasks of application code refused because the executor's queue was full. */
    private final LongAdder executorRejections = new LongAdder();
    /** The drain started by {@link #drain()}, if any. */
    private Thread drainer;
    /** This node's link to the other nodes, if {@code postmaster.cluster.redis} is set. */
    private io.postmaster.cluster.RedisCluster cluster;
    /** The RawSocket listener, while the application runs, if {@code postmaster.rawsocket.enabled}. */
    private RawSocketServer rawSocket;
    /** The server's own WebSocket API serving {@code /ws} (see {@link NativeWebSockets}), or null: JSR-356 does. */
    private volatile NativeWebSockets nativeWebSockets;

    /** The session resumption extension, if the application has one (for {@link #nativeWebSockets}). */
    @Inject
    jakarta.enterprise.inject.Instance<SessionResumption> resumptions;

    @Inject
    ExtensionPoints extensionPoints;

    /** Reads the settings once. */
    private synchronized void loadConfig() {
        if (config == null) {
            config = PostmasterConfig.load();
            LOG.info(() -> PostmasterConfig.microProfileConfig()
                    ? "settings read through the deployment's MicroProfile Config"
                    : "settings read from system properties, environment variables, postmaster.config and the"
                    + " deployment's META-INF/microprofile-config.properties (the server has no MicroProfile Config)");
            authConfig = AuthConfig.from(PostmasterConfig.sources(), config);
        }
    }

    /** Builds the router on first use (normally at startup, see {@link #start}). */
    synchronized Router router() {
        if (router == null) {
            loadConfig();
            // Timers and deferred closes only: short, non-blocking tasks. Jakarta Concurrency is not part of the
            // EE 9.1 Web Profile, so the router keeps this one daemon thread itself.
            timers = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "postmaster-timer");
                t.setDaemon(true);
                return t;
            }) {
                @Override
                protected void afterExecute(Runnable task, Throwable thrown) {
                    timerFailed(task, thrown);
                }
            };
            timers.setRemoveOnCancelPolicy(true);
            // At stop, what is still due (delayed refusals, drops of stuck connections) is moot: the container closes
            // every connection anyway.
            timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            closer = closeExecutor();
            openConnections = new OpenConnections(config.connections().maxPerAddress());
            ownPool = applicationExecutor(authConfig, executorRejections);
            ManagedLane managed = config.server().managedExecutor()
                    ? managedLane(authConfig, ownPool, executorRejections) : null;
            executor = managed != null ? managed : ownPool;
            outboundBudget = new OutboundBudget(config.outbound().totalBytes());
            // The cluster's classes (and its Redis client) are loaded only when a cluster is configured.
            if (config.cluster().enabled()) {
                cluster = io.postmaster.cluster.RedisCluster.start(config);
            }
            router = new Router(config, timers, AdminSessions.install(extensionPoints.build(authConfig, config.login(),
                    config.scram(), config.server().logins(), executor), config.admin()),
                    cluster == null ? io.postmaster.router.Backplane.NONE : cluster);
            if (cluster != null) {
                cluster.attach(router);
            }
            LOG.info(() -> "Postmaster settings: max-message-size " + config.maxMessageSize()
                    + ", outbound-queue " + config.outboundQueueLimit() + ", hello-timeout-ms "
                    + config.helloTimeout().toMillis() + ", allowed-origins " + config.allowedOrigins()
                    + ", write-batching " + config.writeBatching() + ", outbound-queue-bytes "
                    + config.outbound().queueBytes() + ", outbound-total-bytes " + config.outbound().totalBytes()
                    + ", max-connections-per-address "
                    + config.connections().maxPerAddress() + ", ping-interval-ms "
                    + config.connections().pingInterval().toMillis() + ", ping-max-missed "
                    + config.connections().pingMaxMissed() + ", rawsocket.enabled " + config.rawSocket().enabled()
                    + ", cluster.redis " + io.postmaster.config.ClusterConfig.redacted(config.cluster().redis()));
            if (!io.postmaster.serialization.MsgpackValues.fastBuffers()) {
                LOG.warning("msgpack-core uses its portable buffers here: sun.misc.Unsafe (module jdk.unsupported) is"
                        + " not visible to the application, so wamp.2.msgpack costs more CPU than it needs to");
            }
        }
        return router;
    }

    /**
     * A scheduled task that throws ends in its future, which nobody reads (timeouts, deferred closes): without this,
     * the failure would vanish without a trace.
     */
    static void timerFailed(Runnable task, Throwable thrown) {
        Throwable t = thrown;
        if (t == null && task instanceof Future<?> f && f.isDone() && !f.isCancelled()) {
            try {
                f.get();
            } catch (ExecutionException e) {
                t = e.getCause();
            } catch (CancellationException | InterruptedException e) {
                // not a failure
            }
        }
        if (t != null) {
            Throwable cause = t;
            TIMER_FAILURES.log(() -> "a timer task failed (" + cause + ")", cause);
        }
    }

    @Inject
    ServerProcedures procedures;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        procedures.registerAll(router()); // a bad @WampProcedure fails the deployment, not the first call
        startRawSocket();
        startNativeWebSockets(event);
        if (event instanceof jakarta.servlet.ServletContext context) {
            long t0 = System.nanoTime();
            int n = loadOwnClasses(context, "/WEB-INF/classes/io/postmaster/");
            if (n > 0) {
                LOG.info(() -> "loaded " + n + " classes ahead of the stop in " + (System.nanoTime() - t0) / 1_000_000
                        + " ms");
            }
        }
    }

    /**
     * Loads (without initializing) every class of Postmaster's under {@code dir}. Open Liberty may take the
     * application's files away before it stops the application (an application removed from {@code dropins}), and a
     * class first needed while stopping (a GOODBYE to send, the drain) can then no longer be read: the stop would
     * fail half-way and leave the RawSocket port bound. Where the classes are in a JAR instead, nothing is listed.
     * Returns how many were loaded.
     */
    private static int loadOwnClasses(jakarta.servlet.ServletContext context, String dir) {
        java.util.Set<String> paths = context.getResourcePaths(dir);
        if (paths == null) {
            return 0;
        }
        int loaded = 0;
        ClassLoader loader = PostmasterRuntime.class.getClassLoader();
        for (String path : paths) {
            if (path.endsWith("/cluster/")) {
                continue; // used only with a cluster configured, and then loaded long before any stop
            } else if (path.endsWith("/")) {
                loaded += loadOwnClasses(context, path);
            } else if (path.endsWith(".class")) {
                String name = path.substring("/WEB-INF/classes/".length(), path.length() - ".class".length())
                        .replace('/', '.');
                try {
                    Class.forName(name, false, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    LOG.log(Level.FINE, "could not load " + name + " ahead of time", e);
                }
            }
        }
        return loaded;
    }

    /**
     * Chooses what serves {@code /ws}, and says so once: Undertow's own WebSocket API where the server is Undertow,
     * its classes are visible to the application and {@code postmaster.undertow-native} is on; the JSR-356 endpoint
     * otherwise.
     */
    private synchronized void startNativeWebSockets(Object event) {
        if (nativeWebSockets != null) {
            return;
        }
        if (!onUndertow(event)) {
            String server = event instanceof jakarta.servlet.ServletContext c ? c.getServerInfo() : null;
            if (!config.nativeWebSocket().servletUpgradeOn(server)) {
                LOG.info("WebSocket /ws is served by the JSR-356 endpoint ("
                        + io.postmaster.config.NativeWebSocket.SERVLET_UPGRADE + " is off)");
                return;
            }
            nativeWebSockets = new ServletUpgradeWebSockets(router, this, resumptionOnce(), timers);
            LOG.info("WebSocket /ws is served by Postmaster over the servlet container's HTTP upgrade for WAMP v2 ("
                    + io.postmaster.config.NativeWebSocket.SERVLET_UPGRADE + "); WAMP v1 and the other WebSocket"
                    + " paths by the JSR-356 endpoints");
            return;
        }
        if (!config.nativeWebSocket().undertow()) {
            LOG.info("WebSocket /ws is served by the JSR-356 endpoint (" + io.postmaster.config.NativeWebSocket.UNDERTOW
                    + " is off)");
            return;
        }
        try {
            nativeWebSockets = UndertowWebSockets.create(router, this, resumptionOnce());
            LOG.info("WebSocket /ws is served by Undertow's own WebSocket API for WAMP v2 ("
                    + io.postmaster.config.NativeWebSocket.UNDERTOW + "), "
                    + (config.ownFraming().enabled() ? "framed by Postmaster on the upgraded connection ("
                    + io.postmaster.config.OwnFraming.OWN_FRAMING + ")" : "framed by Undertow's WebSocket channel ("
                    + io.postmaster.config.OwnFraming.OWN_FRAMING + " is off)")
                    + "; WAMP v1 and the other WebSocket paths by the JSR-356 endpoints");
        } catch (LinkageError | RuntimeException e) {
            LOG.log(Level.WARNING, "WebSocket /ws is served by the JSR-356 endpoint: Undertow's WebSocket API is not"
                    + " usable by the application (its modules are named in WEB-INF/jboss-deployment-structure.xml)", e);
        }
    }

    /** The session resumption extension, looked up when first asked for (null if the application has none). */
    private Supplier<SessionResumption> resumptionOnce() {
        SessionResumption[] resumption = new SessionResumption[1];
        return () -> {
            if (resumption[0] == null && resumptions != null && resumptions.isResolvable()) {
                resumption[0] = resumptions.get();
            }
            return resumption[0];
        };
    }

    /**
     * Whether the application runs on Undertow with its WebSocket and XNIO classes visible: the servlet context is
     * Undertow's (where the start event carries it) and the classes load.
     */
    static boolean onUndertow(Object event) {
        if (event instanceof jakarta.servlet.ServletContext context
                && !context.getClass().getName().startsWith("io.undertow.")) {
            return false;
        }
        ClassLoader loader = PostmasterRuntime.class.getClassLoader();
        try {
            Class.forName("io.undertow.websockets.core.WebSocketChannel", false, loader);
            Class.forName("io.undertow.servlet.websockets.ServletWebSocketHttpExchange", false, loader);
            Class.forName("org.xnio.Pooled", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The server's own WebSocket API serving {@code /ws}, or null where the JSR-356 endpoint does. */
    NativeWebSockets nativeWebSockets() {
        return nativeWebSockets;
    }

    /** Opens the RawSocket port, if enabled; a port that cannot be bound fails the deployment. */
    private synchronized void startRawSocket() {
        RawSocketConfig rs = config.rawSocket();
        if (!rs.enabled() || rawSocket != null) {
            return;
        }
        try {
            rawSocket = RawSocketServer.start(config, router, outboundBudget, openConnections, timers);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("RawSocket cannot listen on " + rs.bindAddress() + ":" + rs.port() + " ("
                    + RawSocketConfig.BIND_ADDRESS + ", " + RawSocketConfig.PORT + "): " + e, e);
        }
    }

    /**
     * Says GOODBYE to every session and stops the router's threads. Waits briefly for the timers, never for the
     * close executor: the closes queued by {@code router.close()} may each block in the container, and an application
     * stop that waited for them would be reported as failed (Open Liberty's undeploy); they finish on their own.
     */
    @PreDestroy
    synchronized void stop() {
        if (router != null) {
            // Each step runs whatever the one before it threw: above all, the RawSocket port must be freed.
            try {
                drainCalls();
                router.close();
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "stopping the router failed; going on with the rest of the stop", e);
            }
            try {
                NativeWebSockets n = nativeWebSockets;
                if (n != null) {
                    n.close(); // the container's JSR-356 layer closes its own; these are the application's to close
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "closing the WebSockets of /ws failed; going on with the rest of the stop", e);
            }
            try {
                if (cluster != null) {
                    cluster.close(); // leaves the cluster: the other nodes stop relaying to this one at once
                    cluster = null;
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "leaving the cluster failed; going on with the rest of the stop", e);
            }
            if (rawSocket != null) {
                rawSocket.close(); // the port is free again when this returns: a redeploy can bind it
                rawSocket = null;
            }
            closer.shutdown(); // runs what is queued, accepts nothing new; not awaited
            timers.shutdown();
            ownPool.shutdown();
            try {
                timers.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Produces
    Router produceRouter() {
        return router();
    }

    @Produces
    PostmasterConfig produceConfig() {
        loadConfig();
        return config;
    }

    @Produces
    AuthConfig produceAuthConfig() {
        loadConfig();
        return authConfig;
    }

    /**
     * Postmaster's own bounded pool for application code (authenticators, credential and permission lookups, event
     * observers), never the container's I/O thread: where the server offers no managed executor, or
     * {@code postmaster.managed-executor} is false (Jakarta Concurrency is not part of the EE 9.1 Web Profile): {@code postmaster.executor-threads} daemon threads with the deployment's
     * class loader, at most {@code postmaster.executor-queue} waiting tasks; past that, new work is refused (an
     * authentication gets ABORT {@code wamp.error.authentication_failed}), never queued without bound.
     */
    private static ThreadPoolExecutor applicationExecutor(AuthConfig c, LongAdder rejections) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(c.executorThreads(), c.executorThreads(), 60,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(c.executorQueue()), r -> {
            Thread t = new Thread(r, "postmaster-app-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        }, (task, refusing) -> {
            rejections.increment();
            throw new RejectedExecutionException("the executor's queue is full (postmaster.executor-queue)");
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * The server's managed executor within Postmaster's bounds ({@link ManagedLane}), its tasks in the deployment's
     * context as the server's {@code ContextService} captures it now (this runs while the application starts, on a
     * thread of the deployment); null where the server offers no managed executor (Jakarta Concurrency is not in the
     * EE 9.1 Web Profile: Open Liberty without its concurrent feature, for one).
     */
    private static ManagedLane managedLane(AuthConfig c, ThreadPoolExecutor fallback, LongAdder rejections) {
        Object found;
        javax.naming.InitialContext jndi;
        try {
            jndi = new javax.naming.InitialContext();
            found = jndi.lookup("java:comp/DefaultManagedExecutorService");
        } catch (javax.naming.NamingException | RuntimeException e) {
            LOG.info(() -> "application code runs on Postmaster's own " + c.executorThreads() + " thread(s): the"
                    + " server offers no java:comp/DefaultManagedExecutorService (" + e + ")");
            return null;
        }
        if (!(found instanceof java.util.concurrent.ExecutorService managed)) {
            LOG.info(() -> "application code runs on Postmaster's own threads: java:comp/DefaultManagedExecutorService"
                    + " is no executor service (" + found.getClass().getName() + ")");
            return null;
        }
        java.util.concurrent.Executor submit = inContext(managed);
        boolean captured = submit != managed;
        LOG.info(() -> "application code runs on the server's managed executor (java:comp/DefaultManagedExecutorService)"
                + (captured ? " in the application's context (java:comp/DefaultContextService)," : ",")
                + " at most " + c.executorThreads() + " task(s) at once (postmaster.executor-threads), "
                + c.executorQueue() + " waiting (postmaster.executor-queue)");
        return new ManagedLane(submit, fallback, c.executorThreads(), c.executorQueue(), rejections);
    }

    /**
     * {@code managed}'s {@code execute} called inside the context the server's {@code java:comp/DefaultContextService}
     * captures on this thread; {@code managed} itself where there is none.
     */
    private static java.util.concurrent.Executor inContext(java.util.concurrent.ExecutorService managed) {
        try {
            return contextual(new javax.naming.InitialContext().lookup("java:comp/DefaultContextService"),
                    managed::execute);
        } catch (javax.naming.NamingException | ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.INFO, "no java:comp/DefaultContextService to capture the application's context with;"
                    + " application code gets the context the managed executor gives each task", e);
            return managed;
        }
    }

    /**
     * Captures the application's context again for the workers of the managed executor, on a thread where the server
     * has set up all of it (a servlet listener: WildFly sets the EE naming context for tasks there, not in CDI's
     * startup event). Nothing to do on Postmaster's own threads.
     */
    void captureContext() {
        router();
        if (executor instanceof ManagedLane lane) {
            try {
                Object found = new javax.naming.InitialContext().lookup("java:comp/DefaultManagedExecutorService");
                if (found instanceof java.util.concurrent.ExecutorService managed) {
                    java.util.concurrent.Executor submit = inContext(managed);
                    if (submit != managed) {
                        lane.submitThrough(submit);
                    }
                }
            } catch (javax.naming.NamingException | RuntimeException e) {
                LOG.log(Level.FINE, "the managed executor is not visible from the servlet listener", e);
            }
        }
    }

    /**
     * {@code target} called inside the context {@code contextService} captures now: its {@code createContextualProxy},
     * called by reflection because Jakarta Concurrency is not in the EE 9.1 Web Profile Postmaster compiles against.
     */
    static java.util.concurrent.Executor contextual(Object contextService, java.util.concurrent.Executor target)
            throws ReflectiveOperationException {
        Class<?> api = apiOf(contextService.getClass(), "jakarta.enterprise.concurrent.ContextService");
        if (api == null) {
            throw new ClassNotFoundException("jakarta.enterprise.concurrent.ContextService is not implemented by "
                    + contextService.getClass().getName());
        }
        return (java.util.concurrent.Executor) api.getMethod("createContextualProxy", Object.class, Class.class)
                .invoke(contextService, target, java.util.concurrent.Executor.class);
    }

    /** The interface named {@code name} among those {@code type} implements, or null. */
    private static Class<?> apiOf(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals(name)) {
                    return i;
                }
                Class<?> deeper = apiOf(i, name);
                if (deeper != null) {
                    return deeper;
                }
            }
        }
        return null;
    }

    /**
     * Stops taking new work (see {@link Router#drain}) and waits up to {@code postmaster.drain-grace-ms} for the
     * calls already routed to end. Readiness reports DOWN from the first moment.
     */
    private void drainCalls() {
        router.drain();
        long deadline = System.nanoTime() + config.operator().drainGrace().toNanos();
        int left;
        while ((left = router.callsInFlight()) > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // polled: calls end on many threads, and the grace is short
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (left > 0) {
            int unfinished = left;
            LOG.info(() -> unfinished + " call(s) still running after " + config.operator().drainGrace().toMillis()
                    + " ms (postmaster.drain-grace-ms); their callers get GOODBYE with the rest");
        }
    }

    /**
     * The operator's drain: no new sessions or calls from now on (readiness DOWN), the calls already routed get
     * {@code postmaster.drain-grace-ms} to finish, then every session gets GOODBYE {@code wamp.close.system_shutdown}.
     * Runs on its own thread; returns at once. The application stays deployed, refusing new sessions, until it is
     * stopped.
     */
    public synchronized void drain() {
        Router r = router();
        if (drainer != null || r.draining()) {
            return;
        }
        r.drain();
        drainer = new Thread(() -> {
            drainCalls();
            r.close();
        }, "postmaster-drain");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** Tasks of application code refused so far because the executor's queue was full. */
    public long executorRejections() {
        return executorRejections.sum();
    }

    /**
     * The cluster engine this node routes through ({@link io.postmaster.router.Backplane#NONE} for a single node),
     * seen through the router's interface only, so a single node loads no cluster class.
     */
    public io.postmaster.router.Backplane backplane() {
        router();
        io.postmaster.router.Backplane b = cluster;
        return b == null ? io.postmaster.router.Backplane.NONE : b;
    }

    /** The executor on which application code runs (for the operator's views: queue depth, liveness). */
    public java.util.concurrent.Executor applicationExecutor() {
        router();
        return executor;
    }

    /** The timer thread (for the liveness check). */
    public java.util.concurrent.Executor timerExecutor() {
        router();
        return timers;
    }

    /** What all connections together may hold of unwritten messages ({@code postmaster.outbound-total-bytes}). */
    OutboundBudget outboundBudget() {
        router();
        return outboundBudget;
    }

    /**
     * Where WebSocket connections are closed (see {@link WebSocketPeer}): a container's {@code Session.close} may
     * block, so it runs neither on a routing thread nor on the container's I/O thread nor on the timer thread.
     * {@value #CLOSE_THREADS} daemon threads, so one close that blocks does not hold up the others, that end when
     * idle. Its queue holds at most one close per open connection (each connection hands over one), so it is bounded
     * by the connections the server admits. After {@link #stop} a close is dropped: the container closes the
     * application's connections as it stops it.
     */
    private static ThreadPoolExecutor closeExecutor() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(CLOSE_THREADS, CLOSE_THREADS, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "postmaster-close-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The open WebSocket connections per client address (also counted by the seed-protocol endpoints). */
    public OpenConnections openConnections() {
        router();
        return openConnections;
    }

    /** The executor on which connections are closed. */
    ThreadPoolExecutor closer() {
        router();
        return closer;
    }

    /** The bounded executor that runs application code (the in-process client's handlers among it). */
    java.util.concurrent.Executor executor() {
        router();
        return executor;
    }

    /** The scheduler for timers and deferred work. */
    ScheduledThreadPoolExecutor timers() {
        router();
        return timers;
    }
}
