package io.postmaster.inprocess;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.router.SerialExecutor;
import io.postmaster.router.Connection;
import io.postmaster.router.InProcessPeer;
import io.postmaster.router.Router;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.CallOptions;
import io.postmaster.spi.CallResult;
import io.postmaster.spi.PublishOptions;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.TransportDetails;
import io.postmaster.spi.WampEvent;
import io.postmaster.spi.WampException;
import io.postmaster.spi.WampSession;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One session of application code: the router's peer and the application's {@link WampSession} in one object.
 * Requests go into the router through the session's {@link Connection}, one at a time; each waits in
 * {@link #pending} for its answer, which the session's lane completes. See the package doc for the threading.
 */
final class LocalSession implements WampSession, InProcessPeer {
    private static final Logger LOG = Logger.getLogger(LocalSession.class.getName());
    private static final RateLimitedLog SLOW = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog SATURATED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog HANDLER_FAILED = new RateLimitedLog(LOG, Level.WARNING);
    /** What this session announces: the client features it handles. */
    private static final Map<String, Object> ROLES = Map.of(
            "publisher", Map.of("features", Map.of("publisher_exclusion", true, "publisher_identification", true,
                    "subscriber_blackwhite_listing", true)),
            "subscriber", Map.of("features", Map.of("pattern_based_subscription", true,
                    "publisher_identification", true)),
            "caller", Map.of("features", Map.of("progressive_call_results", true, "call_canceling", true,
                    "call_timeout", true, "caller_identification", true)),
            "callee", Map.of("features", Map.of("caller_identification", true, "pattern_based_registration", true)));

    /** What a request waits for; the lane completes it. */
    private record Pending(MessageType request, CompletableFuture<?> future, Object handler, String uri) {
    }

    private final Router router;
    private final LocalClient client;
    private final String realm;
    private final Login login;
    private final TransportInfo transport;
    private final Values values;
    private final Executor executor;
    private final SerialExecutor lane;
    private final int queueLimit;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final Object toRouter = new Object();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Long, Consumer<WampEvent>> subscriptions = new ConcurrentHashMap<>();
    private final Map<Long, String> topics = new ConcurrentHashMap<>();
    private final Map<Long, Procedure> registrations = new ConcurrentHashMap<>();
    private final CompletableFuture<WampSession> joined = new CompletableFuture<>();
    private final CompletableFuture<String> left = new CompletableFuture<>();
    private volatile Connection connection;
    private volatile SessionDetails details;
    private volatile boolean open;
    private volatile boolean transportClosed;
    private volatile boolean leaving;

    /** @param login the identity to join as */
    LocalSession(Router router, Executor executor, LocalClient client, String realm, Login login,
                 TransportInfo transport, Values values) {
        this.router = router;
        this.client = client;
        this.realm = realm;
        this.login = login;
        this.transport = transport;
        this.values = values;
        this.executor = executor;
        this.lane = new SerialExecutor(executor);
        this.queueLimit = router.config().outboundQueueLimit();
    }

    /** Connects and sends HELLO; the stage completes at WELCOME. */
    CompletableFuture<WampSession> start() {
        connection = router.connect(this);
        if (transportClosed) { // the router is shutting down and closed us at once
            return joined;
        }
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("roles", ROLES);
        hello.put("agent", "Postmaster in-process");
        toRouter(new WampMessage.Hello(realm, hello));
        return joined;
    }

    // ------------------------------------------------------------------------------------------ the application's side

    @Override
    public SessionDetails details() {
        return details;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public CompletionStage<Long> publish(String topic, List<?> args, Map<String, ?> kwargs, PublishOptions o) {
        Map<String, Object> options = new LinkedHashMap<>();
        if (o.acknowledge()) {
            options.put("acknowledge", true);
        }
        if (!o.exclude().isEmpty()) {
            options.put("exclude", o.exclude());
        }
        if (o.eligible() != null) {
            options.put("eligible", o.eligible());
        }
        if (!o.excludeMe()) {
            options.put("exclude_me", false);
        }
        if (o.retain()) {
            options.put("retain", true);
        }
        if (o.discloseMe()) {
            options.put("disclose_me", true);
        }
        CompletableFuture<Long> f = new CompletableFuture<>();
        long request = requests.incrementAndGet();
        WampMessage.Publish m;
        try {
            named(topic, "topic");
            m = new WampMessage.Publish(request, options, topic, values.list(args), values.map(kwargs));
        } catch (IllegalArgumentException e) {
            return invalid(f, e);
        }
        if (o.acknowledge()) {
            return request(request, MessageType.PUBLISH, f, null, topic, m);
        }
        if (!open) {
            return closed(f);
        }
        toRouter(m);
        completeLater(f, null);
        return f;
    }

    @Override
    public CompletionStage<CallResult> call(String procedure, List<?> args, Map<String, ?> kwargs, CallOptions o) {
        long request = requests.incrementAndGet();
        CallFuture f = new CallFuture(request, o.cancelMode());
        Map<String, Object> options = new LinkedHashMap<>();
        if (o.timeout() != null) {
            options.put("timeout", Math.max(1, o.timeout().toMillis()));
        }
        if (o.progress() != null) {
            options.put("receive_progress", true);
        }
        if (o.discloseMe()) {
            options.put("disclose_me", true);
        }
        WampMessage.Call m;
        try {
            named(procedure, "procedure");
            m = new WampMessage.Call(request, options, procedure, values.list(args), values.map(kwargs));
        } catch (IllegalArgumentException e) {
            return invalid(f, e);
        }
        return request(request, MessageType.CALL, f, o.progress(), procedure, m);
    }

    @Override
    public CompletionStage<Subscription> subscribe(String topic, String match, Consumer<WampEvent> handler) {
        if (topic == null || match == null || handler == null) {
            return invalid(new CompletableFuture<>(), new IllegalArgumentException("topic, match and handler are needed"));
        }
        long request = requests.incrementAndGet();
        Map<String, Object> options = "exact".equals(match) ? Map.of() : Map.of("match", match);
        return request(request, MessageType.SUBSCRIBE, new CompletableFuture<>(), handler, topic,
                new WampMessage.Subscribe(request, options, topic));
    }

    @Override
    public CompletionStage<Registration> register(String procedure, Procedure handler) {
        if (procedure == null || handler == null) {
            return invalid(new CompletableFuture<>(), new IllegalArgumentException("procedure and handler are needed"));
        }
        long request = requests.incrementAndGet();
        return request(request, MessageType.REGISTER, new CompletableFuture<>(), handler, procedure,
                new WampMessage.Register(request, Map.of(), procedure));
    }

    @Override
    public CompletionStage<Void> leave() {
        leaving = true;
        synchronized (toRouter) {
            if (open) {
                connection.onMessage(new WampMessage.Goodbye(Map.of(), ErrorUris.CLOSE_NORMAL));
            }
        }
        transportClosed(); // the router has ended the session; its GOODBYE reply completes the stage
        return left.thenApply(reason -> null);
    }

    @Override
    public CompletionStage<String> ended() {
        return left.minimalCompletionStage();
    }

    private CompletionStage<Void> unsubscribe(long subscription) {
        long request = requests.incrementAndGet();
        return request(request, MessageType.UNSUBSCRIBE, new CompletableFuture<>(), subscription, null,
                new WampMessage.Unsubscribe(request, subscription));
    }

    private CompletionStage<Void> unregister(long registration) {
        long request = requests.incrementAndGet();
        return request(request, MessageType.UNREGISTER, new CompletableFuture<>(), registration, null,
                new WampMessage.Unregister(request, registration));
    }

    /** Sends a request whose answer completes {@code f}. */
    private <T> CompletableFuture<T> request(long request, MessageType type, CompletableFuture<T> f, Object handler,
                                             String uri, WampMessage m) {
        pending.put(request, new Pending(type, f, handler, uri));
        if (!open) { // closed before or while we added it: nobody else will answer
            if (pending.remove(request) != null) {
                closed(f);
            }
            return f;
        }
        toRouter(m);
        return f;
    }

    /** Hands a message to the router: serially per session, as a transport delivers a connection's messages. */
    private void toRouter(WampMessage m) {
        synchronized (toRouter) {
            connection.onMessage(m);
        }
    }

    /** A call whose cancellation sends CANCEL. */
    private final class CallFuture extends CompletableFuture<CallResult> {
        private final long request;
        private final String mode;

        CallFuture(long request, String mode) {
            this.request = request;
            this.mode = mode;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled && open && pending.containsKey(request)) {
                toRouter(new WampMessage.Cancel(request, Map.of("mode", mode)));
            }
            return cancelled;
        }
    }

    // ------------------------------------------------------------------------------------------ the router's side

    @Override
    public Login login() {
        return login;
    }

    @Override
    public TransportInfo transport() {
        return transport;
    }

    /** Called on a routing thread: only queues (see {@link io.postmaster.router.Peer}). */
    @Override
    public void send(Outgoing message) {
        if (transportClosed) {
            return;
        }
        if (queued.incrementAndGet() > queueLimit) {
            SLOW.log(() -> "closing " + this + ": " + queueLimit + " messages wait for its handlers"
                    + " (postmaster.outbound-queue)");
            close(1008, "handlers do not keep up");
            return;
        }
        WampMessage m = message.message();
        try {
            lane.execute(() -> {
                queued.decrementAndGet();
                receive(m);
            });
        } catch (RejectedExecutionException e) {
            SATURATED.log(() -> "closing " + this + ": the executor is saturated (postmaster.executor-queue)");
            close(1011, "executor saturated");
        }
    }

    /** The router ends the transport: what waits fails, and the connection learns it is gone — off this thread. */
    @Override
    public void close(int code, String reason) {
        if (transportClosed) {
            return;
        }
        transportClosed = true;
        // The router forgets the session at once (not after the handlers' backlog); what waits fails in order.
        Runnable detach = this::detach;
        Runnable end = () -> ended(ErrorUris.CLOSE_LOST,
                new WampException(ErrorUris.CANCELED, List.of("the session ended: " + reason), null));
        try {
            executor.execute(detach);
            lane.execute(end);
        } catch (RejectedExecutionException e) {
            // Saturated: the router's cleanup must still happen, and every stage must still end.
            ForkJoinPool.commonPool().execute(() -> {
                detach.run();
                end.run();
            });
        }
    }

    /** The application left, or the router closed: ends the transport. */
    private void transportClosed() {
        transportClosed = true;
        detach();
        try {
            lane.execute(() -> ended(ErrorUris.CLOSE_NORMAL,
                    new WampException(ErrorUris.CANCELED, List.of("the session left"), null)));
        } catch (RejectedExecutionException e) {
            ended(ErrorUris.CLOSE_NORMAL, new WampException(ErrorUris.CANCELED, List.of("the session left"), null));
        }
    }

    /** Lets the router forget the connection (idempotent). */
    private void detach() {
        Connection c = connection;
        if (c != null) {
            c.onTransportClosed();
        }
    }

    /** @param reason why, for {@link #ended()}; the first reason given wins */
    private void ended(String reason, WampException why) {
        open = false;
        detach();
        client.forget(this);
        joined.completeExceptionally(why);
        for (Long id : pending.keySet()) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future().completeExceptionally(why);
            }
        }
        left.complete(reason);
    }

    /** One message from the router, on the lane. */
    @SuppressWarnings("unchecked")
    private void receive(WampMessage m) {
        if (m instanceof WampMessage.Welcome w) {
            welcome(w);
        } else if (m instanceof WampMessage.Event e) {
            event(e);
        } else if (m instanceof WampMessage.Result r) {
            result(r);
        } else if (m instanceof WampMessage.Invocation i) {
            invocation(i);
        } else if (m instanceof WampMessage.Published p) {
            complete(p.request(), p.publication());
        } else if (m instanceof WampMessage.Error e) {
            Pending p = pending.remove(e.request());
            if (p != null) {
                p.future().completeExceptionally(new WampException(e.error(), e.args(), e.kwargs()));
            }
        } else if (m instanceof WampMessage.Subscribed s) {
            Pending p = pending.remove(s.request());
            if (p != null) {
                subscriptions.put(s.subscription(), (Consumer<WampEvent>) p.handler());
                topics.put(s.subscription(), p.uri());
                ((CompletableFuture<Subscription>) p.future()).complete(new Subscription() {
                    public long id() { return s.subscription(); }
                    public CompletionStage<Void> unsubscribe() { return LocalSession.this.unsubscribe(id()); }
                });
            }
        } else if (m instanceof WampMessage.Registered r) {
            Pending p = pending.remove(r.request());
            if (p != null) {
                registrations.put(r.registration(), (Procedure) p.handler());
                ((CompletableFuture<Registration>) p.future()).complete(new Registration() {
                    public long id() { return r.registration(); }
                    public CompletionStage<Void> unregister() { return LocalSession.this.unregister(id()); }
                });
            }
        } else if (m instanceof WampMessage.Unsubscribed u) {
            Pending p = pending.remove(u.request());
            if (p != null) {
                subscriptions.remove((Long) p.handler());
                topics.remove((Long) p.handler());
                p.future().complete(null);
            }
        } else if (m instanceof WampMessage.Unregistered u) {
            Pending p = pending.remove(u.request());
            if (p != null) {
                registrations.remove((Long) p.handler());
                p.future().complete(null);
            }
        } else if (m instanceof WampMessage.Abort a) {
            open = false;
            joined.completeExceptionally(new WampException(a.reason(), List.of(), a.details()));
        } else if (m instanceof WampMessage.Goodbye g) {
            ended(leaving ? ErrorUris.CLOSE_NORMAL : g.reason(),
                    new WampException(ErrorUris.CANCELED, List.of("the session ended: " + g.reason()), null));
        } else {
            // INTERRUPT: call_canceling is not announced as callee, so the router answers the caller itself
            LOG.fine(() -> this + " ignored " + m.type());
        }
    }

    private void welcome(WampMessage.Welcome w) {
        Map<String, Object> d = w.details();
        details = new SessionDetails(w.session(), realm, String.valueOf(d.get("authid")),
                String.valueOf(d.get("authrole")), String.valueOf(d.get("authmethod")),
                String.valueOf(d.get("authprovider")), Map.of(),
                new TransportDetails(transport.peerAddress(), transport.subprotocol(), transport.secure()));
        open = true;
        if (transportClosed) { // the application stopped meanwhile
            open = false;
            return;
        }
        joined.complete(this);
    }

    @SuppressWarnings("unchecked")
    private void complete(long request, Object value) {
        Pending p = pending.remove(request);
        if (p != null) {
            ((CompletableFuture<Object>) p.future()).complete(value);
        }
    }

    private void result(WampMessage.Result r) {
        boolean progress = Boolean.TRUE.equals(r.details().get("progress"));
        CallResult result = new CallResult(r.args(), r.kwargs(), r.details());
        if (!progress) {
            complete(r.request(), result);
            return;
        }
        Pending p = pending.get(r.request());
        if (p != null && p.handler() instanceof Consumer<?> c) {
            try {
                ((Consumer<CallResult>) c).accept(result);
            } catch (RuntimeException | Error e) {
                HANDLER_FAILED.log(() -> "a progress handler of " + this + " failed for " + p.uri(), e);
            }
        }
    }

    private void event(WampMessage.Event e) {
        Consumer<WampEvent> handler = subscriptions.get(e.subscription());
        if (handler == null) {
            return; // unsubscribed meanwhile
        }
        String topic = e.details().get("topic") instanceof String t ? t : topics.get(e.subscription());
        WampEvent event = new WampEvent(topic, e.subscription(), e.publication(), e.args(), e.kwargs(), e.details());
        try {
            handler.accept(event);
        } catch (RuntimeException | Error x) {
            HANDLER_FAILED.log(() -> "an event handler of " + this + " failed for " + topic, x);
        }
    }

    /** Runs the procedure concurrently with the session's other work, then answers through the router. */
    private void invocation(WampMessage.Invocation inv) {
        Procedure p = registrations.get(inv.registration());
        Runnable run = () -> {
            WampMessage answer;
            try {
                if (p == null) {
                    throw new WampException(ErrorUris.NO_SUCH_REGISTRATION, List.of(), null);
                }
                CallResult r = p.invoke(new Invocation(inv.args() == null ? List.of() : inv.args(),
                        inv.kwargs() == null ? Map.of() : inv.kwargs(), inv.details()));
                answer = new WampMessage.Yield(inv.request(), Map.of(), r == null ? null : values.list(r.args()),
                        r == null ? null : values.map(r.kwargs()));
            } catch (WampException x) {
                String uri = x.error() != null && Uris.valid(x.error(), Uris.Rule.LOOSE) ? x.error()
                        : ErrorUris.RUNTIME_ERROR;
                answer = error(inv, uri, safe(x.args()), x.kwargs() == null ? null : values.map(x.kwargs()));
            } catch (IllegalArgumentException x) {
                answer = error(inv, ErrorUris.INVALID_ARGUMENT, null, null);
            } catch (Exception | Error x) { // even an Error: the caller gets its answer
                HANDLER_FAILED.log(() -> "a procedure of " + this + " failed", x);
                answer = error(inv, ErrorUris.RUNTIME_ERROR, null, null);
            }
            if (open) {
                toRouter(answer);
            }
        };
        try {
            executor.execute(run);
        } catch (RejectedExecutionException x) {
            SATURATED.log(() -> "a call to " + this + " refused: the executor is saturated (postmaster.executor-queue)");
            toRouter(error(inv, ErrorUris.RUNTIME_ERROR, null, null));
        }
    }

    private List<Object> safe(List<Object> args) {
        try {
            return values.list(args);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static WampMessage.Error error(WampMessage.Invocation inv, String uri, List<Object> args,
                                           Map<String, Object> kwargs) {
        return new WampMessage.Error(MessageType.INVOCATION.code(), inv.request(), Map.of(), uri, args, kwargs);
    }

    // ------------------------------------------------------------------------------------------ completions

    /** Completes off the caller's thread, on the executor, as every stage of this client does. */
    private <T> void completeLater(CompletableFuture<T> f, T value) {
        try {
            lane.execute(() -> f.complete(value));
        } catch (RejectedExecutionException e) {
            f.complete(value);
        }
    }

    /** A URI must be given (whether it is valid is the router's to say, as for any client). */
    private static void named(String uri, String what) {
        if (uri == null) {
            throw new IllegalArgumentException("the " + what + " is needed");
        }
    }

    private <T> CompletableFuture<T> invalid(CompletableFuture<T> f, IllegalArgumentException e) {
        f.completeExceptionally(new WampException(ErrorUris.INVALID_ARGUMENT, List.of(e.getMessage()), null));
        return f;
    }

    private <T> CompletableFuture<T> closed(CompletableFuture<T> f) {
        f.completeExceptionally(new WampException(ErrorUris.CANCELED, List.of("the session has ended"), null));
        return f;
    }

    @Override
    public String toString() {
        SessionDetails d = details;
        return "in-process session " + (d == null ? "(joining)" : d.sessionId()) + " (" + realm + ", authid "
                + (d != null ? d.authid() : login.identity().authid()) + ")";
    }
}
