package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.WampException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An in-process callee: a session without a transport, joined to a realm, whose INVOCATIONs run a {@link Handler}
 * on the executor and are answered through the dealer like a remote callee's YIELD or ERROR. Server-side procedures
 * are made of these, so the dealer needs no special case. Its REGISTER is the router's own: it does not pass the
 * realm's gate.
 */
public final class LocalCallee implements Peer, Session.Carrier {
    private static final Logger LOG = Logger.getLogger(LocalCallee.class.getName());
    private static final RateLimitedLog SATURATED = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, Level.WARNING);

    /** What a server-side procedure does with a call. */
    public interface Handler {
        /** @return the RESULT's arguments, or null for none */
        List<Object> handle(SessionDetails caller, List<Object> args, Map<String, Object> kwargs) throws Exception;
    }

    private final Realm realm;
    private final String procedure;
    private final Handler handler;
    private final Executor executor;
    private volatile Member member;

    private LocalCallee(Realm realm, String procedure, Handler handler, Executor executor) {
        this.realm = realm;
        this.procedure = procedure;
        this.handler = handler;
        this.executor = executor;
    }

    /**
     * Joins an in-process callee with session ID {@code id} to {@code realm} and registers {@code procedure} for it,
     * callable by the sessions {@code access} admits.
     *
     * @throws IllegalArgumentException if the URI is invalid or already registered
     */
    static void register(Realm realm, long id, String procedure, Predicate<SessionDetails> access, Handler handler,
                         Executor executor) {
        if (!Uris.valid(procedure, realm.uriRule()) || Uris.reserved(procedure)) {
            throw new IllegalArgumentException("server-side procedure " + procedure + " could not be registered in "
                    + realm.name() + ": invalid procedure URI");
        }
        LocalCallee callee = new LocalCallee(realm, procedure, handler, executor);
        SessionDetails details = new SessionDetails(id, realm.name(), "postmaster", "postmaster", "internal",
                "postmaster", Map.of(), Session.transportDetails(callee));
        Member m = realm.join(new Session(callee, details, Permissions.NONE, Map.of(), executor, callee));
        if (m == null) {
            throw new IllegalArgumentException("server-side procedure " + procedure + " could not be registered in "
                    + realm.name() + ": the realm was removed");
        }
        callee.member = m;
        m.party().nodeOnly = true; // every node has its own: not shared through a cluster's registration table
        boolean restricted = realm.dealer().restrictCalls(procedure, access);
        try {
            realm.dealer().register(m.party(), 1, procedure, MatchPolicy.EXACT, InvokePolicy.SINGLE, false);
        } catch (Refusal r) {
            if (restricted) {
                realm.dealer().unrestrictCalls(procedure);
            }
            realm.leave(m);
            throw new IllegalArgumentException("server-side procedure " + procedure + " could not be registered in "
                    + realm.name() + ": " + r.error());
        }
    }

    @Override
    public void send(Outgoing out) {
        if (out.message() instanceof WampMessage.Invocation inv) {
            invoke(inv);
        } // REGISTERED, and INTERRUPTs it cannot act on: the handler runs to its end
    }

    private void invoke(WampMessage.Invocation inv) {
        Member m = member;
        PendingCall pending = Dealer.owed(m.party(), inv.request());
        SessionDetails caller = pending == null ? null : pending.caller().details();
        try {
            executor.execute(() -> answer(m, inv, caller));
        } catch (RejectedExecutionException e) {
            SATURATED.log(() -> "call of " + procedure + " refused: the executor is saturated (postmaster.executor-queue)");
            fail(m, inv, ErrorUris.RUNTIME_ERROR, null, null);
        }
    }

    private void answer(Member m, WampMessage.Invocation inv, SessionDetails caller) {
        List<Object> result;
        try {
            result = handler.handle(caller, inv.args(), inv.kwargs());
        } catch (WampException e) {
            String uri = e.error() != null && Uris.valid(e.error(), Uris.Rule.LOOSE) ? e.error() : ErrorUris.RUNTIME_ERROR;
            fail(m, inv, uri, e.args(), e.kwargs());
            return;
        } catch (IllegalArgumentException e) {
            LOG.log(Level.FINE, "bad arguments for " + procedure, e);
            fail(m, inv, ErrorUris.INVALID_ARGUMENT, List.of("the arguments do not fit " + procedure), null);
            return;
        } catch (Exception | Error e) { // even an OutOfMemoryError: the caller gets its answer
            // Internal errors never leak to the caller: logged here (rate-limited: callers choose how often), a bare URI
            // for the caller.
            FAILED.log(() -> "server-side procedure " + procedure + " failed", e);
            fail(m, inv, ErrorUris.RUNTIME_ERROR, null, null);
            return;
        }
        realm.dealer().yield(m.party(), new WampMessage.Yield(inv.request(), Map.of(), result, null));
    }

    private void fail(Member m, WampMessage.Invocation inv, String uri, List<Object> args, Map<String, Object> kwargs) {
        realm.dealer().invocationError(m.party(), new WampMessage.Error(MessageType.INVOCATION.code(), inv.request(),
                Map.of(), uri, args, kwargs));
    }

    @Override
    public void close(int code, String reason) {
        leave();
    }

    /** The router's own procedures are not ended by the meta API. */
    @Override
    public void kill(String reason, String message) {
    }

    @Override
    public void failed(String what, Throwable e) {
        FAILED.log(() -> "server-side procedure " + procedure + ": could not handle " + what, e);
        leave();
    }

    private void leave() {
        Member m = member;
        if (m != null) {
            realm.leave(m);
        }
    }

    @Override
    public TransportInfo transport() {
        return new TransportInfo("in-process", "none", true);
    }
}
