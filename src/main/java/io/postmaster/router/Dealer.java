package io.postmaster.router;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.Ids;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Call;
import io.postmaster.message.WampMessage.Cancel;
import io.postmaster.message.WampMessage.Interrupt;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Register;
import io.postmaster.message.WampMessage.Registered;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.message.WampMessage.Unregister;
import io.postmaster.message.WampMessage.Unregistered;
import io.postmaster.message.WampMessage.Yield;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.router.match.UriTable;
import io.postmaster.spi.Action;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WAMP Dealer: REGISTER, UNREGISTER, CALL → INVOCATION → YIELD → RESULT and callee ERRORs, with the Advanced
 * Profile's progressive call results and invocations, call timeouts, call canceling, caller identification,
 * pattern-based and shared registrations. Stateless like the broker: it works on the session's realm tables and
 * the sessions' pending-call maps (see the package doc).
 */
public final class Dealer {
    private static final Logger LOG = Logger.getLogger(Dealer.class.getName());
    /** One line per expired call; a caller can leave thousands pending: rate-limited. */
    private static final RateLimitedLog EXPIRED = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog LIMIT_REACHED = new RateLimitedLog(LOG, Level.INFO);
    private static final Map<String, Object> PROGRESS = Map.of("progress", true);

    /** Registration meta events, published by the router. */
    public static final String ON_CREATE = "wamp.registration.on_create";
    public static final String ON_REGISTER = "wamp.registration.on_register";
    public static final String ON_UNREGISTER = "wamp.registration.on_unregister";
    public static final String ON_DELETE = "wamp.registration.on_delete";

    /** Answers calls to the router's own procedures ({@code wamp.*}), or returns false to route normally. */
    public interface RouterProcedures {
        boolean call(Session caller, Call call);
    }

    private final ScheduledExecutorService scheduler;
    private volatile RouterProcedures routerProcedures = (s, c) -> false;

    /**
     * @param scheduler runs call timeouts
     */
    public Dealer(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    public void routerProcedures(RouterProcedures p) {
        this.routerProcedures = p;
    }

    /** The dealer features announced in WELCOME: only those that work. */
    public Map<String, Object> features() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("progressive_call_results", true);
        f.put("progressive_call_invocations", true);
        f.put("call_timeout", true);
        f.put("call_canceling", true);
        f.put("caller_identification", true);
        f.put("pattern_based_registration", true);
        f.put("shared_registration", true);
        f.put("session_meta_api", true);
        f.put("registration_meta_api", true);
        f.put("testament_meta_api", true);
        return f;
    }

    // ------------------------------------------------------------------------------------------ registrations

    public void register(Session s, Register m) {
        Realm realm = s.realm();
        MatchPolicy policy = MatchPolicy.of(m.options().get("match"));
        InvokePolicy invoke = InvokePolicy.of(m.options().get("invoke"));
        if (policy == null || invoke == null) {
            s.sendError(MessageType.REGISTER, m.request(), ErrorUris.INVALID_ARGUMENT,
                    policy == null ? "unknown match policy: " + m.options().get("match")
                            : "unknown invocation policy: " + m.options().get("invoke"));
            return;
        }
        if (!policy.valid(m.procedure(), realm.uriRule()) || Uris.reserved(m.procedure())) {
            s.sendError(MessageType.REGISTER, m.request(), ErrorUris.INVALID_URI,
                    Uris.reserved(m.procedure()) ? "the wamp. namespace is reserved for the router"
                            : "invalid procedure URI");
            return;
        }
        String denied = realm.router().authorization().check(s, Action.REGISTER, m.procedure()).error();
        if (denied != null) {
            s.sendError(MessageType.REGISTER, m.request(), denied, null);
            return;
        }
        boolean disclose = Boolean.TRUE.equals(m.options().get("disclose_caller"));
        UriTable<Registration> procedures = realm.procedures();
        Registration reg;
        boolean created;
        synchronized (procedures) {
            reg = procedures.get(m.procedure(), policy);
            created = reg == null;
            boolean refused = !created
                    && (reg.invoke() == InvokePolicy.SINGLE || reg.invoke() != invoke || reg.has(s));
            if (!refused && !takeRegistrationSlot(s, m)) {
                return;
            }
            if (created) {
                reg = procedures.getOrCreate(m.procedure(), policy,
                        () -> new Registration(newId(realm), m.procedure(), policy, invoke));
                realm.registrationsById().put(reg.id(), reg);
            } else if (reg.invoke() == InvokePolicy.SINGLE || reg.invoke() != invoke || reg.has(s)) {
                s.sendError(MessageType.REGISTER, m.request(), ErrorUris.PROCEDURE_ALREADY_EXISTS,
                        reg.invoke() != invoke ? "registered with invocation policy " + reg.invoke().wireName()
                                : null);
                return;
            }
            reg.add(s, disclose);
            s.registrations().put(reg.id(), reg);
            s.send(new Registered(m.request(), reg.id()));
            // Meta events queued under the table's monitor (in the order the changes happened), published after.
            if (created) {
                realm.metaEvents().add(ON_CREATE, List.of(s.id(), reg.details()));
            }
            realm.metaEvents().add(ON_REGISTER, List.of(s.id(), reg.id()));
        }
        realm.metaEvents().flush();
        if (s.closed()) {
            // Detached by another thread meanwhile (see Broker.subscribe): make sure nothing of it stays.
            remove(s, reg);
        }
    }

