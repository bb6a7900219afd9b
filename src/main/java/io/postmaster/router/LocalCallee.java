package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.WampException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An in-process callee: a session without a transport, joined to a realm, whose INVOCATIONs run a {@link Handler}
 * on the executor and are answered through the dealer like a remote callee's YIELD or ERROR. Server-side procedures
 * are made of these, so the dealer needs no special case.
 */
public final class LocalCallee implements Peer {
    private static final Logger LOG = Logger.getLogger(LocalCallee.class.getName());
    private static final RateLimitedLog SATURATED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);

    /** What a server-side procedure does with a call. */
    public interface Handler {
        /** @return the RESULT's arguments, or null for none */
        List<Object> handle(SessionDetails caller, List<Object> args, Map<String, Object> kwargs) throws Exception;
    }

    private final Router router;
    private final String procedure;
    private final Handler handler;
    private volatile Session session;
    private volatile WampMessage registerReply;

    LocalCallee(Router router, String procedure, Handler handler) {
        this.router = router;
        this.procedure = procedure;
        this.handler = handler;
    }

    void bind(Session s) {
        this.session = s;
    }

    WampMessage registerReply() {
        return registerReply;
    }

    @Override
    public void send(Outgoing out) {
        WampMessage m = out.message();
        if (m instanceof WampMessage.Invocation inv) {
            invoke(inv);
        } else if (m instanceof WampMessage.Registered || m instanceof WampMessage.Error) {
            registerReply = m;
        }
    }

    private void invoke(WampMessage.Invocation inv) {
        Session s = session;
        var pending = s.invocations().get(inv.request());
        SessionDetails caller = pending == null ? null : pending.caller().details();
        try {
            router.extensions().executor().execute(() -> answer(s, inv, caller));
        } catch (RejectedExecutionException e) {
            SATURATED.log(() -> "call of " + procedure + " refused: the executor is saturated (postmaster.executor-queue)");
            fail(s, inv, ErrorUris.RUNTIME_ERROR, null, null);
        }
    }

    private void answer(Session s, WampMessage.Invocation inv, SessionDetails caller) {
        List<Object> result;
        try {
            result = handler.handle(caller, inv.args(), inv.kwargs());
        } catch (WampException e) {
            String uri = e.error() != null && Uris.valid(e.error(), Uris.Rule.LOOSE) ? e.error() : ErrorUris.RUNTIME_ERROR;
            fail(s, inv, uri, e.args(), e.kwargs());
            return;
        } catch (IllegalArgumentException e) {
            LOG.log(Level.FINE, "bad arguments for " + procedure, e);
            fail(s, inv, ErrorUris.INVALID_ARGUMENT, List.of("the arguments do not fit " + procedure), null);
            return;
        } catch (Exception | Error e) { // even an OutOfMemoryError: the caller gets its answer
            // Internal errors never leak to the caller: logged here (rate-limited: callers choose how often), a bare URI
            // for the caller.
            FAILED.log(() -> "server-side procedure " + procedure + " failed", e);
            fail(s, inv, ErrorUris.RUNTIME_ERROR, null, null);
            return;
        }
        router.dealer().yield(s, new WampMessage.Yield(inv.request(), Map.of(), result, null));
    }

    private void fail(Session s, WampMessage.Invocation inv, String uri, List<Object> args, Map<String, Object> kwargs) {
        router.dealer().invocationError(s, new WampMessage.Error(MessageType.INVOCATION.code(), inv.request(),
                Map.of(), uri, args, kwargs));
    }

    @Override
    public void close(int code, String reason) {
        Session s = session;
        if (s != null) {
            s.realm().detach(s);
        }
    }

    @Override
    public TransportInfo transport() {
        return new TransportInfo("in-process", "none", true);
    }
}
