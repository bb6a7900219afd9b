package io.postmaster.router.dealer;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.Ids;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Call;
import io.postmaster.message.WampMessage.Cancel;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Register;
import io.postmaster.message.WampMessage.Registered;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.message.WampMessage.Unregister;
import io.postmaster.message.WampMessage.Unregistered;
import io.postmaster.message.WampMessage.Yield;
import io.postmaster.router.ProtocolViolation;
import io.postmaster.router.Realm;
import io.postmaster.router.Session;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.router.match.UriTable;
import io.postmaster.spi.Action;

import java.util.Map;
import java.util.logging.Logger;

/**
 * The WAMP Dealer: REGISTER, UNREGISTER, CALL → INVOCATION → YIELD → RESULT, and callee ERRORs. Stateless like the
 * broker: it works on the session's realm tables and the sessions' pending-call maps (see the package doc).
 */
public final class Dealer {
    private static final Logger LOG = Logger.getLogger(Dealer.class.getName());
    private static final Map<String, Object> PROGRESS = Map.of("progress", true);

    /** The dealer features announced in WELCOME: only those that work. */
    public Map<String, Object> features() {
        return Map.of("progressive_call_results", true);
    }

    public void register(Session s, Register m) {
        Realm realm = s.realm();
        MatchPolicy policy = MatchPolicy.of(m.options().get("match"));
        if (policy == null || !UriTable.supports(policy)) {
            s.sendError(MessageType.REGISTER, m.request(), ErrorUris.INVALID_ARGUMENT,
                    "match policy not supported: " + m.options().get("match"));
            return;
        }
        Object invoke = m.options().get("invoke");
        if (invoke != null && !"single".equals(invoke)) {
            s.sendError(MessageType.REGISTER, m.request(), ErrorUris.INVALID_ARGUMENT,
                    "invocation policy not supported: " + invoke);
            return;
        }
        if (!Uris.valid(m.procedure(), realm.uriRule()) || Uris.reserved(m.procedure())) {
            s.sendError(MessageType.REGISTER, m.request(), ErrorUris.INVALID_URI,
                    Uris.reserved(m.procedure()) ? "the wamp. namespace is reserved" : "invalid procedure URI");
            return;
        }
        String denied = realm.router().authorization().check(s, Action.REGISTER, m.procedure()); // issue 4
        if (denied != null) {
            s.sendError(MessageType.REGISTER, m.request(), denied, null);
            return;
        }
        UriTable<Registration> procedures = realm.procedures();
        synchronized (procedures) {
            if (procedures.get(m.procedure(), policy) != null) {
                s.sendError(MessageType.REGISTER, m.request(), ErrorUris.PROCEDURE_ALREADY_EXISTS, null);
                return;
            }
            Registration reg = procedures.getOrCreate(m.procedure(), policy,
                    () -> new Registration(newId(realm), m.procedure(), policy, s));
            realm.registrationsById().put(reg.id(), reg);
            s.registrations().put(reg.id(), reg);
            s.send(new Registered(m.request(), reg.id()));
        }
    }

    public void unregister(Session s, Unregister m) {
        Registration reg = s.registrations().get(m.registration());
        if (reg == null) {
            s.sendError(MessageType.UNREGISTER, m.request(), ErrorUris.NO_SUCH_REGISTRATION, null);
            return;
        }
        remove(s, reg);
        s.send(new Unregistered(m.request(), null));
    }

    public void call(Session caller, Call m) {
        Realm realm = caller.realm();
        if (!Uris.valid(m.procedure(), realm.uriRule())) {
            caller.sendError(MessageType.CALL, m.request(), ErrorUris.INVALID_URI, "invalid procedure URI");
            return;
        }
        String denied = realm.router().authorization().check(caller, Action.CALL, m.procedure()); // issue 4
        if (denied != null) {
            caller.sendError(MessageType.CALL, m.request(), denied, null);
            return;
        }
        if (realm.router().interception().call(caller, m, this::route)) { // issue 4: interceptors see it first
            return;
        }
        route(caller, m);
    }