    /**
     * Takes a registration slot of the session and of its realm, or answers the REGISTER with
     * {@code postmaster.error.limit_reached} and returns false. Under the table's monitor; given back by
     * {@link #remove}.
     */
    private static boolean takeRegistrationSlot(Session s, Register m) {
        Realm realm = s.realm();
        int cap = realm.caps().registrations();
        String refused = s.registrations().size() >= cap
                ? "the session holds " + cap + " registrations (postmaster.max-registrations)"
                : !realm.registrationQuota().tryAcquire()
                ? "the realm holds " + realm.registrationQuota().cap() + " registrations"
                        + " (postmaster.realm-max-registrations)"
                : null;
        if (refused == null) {
            return true;
        }
        LIMIT_REACHED.log(() -> "REGISTER refused for " + s + ": " + refused);
        s.sendError(MessageType.REGISTER, m.request(), ErrorUris.LIMIT_REACHED, refused);
        return false;
    }

    /**
     * Takes a pending-call slot of the caller and of its realm, or answers the CALL with
     * {@code postmaster.error.limit_reached} and returns false. Given back by {@link #done}.
     */
    private static boolean takeCallSlot(Session caller, Call m) {
        Realm realm = caller.realm();
        int cap = realm.caps().pendingCalls();
        String refused = caller.calls().size() >= cap
                ? "the session has " + cap + " calls waiting for an answer (postmaster.max-pending-calls)"
                : !realm.pendingCallQuota().tryAcquire()
                ? "the realm has " + realm.pendingCallQuota().cap() + " calls waiting for an answer"
                        + " (postmaster.realm-max-pending-calls)"
                : null;
        if (refused == null) {
            return true;
        }
        LIMIT_REACHED.log(() -> "CALL refused for " + caller + ": " + refused);
        caller.sendError(MessageType.CALL, m.request(), ErrorUris.LIMIT_REACHED, refused);
        return false;
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

    // ------------------------------------------------------------------------------------------ calls

    public void call(Session caller, Call m) {
        Realm realm = caller.realm();
        if (!Uris.valid(m.procedure(), realm.uriRule())) {
            caller.sendError(MessageType.CALL, m.request(), ErrorUris.INVALID_URI, "invalid procedure URI");
            return;
        }
        Authorization.Outcome auth = realm.router().authorization().check(caller, Action.CALL, m.procedure());
        if (auth.error() != null) {
            caller.sendError(MessageType.CALL, m.request(), auth.error(), null);
            return;
        }
        if (auth.disclose()) { // the role's rule discloses callers here
            m = new Call(m.request(), auth.options(m.options()), m.procedure(), m.args(), m.kwargs());
        }
        if (realm.router().interception().call(caller, m, this::callChecked)) { // interceptors first
            return;
        }
        callChecked(caller, m);
    }

    /** Routes a CALL that passed the checks (and the interceptors, which may have replaced its arguments). */
    private void callChecked(Session caller, Call m) {
        Realm realm = caller.realm();
        boolean progress = Boolean.TRUE.equals(m.options().get("progress"));
        PendingCall ongoing = caller.calls().get(m.request());
        if (ongoing != null) {
            continueProgressiveCall(ongoing, m, progress);
            return;
        }
        if (Uris.reserved(m.procedure()) && routerProcedures.call(caller, m)) {
            return;
        }
        Registration reg = realm.procedures().bestMatch(m.procedure());
        Registration.Callee target = reg == null ? null : reg.pick();
        if (target == null) {
            caller.sendError(MessageType.CALL, m.request(), ErrorUris.NO_SUCH_PROCEDURE, null);
            return;
        }
        Object timeoutOption = m.options().get("timeout");
        if (timeoutOption != null && !(timeoutOption instanceof Long)) {
            caller.sendError(MessageType.CALL, m.request(), ErrorUris.INVALID_ARGUMENT, "timeout must be an integer");
            return;
        }
        long timeout = timeoutOption == null ? 0 : (Long) timeoutOption;
        if (!takeCallSlot(caller, m)) {
            return;
        }
        Session callee = target.session();
        boolean receiveProgress = Boolean.TRUE.equals(m.options().get("receive_progress"));
        PendingCall pc = new PendingCall(caller, m.request(), callee, callee.nextRequestId(), reg, receiveProgress,
                progress);
        caller.calls().put(m.request(), pc);
        callee.invocations().put(pc.invocation(), pc);
        if (callee.closed()) {
            // The callee left between lookup and now; its detach may have drained before our put.
            cancelled(pc);
            return;
        }
        if (timeout > 0) {
            pc.timer = scheduler.schedule(() -> timedOut(pc), timeout, TimeUnit.MILLISECONDS);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        if (reg.policy() != MatchPolicy.EXACT) {
            details.put("procedure", m.procedure());
        }
        if (receiveProgress && callee.supports("callee", "progressive_call_results")) {
            details.put("receive_progress", true);
        }
        if (progress) {
            details.put("progress", true);
        }
        if (target.discloseCaller() || Boolean.TRUE.equals(m.options().get("disclose_me"))) {
            details.put("caller", caller.id());
            details.put("caller_authid", caller.authid());
            details.put("caller_authrole", caller.authrole());
        }
        if (timeout > 0 && callee.supports("callee", "call_timeout")) {
            details.put("timeout", timeout);
        }
        callee.send(new Invocation(pc.invocation(), reg.id(), details, m.args(), m.kwargs()));
    }

    /** A further CALL with the request ID of a pending call: the next chunk of a progressive invocation. */
    private void continueProgressiveCall(PendingCall pc, Call m, boolean progress) {
        if (!pc.progressiveInvocation()) {
            throw new ProtocolViolation("CALL request ID " + m.request() + " is already in use by a pending call");
        }
        if (!progress) {
            pc.endProgressiveInvocation();
        }
        pc.callee().send(new Invocation(pc.invocation(), pc.registration().id(), progress ? PROGRESS : Map.of(),
                m.args(), m.kwargs()));
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
        done(pc);
        pc.caller().send(new Result(pc.callRequest(), Map.of(), m.args(), m.kwargs()));
    }

    public void invocationError(Session callee, WampMessage.Error m) {
        PendingCall pc = callee.invocations().remove(m.request());
        if (pc == null) {
            lateOrUnknown(callee, m.request(), "ERROR");
            return;
        }
        done(pc);
        String uri = Uris.valid(m.error(), Uris.Rule.LOOSE) ? m.error() : ErrorUris.INVALID_URI;
        pc.caller().send(new WampMessage.Error(MessageType.CALL.code(), pc.callRequest(), m.details(), uri,
                m.args(), m.kwargs()));
    }

    /**
     * CANCEL with mode {@code skip} (answer the caller now, tell the callee nothing), {@code killnowait} (answer
     * now and INTERRUPT the callee; the default) or {@code kill} (INTERRUPT the callee; its answer, RESULT or ERROR,
     * goes to the caller). A callee that did not announce {@code call_canceling} is always treated as {@code skip}.
     * A CANCEL for a call that has ended already is ignored.
     */
    public void cancel(Session caller, Cancel m) {
        Object mode = m.options().getOrDefault("mode", "killnowait");
        if (!"skip".equals(mode) && !"kill".equals(mode) && !"killnowait".equals(mode)) {
            caller.sendError(MessageType.CANCEL, m.request(), ErrorUris.INVALID_ARGUMENT,
                    "mode must be skip, kill or killnowait");
            return;
        }
        PendingCall pc = caller.calls().get(m.request());
        if (pc == null) {
            return;
        }
        boolean interruptible = pc.callee().supports("callee", "call_canceling");
        if ("kill".equals(mode) && interruptible) {
            interrupt(pc, "kill", ErrorUris.CANCELED);
            return;
        }
        if (end(pc)) {
            caller.sendError(MessageType.CALL, pc.callRequest(), ErrorUris.CANCELED, "canceled by the caller");
            if (interruptible && !"skip".equals(mode)) {
                interrupt(pc, "killnowait", ErrorUris.CANCELED);
            }
        }
    }

    private void timedOut(PendingCall pc) {
        if (end(pc)) {
            pc.caller().sendError(MessageType.CALL, pc.callRequest(), ErrorUris.TIMEOUT, "the call timed out");
            if (pc.callee().supports("callee", "call_canceling")) {
                interrupt(pc, "killnowait", ErrorUris.TIMEOUT);
            }
        }
    }

    /** Ends calls pending longer than {@code maxNanos}, as timeouts. Called periodically by the router. */
    public void expire(Realm realm, long maxNanos) {
        long now = System.nanoTime();
        for (Session callee : realm.sessions()) {
            for (PendingCall pc : callee.invocations().values()) {
                if (now - pc.started() > maxNanos) {
                    EXPIRED.log(() -> "call " + pc.callRequest() + " of " + pc.caller() + " to " + pc.registration()
                            + " reached postmaster.call-max-pending-ms; ending it with wamp.error.timeout");
                    timedOut(pc);
                }
            }
        }
    }

    private static void interrupt(PendingCall pc, String mode, String reason) {
        if (pc.markInterrupted()) {
            pc.callee().send(new Interrupt(pc.invocation(), Map.of("mode", mode, "reason", reason)));
        }
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
            // The caller is gone: end the call (killnowait), so the callee's answer is recognised as late.
            if (end(pc) && pc.callee().supports("callee", "call_canceling")) {
                interrupt(pc, "killnowait", ErrorUris.CANCELED);
            }
        }
    }

    /** Ends a call whose callee is gone, if nobody ended it first. */
    private static void cancelled(PendingCall pc) {
        if (end(pc)) {
            pc.caller().sendError(MessageType.CALL, pc.callRequest(), ErrorUris.CANCELED, "the callee left");
        }
    }

    /** Takes a pending call out of both maps; true for the one thread that gets to answer it. */
    private static boolean end(PendingCall pc) {
        if (pc.callee().invocations().remove(pc.invocation(), pc)) {
            done(pc);
            return true;
        }
        return false;
    }

    /** Bookkeeping once the callee's map no longer holds the call. */
    private static void done(PendingCall pc) {
        if (pc.caller().calls().remove(pc.callRequest(), pc)) {
            pc.caller().realm().pendingCallQuota().release();
        }
        var t = pc.timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    private static void lateOrUnknown(Session callee, long request, String what) {
        if (!callee.requestIdIssued(request)) {
            throw new ProtocolViolation(what + " for INVOCATION " + request + ", which was never sent");
        }
        // Late: the call ended already (caller left, canceled, timed out). Nothing to do.
    }

    /**
     * Removes the session from the registration and publishes on_unregister (and on_delete when it was the last):
     * the change under the table's monitor like every change, the meta events after it. False if the session did
     * not (any longer) hold it.
     */
    private boolean remove(Session s, Registration reg) {
        Realm realm = s.realm();
        UriTable<Registration> procedures = realm.procedures();
        synchronized (procedures) {
            if (s.registrations().remove(reg.id()) == null) {
                return false;
            }
            realm.registrationQuota().release();
            boolean empty = reg.remove(s);
            realm.metaEvents().add(ON_UNREGISTER, List.of(s.id(), reg.id()));
            if (empty && procedures.remove(reg.procedure(), reg.policy(), reg)) {
                realm.registrationsById().remove(reg.id());
                realm.metaEvents().add(ON_DELETE, List.of(s.id(), reg.id()));
            }
        }
        realm.metaEvents().flush();
        return true;
    }

    private static long newId(Realm realm) {
        long id;
        do {
            id = Ids.random();
        } while (realm.registrationsById().containsKey(id));
        return id;
    }
}
