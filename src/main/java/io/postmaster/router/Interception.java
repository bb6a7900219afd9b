package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.Ids;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Call;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.spi.CallInterceptor;
import io.postmaster.spi.CallRequest;
import io.postmaster.spi.PublishInterceptor;
import io.postmaster.spi.Publication;
import io.postmaster.spi.Verdict;

import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the publish and call interceptors between the checks and the routing of a PUBLISH or CALL: the last step of
 * the {@link Gate}. Without interceptors the gate does not call it and routing stays on the I/O thread. With them,
 * the message goes to the sender's {@link Session#lane() lane}: interceptors run on the executor, one message of a
 * session at a time in arrival order, and the message is routed from there, so one publisher's events keep their
 * order. A rejection (by an interceptor, or because the executor is saturated) goes back to the gate as a
 * {@link Refusal}.
 */
final class Interception {
    private static final Logger LOG = Logger.getLogger(Interception.class.getName());
    private static final RateLimitedLog VIOLATIONS = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog SATURATED = new RateLimitedLog(LOG, Level.WARNING);
    /** Interceptors that threw, and routing that failed after them: clients may find ways to cause many. */
    private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG, Level.WARNING);
    private static final Refusal BUSY = new Refusal(ErrorUris.RUNTIME_ERROR, "the router is busy; try again later");
    private static final Refusal DROPPED_CALL = new Refusal(ErrorUris.CANCELED, null);

    private final List<PublishInterceptor> publish;
    private final List<CallInterceptor> call;

    Interception(List<PublishInterceptor> publish, List<CallInterceptor> call) {
        this.publish = List.copyOf(publish);
        this.call = List.copyOf(call);
    }

    /** Whether any publish interceptor is installed (else the gate routes publications at once). */
    boolean interceptsPublications() {
        return !publish.isEmpty();
    }

    /** Whether any call interceptor is installed (else the gate routes calls at once). */
    boolean interceptsCalls() {
        return !call.isEmpty();
    }

    /**
     * Intercepts a publication that passed the URI and authorization checks: later, on the executor, {@code route}
     * is called with the publication as the interceptors left it, or {@code refuse} with their rejection, or
     * neither (dropped: an acknowledged publication still gets PUBLISHED).
     */
    void publish(Session s, Publish m, Consumer<Publish> route, Consumer<Refusal> refuse) {
        boolean ack = Boolean.TRUE.equals(m.options().get("acknowledge"));
        submit(s, MessageType.PUBLISH, refuse, () -> {
            Publish current = m;
            for (PublishInterceptor i : publish) {
                Publish p = current;
                Verdict v = verdict(() -> i.intercept(new Publication(s.details(), p.topic(), p.args(), p.kwargs(),
                        p.options())), i, s, "publication to " + m.topic());
                if (v instanceof Verdict.Replace r) {
                    current = new Publish(m.request(), m.options(), m.topic(), r.args(), r.kwargs());
                } else if (v instanceof Verdict.Reject r) {
                    refuse.accept(refusal(r));
                    return;
                } else if (v instanceof Verdict.Drop) {
                    if (ack) {
                        s.send(new WampMessage.Published(m.request(), Ids.random()));
                    }
                    return;
                }
            }
            if (!s.closed()) {
                route.accept(current);
            }
        });
    }

    /** Intercepts a CALL that passed the URI and authorization checks; see {@link #publish}. A dropped call is
     * refused with {@code wamp.error.canceled}: every call ends. */
    void call(Session s, Call m, Consumer<Call> route, Consumer<Refusal> refuse) {
        submit(s, MessageType.CALL, refuse, () -> {
            Call current = m;
            for (CallInterceptor i : call) {
                Call c = current;
                Verdict v = verdict(() -> i.intercept(new CallRequest(s.details(), c.procedure(), c.args(), c.kwargs(),
                        c.options())), i, s, "call of " + m.procedure());
                if (v instanceof Verdict.Replace r) {
                    current = new Call(m.request(), m.options(), m.procedure(), r.args(), r.kwargs());
                } else if (v instanceof Verdict.Reject r) {
                    refuse.accept(refusal(r));
                    return;
                } else if (v instanceof Verdict.Drop) {
                    refuse.accept(DROPPED_CALL);
                    return;
                }
            }
            if (!s.closed()) {
                route.accept(current);
            }
        });
    }

    private interface Intercept {
        Verdict run() throws Exception;
    }

    private static Verdict verdict(Intercept call, Object interceptor, Session s, String what) {
        try {
            Verdict v = call.run();
            return v == null ? Verdict.pass() : v;
        } catch (Exception | Error e) { // even an OutOfMemoryError: the request is answered, the lane goes on
            FAILURES.log(() -> "interceptor " + interceptor.getClass().getName() + " failed on the " + what
                    + " by " + s + " (" + e + "); rejected with " + ErrorUris.RUNTIME_ERROR, e);
            return Verdict.reject(ErrorUris.RUNTIME_ERROR);
        }
    }

    /** An interceptor's rejection; an error that is not a URI becomes {@code wamp.error.runtime_error}. */
    private static Refusal refusal(Verdict.Reject r) {
        String uri = r.error() != null && Uris.valid(r.error(), Uris.Rule.LOOSE) ? r.error() : ErrorUris.RUNTIME_ERROR;
        return new Refusal(uri, null, r.args(), r.kwargs());
    }

    private static void submit(Session s, MessageType type, Consumer<Refusal> refuse, Runnable task) {
        try {
            s.lane().execute(() -> {
                try {
                    task.run();
                } catch (ProtocolViolation v) {
                    // Thrown by routing (e.g. a reused CALL ID) off the connection's thread: end the session here.
                    VIOLATIONS.log(() -> "protocol violation by " + s + ": " + v.getMessage());
                    s.send(new WampMessage.Abort(Map.of("message", v.getMessage()), ErrorUris.PROTOCOL_VIOLATION));
                    s.peer().close(1002, ErrorUris.PROTOCOL_VIOLATION);
                } catch (RuntimeException | Error e) {
                    // Routing failed after the interceptors: the request is closed over, not left waiting.
                    s.failed(type.toString(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            SATURATED.log(() -> type + " by " + s + " refused: the executor is saturated (postmaster.executor-queue)");
            refuse.accept(BUSY);
        }
    }
}