    /** Routes a checked CALL to its callee. */
    private void route(Session caller, Call m) {
        Realm realm = caller.realm();
        Registration reg = realm.procedures().bestMatch(m.procedure());
        if (reg == null) {
            caller.sendError(MessageType.CALL, m.request(), ErrorUris.NO_SUCH_PROCEDURE, null);
            return;
        }
        Session callee = reg.callee();
        boolean progress = Boolean.TRUE.equals(m.options().get("receive_progress"));
        PendingCall pc = new PendingCall(caller, m.request(), callee, callee.nextRequestId(), reg, progress);
        if (caller.calls().putIfAbsent(m.request(), pc) != null) {
            throw new ProtocolViolation("CALL request ID " + m.request() + " is already in use by a pending call");
        }
        callee.invocations().put(pc.invocation(), pc);
        if (callee.closed()) {
            // The callee left between lookup and now; its detach may have drained before our put.
            cancelled(pc);
            return;
        }
        callee.send(new Invocation(pc.invocation(), reg.id(), Map.of(), m.args(), m.kwargs()));
    }

    public void yield(Session callee, Yield m) {
        boolean progressive = Boolean.TRUE.equals(m.options().get("progress"));
        PendingCall pc = progressive ? callee.invocations().get(m.request()) : callee.invocations().remove(m.request());
        if (pc == null) {
            lateOrUnknown(callee, m.request(), "YIELD");
            return;
        }
        if (progressive) {
            if (pc.receiveProgress()) {
                pc.caller().send(new Result(pc.callRequest(), PROGRESS, m.args(), m.kwargs()));
            } // else: the caller did not ask for progress; the spec lets the dealer drop it
            return;
        }
        pc.caller().calls().remove(pc.callRequest(), pc);
        pc.caller().send(new Result(pc.callRequest(), Map.of(), m.args(), m.kwargs()));
    }

    public void invocationError(Session callee, WampMessage.Error m) {
        PendingCall pc = callee.invocations().remove(m.request());
        if (pc == null) {
            lateOrUnknown(callee, m.request(), "ERROR");
            return;
        }
        pc.caller().calls().remove(pc.callRequest(), pc);
        String uri = Uris.valid(m.error(), Uris.Rule.LOOSE) ? m.error() : ErrorUris.INVALID_URI;
        pc.caller().send(new WampMessage.Error(MessageType.CALL.code(), pc.callRequest(), m.details(), uri,
                m.args(), m.kwargs()));
    }

    /** CANCEL: call canceling is not offered yet (not announced in WELCOME); a CANCEL is logged and ignored. */
    public void cancel(Session caller, Cancel m) {
        LOG.fine(() -> "CANCEL from " + caller + " ignored: call canceling is not supported");
    }

    /** Removes everything a leaving session holds; callers waiting on it get {@code wamp.error.canceled}. */
    public void detach(Session s) {
        for (Registration reg : s.registrations().values()) {
            remove(s, reg);
        }
        for (PendingCall pc : s.invocations().values()) {
            cancelled(pc);
        }
        for (PendingCall pc : s.calls().values()) {
            // The caller is gone: forget the call, so the callee's answer is recognised as late and dropped.
            s.calls().remove(pc.callRequest(), pc);
            pc.callee().invocations().remove(pc.invocation(), pc);
        }
    }

    /** Ends a call whose callee is gone, if nobody ended it first. */
    private static void cancelled(PendingCall pc) {
        if (pc.callee().invocations().remove(pc.invocation(), pc)) {
            pc.caller().calls().remove(pc.callRequest(), pc);
            pc.caller().sendError(MessageType.CALL, pc.callRequest(), ErrorUris.CANCELED, "the callee left");
        }
    }

    private static void lateOrUnknown(Session callee, long request, String what) {
        if (!callee.requestIdIssued(request)) {
            throw new ProtocolViolation(what + " for INVOCATION " + request + ", which was never sent");
        }
        // Late: the call ended already (caller left, call canceled). Nothing to do.
    }

    private void remove(Session s, Registration reg) {
        Realm realm = s.realm();
        UriTable<Registration> procedures = realm.procedures();
        synchronized (procedures) {
            s.registrations().remove(reg.id());
            if (procedures.remove(reg.procedure(), reg.policy(), reg)) {
                realm.registrationsById().remove(reg.id());
            }
        }
    }

    private static long newId(Realm realm) {
        long id;
        do {
            id = Ids.random();
        } while (realm.registrationsById().containsKey(id));
        return id;
    }

}
