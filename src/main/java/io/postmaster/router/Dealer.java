package io.postmaster.router;

import io.postmaster.config.SessionLimits;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.Ids;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Call;
import io.postmaster.message.WampMessage.Cancel;
import io.postmaster.message.WampMessage.Interrupt;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Registered;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.message.WampMessage.Unregistered;
import io.postmaster.message.WampMessage.Yield;
import io.postmaster.metrics.Histogram;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.router.match.UriTable;
import io.postmaster.spi.SessionDetails;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WAMP Dealer of one realm: REGISTER, UNREGISTER, CALL → INVOCATION → YIELD → RESULT and callee ERRORs, with the
 * Advanced Profile's progressive call results and invocations, call timeouts, call canceling, caller identification,
 * pattern-based and shared registrations, registration revocation and payload passthru mode ({@link Passthru}). It
 * alone holds and changes the realm's RPC tables: the procedure table, registrations by ID, and per session (its
 * {@link Party}) what it registered, the calls it waits for and the invocations it owes. It also answers the
 * router's own procedures (the meta API), keeps who may call the server-side procedures, and sweeps calls that wait
 * too long. It receives only checked work (the {@link Gate} validated, authorized and intercepted it); see the package
 * doc for the concurrency rules.
 *
 * <p>Cluster seam: a call finds its callee through the {@link CalleeLocator} and reaches it through the
 * {@link InvocationLink}; both default to this node.
 */
final class Dealer {
    private static final Logger LOG = Logger.getLogger(Dealer.class.getName());
    /** One line per expired call; a caller can leave thousands pending: rate-limited. */
    private static final RateLimitedLog EXPIRED = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog LIMIT_REACHED = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog SWEEP_FAILED = new RateLimitedLog(LOG, Level.WARNING);
    /** Calls refused because a peer lacks a feature they need (progressive invocations, payload passthru). */
    private static final RateLimitedLog UNSUPPORTED = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog REVOKED = new RateLimitedLog(LOG, Level.INFO);
    private static final Map<String, Object> PROGRESS = Map.of("progress", true);
    private static final RateLimitedLog CLAIM_REFUSED = new RateLimitedLog(LOG, Level.INFO);

    /** Registration meta events. */
    static final String ON_CREATE = "wamp.registration.on_create";
    static final String ON_REGISTER = "wamp.registration.on_register";
    static final String ON_UNREGISTER = "wamp.registration.on_unregister";
    static final String ON_DELETE = "wamp.registration.on_delete";

    /** The dealer features announced in WELCOME: only those that work. */
    static final Map<String, Object> FEATURES = features();

    /** Answers calls to the router's own procedures ({@code wamp.*}), or returns false to route normally. */
    interface RouterProcedures {
        /** @throws Refusal when the call is refused (a bad argument, an unknown ID, not allowed) */
        boolean call(Session caller, Call call);
    }

    private final SessionLimits.Caps caps;
    private final MetaEvents metaEvents;
    private final ScheduledExecutorService scheduler;
    private final UriTable<Registration> procedures = new UriTable<>();
    private final Map<Long, Registration> registrationsById = new ConcurrentHashMap<>();
    private final Quota registrationQuota;
    private final Quota pendingCallQuota;
    /** From CALL to its end, for the metrics: observed once per call, by whoever ends it. */
    private final Histogram callDurations = new Histogram();
    /** Every session of the realm, for the sweep. */
    private final Set<Party> parties = ConcurrentHashMap.newKeySet();
    /** Who may call each server-side procedure (instead of the authorizer). */
    private final Map<String, Predicate<SessionDetails>> localAccess = new ConcurrentHashMap<>();
    private final CalleeLocator locator;
    private final InvocationLink link;
    private volatile RouterProcedures routerProcedures = (s, c) -> false;
    /** The cluster's registration table and call link; null on a single node. */
    private final RpcBackplane cluster;
    /** Where registration IDs come from (see {@link #ids}). */
    private volatile java.util.function.LongSupplier ids = Ids::random;
    /** Registration order on this node (a cluster's table gives its own). */
    private final java.util.concurrent.atomic.AtomicLong order = new java.util.concurrent.atomic.AtomicLong();
    /** Told when a session of this node leaves (the cluster forgets what stood for other nodes' callers of it). */
    private volatile java.util.function.LongConsumer onDetach = id -> { };
    private volatile ScheduledFuture<?> sweeper;

    /**
     * @param scheduler runs call timeouts and the sweep
     * @param locator   finds callees; null for this node's procedure table
     * @param link      reaches callees ({@link InvocationLink#LOCAL} on a single node)
     */
    Dealer(SessionLimits.Caps caps, MetaEvents metaEvents, ScheduledExecutorService scheduler, CalleeLocator locator,
           InvocationLink link) {
        this(caps, metaEvents, scheduler, locator, link, null);
    }

    /** @param cluster the cluster's registration table and call link; null on a single node */
    Dealer(SessionLimits.Caps caps, MetaEvents metaEvents, ScheduledExecutorService scheduler, CalleeLocator locator,
           InvocationLink link, RpcBackplane cluster) {
        this.cluster = cluster;
        this.caps = caps;
        this.metaEvents = metaEvents;
        this.scheduler = scheduler;
        this.registrationQuota = new Quota(caps.realmRegistrations());
        this.pendingCallQuota = new Quota(caps.realmPendingCalls());
        this.locator = locator != null ? locator : this::localCallee;
        this.link = link;
    }

    private static Map<String, Object> features() {
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
        f.put("registration_revocation", true);
        f.put("payload_passthru_mode", true);
        return java.util.Collections.unmodifiableMap(f);
    }

    void routerProcedures(RouterProcedures p) {
        this.routerProcedures = p;
    }

    /** The dealer's handle for a joining session. */
    Party party(Session s) {
        Party p = new Party(s);
        parties.add(p);
        return p;
    }

    // ------------------------------------------------------------------------------------------ registrations

    /**
     * REGISTER of a valid, authorized procedure or pattern. On a cluster the registration is claimed in the
     * cluster-wide table first (which alone decides, atomically, whether it may be made) and REGISTERED or the
     * refusal is sent when the cluster answers.
     */
    void register(Party s, long request, String procedure, MatchPolicy policy, InvokePolicy invoke, boolean disclose) {
        RpcBackplane c = cluster;
        if (c != null && clustered(s) && c.joined()) {
            claim(c, s, request, procedure, policy, invoke, disclose);
            return;
        }
        Registration reg;
        synchronized (procedures) {
            refuseTaken(s, procedures.get(procedure, policy), invoke);
            takeRegistrationSlot(s);
            reg = commit(s, request, procedure, policy, invoke, disclose, newId(), order.incrementAndGet());
        }
        metaEvents.flush();
        if (s.session.closed()) {
            // Detached by another thread meanwhile (see Broker.subscribe): make sure nothing of it stays.
            remove(s, reg);
        }
    }

    /** Whether a session's registrations are cluster-wide: clients' are; the node's own procedures are per node. */
    private static boolean clustered(Party s) {
        return s.node == 0 && !s.nodeOnly;
    }

    /** Refuses a REGISTER that {@code reg}, the registration of the same procedure and policy, rules out. */
    private static void refuseTaken(Party s, Registration reg, InvokePolicy invoke) {
        if (reg != null && (reg.invoke() == InvokePolicy.SINGLE || reg.invoke() != invoke || reg.has(s))) {
            throw new Refusal(ErrorUris.PROCEDURE_ALREADY_EXISTS, reg.invoke() != invoke
                    ? "registered with invocation policy " + reg.invoke().wireName() : null);
        }
    }

    /**
     * Adds {@code s} to the registration (creating it with {@code id}), answers REGISTERED and queues the meta
     * events. Under the table's monitor, with the session's registration slot taken.
     */
    private Registration commit(Party s, long request, String procedure, MatchPolicy policy, InvokePolicy invoke,
                                boolean disclose, long id, long place) {
        Registration reg = procedures.get(procedure, policy);
        boolean created = reg == null;
        if (created) {
            reg = procedures.getOrCreate(procedure, policy, () -> new Registration(id, procedure, policy, invoke));
            registrationsById.put(reg.id(), reg);
        }
        reg.add(s, disclose, place);
        s.registrationsToAdd().add(reg.id());
        s.session.send(new Registered(request, reg.id()));
        // Meta events queued under the table's monitor (in the order the changes happened), published after.
        if (created) {
            metaEvents.add(ON_CREATE, List.of(s.session.id(), reg.details()));
        }
        metaEvents.add(ON_REGISTER, List.of(s.session.id(), reg.id()));
        return reg;
    }

    /**
     * A REGISTER on a cluster: checked against what this node knows (a fast refusal), a slot taken, then claimed in
     * the cluster's table; the answer completes it on whichever thread it arrives.
     */
    private void claim(RpcBackplane c, Party s, long request, String procedure, MatchPolicy policy,
                       InvokePolicy invoke, boolean disclose) {
        synchronized (procedures) {
            refuseTaken(s, procedures.get(procedure, policy), invoke);
            takeRegistrationSlot(s);
            s.claimed(1);
        }
        c.claim(s.session.id(), s.session.features(), newId(), procedure, policy, invoke.wireName(), disclose,
                new RpcBackplane.Claimed() {
                    @Override
                    public void registered(long registration, long place) {
                        s.claimed(-1);
                        claimed(c, s, request, procedure, policy, invoke, disclose, registration, place);
                    }

                    @Override
                    public void refused(String error, String message) {
                        s.claimed(-1);
                        registrationQuota.release();
                        CLAIM_REFUSED.log(() -> "REGISTER of " + procedure + " by " + s + " refused by the cluster: "
                                + error + (message == null ? "" : " (" + message + ")"));
                        s.session.sendError(MessageType.REGISTER, request, error, message);
                    }
                });
    }

    private void claimed(RpcBackplane c, Party s, long request, String procedure, MatchPolicy policy,
                         InvokePolicy invoke, boolean disclose, long id, long place) {
        Registration reg;
        synchronized (procedures) {
            Registration here = procedures.get(procedure, policy);
            if (here != null && (here.id() != id || here.has(s) || here.invoke() != invoke)) {
                // This node's table disagrees with the cluster's (a registration made while the node was cut off)
                registrationQuota.release();
                c.release(s.session.id(), id);
                s.session.sendError(MessageType.REGISTER, request, ErrorUris.PROCEDURE_ALREADY_EXISTS, null);
                return;
            }
            reg = commit(s, request, procedure, policy, invoke, disclose, id, place);
        }
        metaEvents.flush();
        if (s.session.closed()) {
            remove(s, reg);
        }
    }

    /**
     * Takes a registration slot of the session and of the realm, or refuses with
     * {@code postmaster.error.limit_reached}. Under the table's monitor; given back by {@link #remove}.
     */
    private void takeRegistrationSlot(Party s) {
        int cap = caps.registrations();
        String refused = s.registrations().size() + s.claiming() >= cap
                ? "the session holds " + cap + " registrations (postmaster.max-registrations)"
                : !registrationQuota.tryAcquire()
                ? "the realm holds " + registrationQuota.cap() + " registrations (postmaster.realm-max-registrations)"
                : null;
        if (refused != null) {
            LIMIT_REACHED.log(() -> "REGISTER refused for " + s + ": " + refused);
            throw new Refusal(ErrorUris.LIMIT_REACHED, refused);
        }
    }

    /**
     * Takes a pending-call slot of the caller and of the realm, or refuses with
     * {@code postmaster.error.limit_reached}. Given back by {@link #done}.
     */
    private void takeCallSlot(Party caller) {
        int cap = caps.pendingCalls();
        String refused = caller.calls().size() >= cap
                ? "the session has " + cap + " calls waiting for an answer (postmaster.max-pending-calls)"
                : !pendingCallQuota.tryAcquire()
                ? "the realm has " + pendingCallQuota.cap() + " calls waiting for an answer"
                        + " (postmaster.realm-max-pending-calls)"
                : null;
        if (refused != null) {
            LIMIT_REACHED.log(() -> "CALL refused for " + caller + ": " + refused);
            throw new Refusal(ErrorUris.LIMIT_REACHED, refused);
        }
    }

    void unregister(Party s, long request, long registration) {
        Registration reg = s.registrations().contains(registration) ? registrationsById.get(registration) : null;
        if (reg == null) {
            throw new Refusal(ErrorUris.NO_SUCH_REGISTRATION, null);
        }
        remove(s, reg);
        s.session.send(new Unregistered(request, null));
    }

    /**
     * Removes the session from the registration and publishes on_unregister (and on_delete when it was the last):
     * the change under the table's monitor like every change, the meta events after it.
     */
    private void remove(Party s, Registration reg) {
        synchronized (procedures) {
            if (!s.registrations().remove(reg.id())) {
                return;
            }
            registrationQuota.release();
            RpcBackplane c = cluster;
            if (c != null && clustered(s)) {
                c.release(s.session.id(), reg.id());
            }
            boolean empty = reg.remove(s);
            metaEvents.add(ON_UNREGISTER, List.of(s.session.id(), reg.id()));
            if (empty && procedures.remove(reg.procedure(), reg.policy(), reg)) {
                registrationsById.remove(reg.id());
                metaEvents.add(ON_DELETE, List.of(s.session.id(), reg.id()));
            }
        }
        metaEvents.flush();
    }

    /**
     * Registration revocation: removes {@code s} from {@code reg} as if it had unregistered, and tells it with
     * {@code [UNREGISTERED, 0, {registration, reason}]} if it announced {@code registration_revocation} (the spec:
     * never a callee that did not). Calls it already has are still its to answer.
     *
     * @param reason why, or null
     * @return false if {@code s} did not hold {@code reg}
     */
    boolean revoke(Party s, Registration reg, String reason) {
        if (!s.registrations().contains(reg.id())) {
            return false;
        }
        remove(s, reg);
        REVOKED.log(() -> "registration " + reg + " of " + s + " revoked" + (reason == null ? "" : ": " + reason));
        if (s.session.supports(Session.CALLEE_REGISTRATION_REVOCATION)) {
            s.session.send(new Unregistered(0, reason == null ? Map.of("registration", reg.id())
                    : Map.of("registration", reg.id(), "reason", reason)));
        }
        return true;
    }

    /**
     * Where new IDs come from: random over the whole range on a single node; on a cluster, the node's own share of
     * it ({@link Backplane#sessionIdCandidate}), so IDs of different nodes cannot clash.
     */
    void ids(java.util.function.LongSupplier source) {
        this.ids = source;
    }

    private long newId() {
        long id;
        do {
            id = ids.getAsLong();
        } while (registrationsById.containsKey(id));
        return id;
    }

    // ------------------------------------------------------------------------------------------ server-side procedures

    /**
     * From now on, CALLs of {@code procedure} are allowed exactly to the sessions {@code access} admits; false (and
     * nothing changed) if the procedure has such a rule already.
     */
    boolean restrictCalls(String procedure, Predicate<SessionDetails> access) {
        return localAccess.putIfAbsent(procedure, access) == null;
    }

    /** Undoes {@link #restrictCalls}. */
    void unrestrictCalls(String procedure) {
        localAccess.remove(procedure);
    }

    /** Who may call {@code procedure} if it is a server-side procedure, else null (the authorizer decides). */
    Predicate<SessionDetails> localAccess(String procedure) {
        return localAccess.isEmpty() ? null : localAccess.get(procedure);
    }

    // ------------------------------------------------------------------------------------------ calls

    /** CALL of a valid, authorized (and intercepted) procedure. */
    void call(Party caller, Call m) {
        boolean progress = Boolean.TRUE.equals(m.options().get("progress"));
        PendingCall ongoing = caller.calls().get(m.request());
        if (ongoing != null) {
            continueProgressiveCall(ongoing, m, progress);
            return;
        }
        if (caller.endedStream(m.request(), m.procedure())) {
            return; // a chunk of a progressive call that ended meanwhile: discarded, as the spec allows
        }
        if (Uris.reserved(m.procedure()) && routerProcedures.call(caller.session, m)) {
            return;
        }
        Registration.Callee target = locator.find(m.procedure());
        if (target == null) {
            throw new Refusal(ErrorUris.NO_SUCH_PROCEDURE, null);
        }
        Object timeoutOption = m.options().get("timeout");
        if (timeoutOption != null && !(timeoutOption instanceof Long)) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "timeout must be an integer");
        }
        long timeout = timeoutOption == null ? 0 : (Long) timeoutOption;
        Party callee = target.party();
        if (progress && !(callee.session.supports(Session.CALLEE_PROGRESSIVE_INVOCATIONS)
                && callee.session.supports(Session.CALLEE_CALL_CANCELING))) {
            UNSUPPORTED.log(() -> "progressive CALL of " + m.procedure() + " by " + caller + " refused: the callee "
                    + callee + " did not announce progressive_call_invocations and call_canceling");
            throw new Refusal(ErrorUris.FEATURE_NOT_SUPPORTED, "the callee does not support progressive call"
                    + " invocations");
        }
        boolean passthru = Passthru.requested(m.options());
        if (passthru && !callee.session.supports(Session.CALLEE_PASSTHRU)) {
            UNSUPPORTED.log(() -> "payload passthru CALL of " + m.procedure() + " by " + caller
                    + " refused: the callee " + callee + " did not announce payload_passthru_mode");
            throw new Refusal(ErrorUris.FEATURE_NOT_SUPPORTED, "the callee does not support payload passthru mode");
        }
        takeCallSlot(caller);
        Registration reg = target.registration();
        boolean receiveProgress = Boolean.TRUE.equals(m.options().get("receive_progress"));
        PendingCall pc = new PendingCall(caller.session, caller.callsToAdd(), m.request(), callee.session,
                callee.invocationsToAdd(), callee.session.nextRequestId(), reg.id(), m.procedure(), receiveProgress,
                progress);
        caller.callsToAdd().put(m.request(), pc);
        callee.invocationsToAdd().put(pc.invocation(), pc);
        if (callee.session.closed()) {
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
        if (receiveProgress && callee.session.supports(Session.CALLEE_PROGRESSIVE_RESULTS)) {
            details.put("receive_progress", true);
        }
        if (progress) {
            details.put("progress", true);
        }
        if (target.discloseCaller() || Boolean.TRUE.equals(m.options().get("disclose_me"))) {
            details.put("caller", caller.session.id());
            details.put("caller_authid", caller.session.authid());
            details.put("caller_authrole", caller.session.authrole());
        }
        if (timeout > 0 && callee.session.supports(Session.CALLEE_CALL_TIMEOUT)) {
            details.put("timeout", timeout);
        }
        if (passthru) {
            Passthru.forward(m.options(), details);
        }
        if (progress) {
            pc.stream(details, caller.endedStreams());
        }
        link.send(callee.session, new Invocation(pc.invocation(), reg.id(), details, m.args(), m.kwargs()));
    }

    /** This node's callee for a call of {@code procedure}: the default {@link CalleeLocator}. */
    private Registration.Callee localCallee(String procedure) {
        Registration reg = procedures.bestMatch(procedure);
        return reg == null ? null : reg.pick();
    }

    /** A further CALL with the request ID of a pending call: the next chunk of a progressive invocation. */
    private void continueProgressiveCall(PendingCall pc, Call m, boolean progress) {
        if (!pc.progressiveInvocation()) {
            throw new ProtocolViolation("CALL request ID " + m.request() + " is already in use by a pending call");
        }
        if (!progress) {
            pc.endProgressiveInvocation();
        }
        link.send(pc.callee(), new Invocation(pc.invocation(), pc.registration(), pc.chunkDetails(progress),
                m.args(), m.kwargs()));
    }

    void yield(Party callee, Yield m) {
        boolean progressive = Boolean.TRUE.equals(m.options().get("progress"));
        boolean passthru = Passthru.requested(m.options());
        if (passthru) {
            checkPassthruYield(callee, m);
        }
        PendingCall pc = progressive ? callee.invocations().get(m.request())
                : callee.invocations().remove(m.request());
        if (pc == null) {
            lateOrUnknown(callee, m.request(), "YIELD");
            return;
        }
        if (passthru && !pc.caller().supports(Session.CALLER_PASSTHRU)) {
            // the spec: ERROR to the callee; the call cannot be answered, so it ends for the caller as well
            UNSUPPORTED.log(() -> "payload passthru YIELD of " + callee + " for " + pc + " refused: the caller did not"
                    + " announce payload_passthru_mode");
            callee.session.sendError(MessageType.YIELD, m.request(), ErrorUris.FEATURE_NOT_SUPPORTED,
                    "the caller does not support payload passthru mode");
            if (!progressive) {
                done(pc);
            } else if (!end(pc)) {
                return;
            }
            pc.caller().sendError(MessageType.CALL, pc.callRequest(), ErrorUris.FEATURE_NOT_SUPPORTED,
                    "the callee answered in payload passthru mode, which the caller does not support");
            return;
        }
        if (progressive) {
            if (pc.receiveProgress()) {
                pc.caller().send(new Result(pc.callRequest(), passthru ? Passthru.details(PROGRESS, m.options())
                        : PROGRESS, m.args(), m.kwargs()));
            } // else: the caller did not ask for progress; the spec lets the dealer drop it
            return;
        }
        done(pc);
        pc.caller().send(new Result(pc.callRequest(), passthru ? Passthru.details(Map.of(), m.options()) : Map.of(),
                m.args(), m.kwargs()));
    }

    /**
     * A YIELD in payload passthru mode from a callee that did not announce it, or with attributes or a payload the
     * spec rules out, breaks the protocol (a YIELD has no answer of its own to refuse it with).
     */
    private static void checkPassthruYield(Party callee, Yield m) {
        if (!callee.session.supports(Session.CALLEE_PASSTHRU)) {
            throw new ProtocolViolation("YIELD in payload passthru mode from a callee that did not announce"
                    + " payload_passthru_mode");
        }
        try {
            Passthru.check(m.options(), m.args(), m.kwargs());
        } catch (Refusal r) {
            throw new ProtocolViolation("YIELD in payload passthru mode: " + r.getMessage());
        }
    }

    void invocationError(Party callee, WampMessage.Error m) {
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
    void cancel(Party caller, Cancel m) {
        Object mode = m.options().getOrDefault("mode", "killnowait");
        if (!"skip".equals(mode) && !"kill".equals(mode) && !"killnowait".equals(mode)) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "mode must be skip, kill or killnowait");
        }
        PendingCall pc = caller.calls().get(m.request());
        if (pc == null) {
            return;
        }
        boolean interruptible = pc.callee().supports(Session.CALLEE_CALL_CANCELING);
        if ("kill".equals(mode) && interruptible) {
            interrupt(pc, "kill", ErrorUris.CANCELED);
            return;
        }
        if (end(pc)) {
            caller.session.sendError(MessageType.CALL, pc.callRequest(), ErrorUris.CANCELED, "canceled by the caller");
            if (interruptible && !"skip".equals(mode)) {
                interrupt(pc, "killnowait", ErrorUris.CANCELED);
            }
        }
    }

    private void timedOut(PendingCall pc) {
        if (end(pc)) {
            pc.caller().sendError(MessageType.CALL, pc.callRequest(), ErrorUris.TIMEOUT, "the call timed out");
            if (pc.callee().supports(Session.CALLEE_CALL_CANCELING)) {
                interrupt(pc, "killnowait", ErrorUris.TIMEOUT);
            }
        }
    }

    /**
     * Starts ending calls pending longer than {@code maxPendingMs}, as timeouts: a sweep every tenth of it (10 ms to
     * 1 s) on the scheduler. A sweep that throws is logged and the next one runs: a periodic task that throws would
     * never run again.
     */
    void startSweeper(long maxPendingMs, String setting) {
        long maxNanos = TimeUnit.MILLISECONDS.toNanos(maxPendingMs);
        long period = Math.max(10, Math.min(1000, maxPendingMs / 10));
        sweeper = scheduler.scheduleWithFixedDelay(() -> {
            try {
                // the timeouts of many calls at once reach their callers as the router's burst
                Pacing.run(() -> expire(maxNanos));
            } catch (RuntimeException | Error e) {
                SWEEP_FAILED.log(() -> "the sweep of calls past " + setting + " failed; it runs again in " + period
                        + " ms", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /** Stops the sweep. */
    void close() {
        ScheduledFuture<?> s = sweeper;
        if (s != null) {
            s.cancel(false);
        }
    }

    private void expire(long maxNanos) {
        long now = System.nanoTime();
        for (Party callee : parties) {
            for (PendingCall pc : callee.invocations().values()) {
                if (now - pc.started() > maxNanos) {
                    EXPIRED.log(() -> pc + " reached postmaster.call-max-pending-ms; ending it with wamp.error.timeout");
                    timedOut(pc);
                }
            }
        }
    }

    private void interrupt(PendingCall pc, String mode, String reason) {
        if (pc.markInterrupted()) {
            link.send(pc.callee(), new Interrupt(pc.invocation(), Map.of("mode", mode, "reason", reason)));
        }
    }

    // ------------------------------------------------------------------------------------------ other nodes

    /** Called with the ID of each session of this node that leaves. */
    void onDetach(java.util.function.LongConsumer hook) {
        this.onDetach = hook;
    }

    /** A party standing for a session of another node (a callee there, or the callers there of a callee here). */
    Party remoteParty(Session s, long node) {
        return party(s, node);
    }

    private Party party(Session s, long node) {
        Party p = new Party(s, node);
        parties.add(p);
        return p;
    }

    /**
     * Adds a callee of another node to the registration with this cluster-wide ID (created here if new): no slot,
     * no meta event (its own node publishes them), no REGISTERED. False if this node's table holds the procedure
     * under another ID (a registration made here while the node was cut off from the cluster).
     */
    boolean addRemote(Party proxy, long id, String procedure, MatchPolicy policy, InvokePolicy invoke,
                      boolean disclose, long place) {
        synchronized (procedures) {
            Registration reg = procedures.get(procedure, policy);
            if (reg != null && (reg.id() != id || reg.invoke() != invoke)) {
                return false;
            }
            if (reg == null) {
                reg = procedures.getOrCreate(procedure, policy, () -> new Registration(id, procedure, policy, invoke));
                registrationsById.put(id, reg);
            }
            if (!reg.has(proxy)) {
                reg.add(proxy, disclose, place);
                proxy.registrationsToAdd().add(id);
            }
            return true;
        }
    }

    /** Removes a callee of another node from a registration (the registration too when it was the last). */
    void removeRemote(Party proxy, long id) {
        synchronized (procedures) {
            Registration reg = registrationsById.get(id);
            if (reg == null || !proxy.registrations().remove(id)) {
                return;
            }
            if (reg.remove(proxy) && procedures.remove(reg.procedure(), reg.policy(), reg)) {
                registrationsById.remove(id);
            }
        }
    }

    /**
     * A callee of another node is gone (it left, or its node died): its registrations are removed here and the
     * calls it owes end with {@code wamp.error.canceled}.
     */
    void detachRemote(Party proxy) {
        proxy.session.markClosed();
        for (Long id : proxy.registrations()) {
            removeRemote(proxy, id);
        }
        Pacing.run(() -> {
            for (PendingCall pc : proxy.invocations().values()) {
                cancelled(pc);
            }
        });
        parties.remove(proxy);
    }

    /**
     * An INVOCATION routed by another node's dealer to {@code callee}, a session of this node, on behalf of
     * {@code callers} (that node's callers of it): the caller's node keeps the call's timeout, disclosure and
     * progress options and built its details; here it becomes a pending call like a local one, whose RESULT or
     * ERROR goes back through {@code callers}' peer. A further one with the same request ID is the next chunk of a
     * progressive invocation.
     */
    void invokeFor(Party callers, Party callee, Invocation inv) {
        boolean progress = Boolean.TRUE.equals(inv.details().get("progress"));
        PendingCall ongoing = callers.calls().get(inv.request());
        String tag = "registration " + inv.registration();
        if (ongoing != null) {
            if (ongoing.progressiveInvocation()) {
                if (!progress) {
                    ongoing.endProgressiveInvocation();
                }
                link.send(ongoing.callee(), new Invocation(ongoing.invocation(), ongoing.registration(),
                        inv.details(), inv.args(), inv.kwargs()));
            }
            return;
        }
        if (callers.endedStream(inv.request(), tag)) {
            return;
        }
        if (callee.session.closed() || !callee.registrations().contains(inv.registration())) {
            callers.session.sendError(MessageType.CALL, inv.request(), ErrorUris.CANCELED, "the callee left");
            return;
        }
        if (!pendingCallQuota.tryAcquire()) {
            LIMIT_REACHED.log(() -> "a call from another node to " + callee + " refused: the realm has "
                    + pendingCallQuota.cap() + " calls waiting (postmaster.realm-max-pending-calls)");
            callers.session.sendError(MessageType.CALL, inv.request(), ErrorUris.LIMIT_REACHED,
                    "the realm has " + pendingCallQuota.cap() + " calls waiting for an answer");
            return;
        }
        PendingCall pc = new PendingCall(callers.session, callers.callsToAdd(), inv.request(), callee.session,
                callee.invocationsToAdd(), callee.session.nextRequestId(), inv.registration(), tag, true, progress);
        callers.callsToAdd().put(inv.request(), pc);
        callee.invocationsToAdd().put(pc.invocation(), pc);
        if (callee.session.closed()) {
            cancelled(pc);
            return;
        }
        if (progress) {
            pc.stream(inv.details(), callers.endedStreams());
        }
        link.send(callee.session, new Invocation(pc.invocation(), inv.registration(), inv.details(), inv.args(),
                inv.kwargs()));
    }

    /**
     * An INTERRUPT from the caller's node for a call it routed here: {@code kill} interrupts the callee, whose
     * answer goes back; otherwise the call ends here at once (its ERROR goes back, late there) and the callee is
     * interrupted.
     */
    void interruptFor(Party callers, Interrupt m) {
        PendingCall pc = callers.calls().get(m.request());
        if (pc == null) {
            return;
        }
        String reason = m.options().get("reason") instanceof String r && Uris.valid(r, Uris.Rule.LOOSE) ? r
                : ErrorUris.CANCELED;
        if ("kill".equals(m.options().get("mode"))) {
            interrupt(pc, "kill", reason);
        } else if (end(pc)) {
            callers.session.sendError(MessageType.CALL, pc.callRequest(), reason, "canceled by the caller");
            interrupt(pc, "killnowait", reason);
        }
    }

    /** Removes everything a leaving session holds; callers waiting on it get {@code wamp.error.canceled}. */
    void detach(Party s) {
        for (Long id : s.registrations()) {
            Registration reg = registrationsById.get(id);
            if (reg != null) {
                remove(s, reg);
            }
        }
        for (PendingCall pc : s.invocations().values()) {
            cancelled(pc);
        }
        for (PendingCall pc : s.calls().values()) {
            // The caller is gone: end the call (killnowait), so the callee's answer is recognised as late.
            if (end(pc) && pc.callee().supports(Session.CALLEE_CALL_CANCELING)) {
                interrupt(pc, "killnowait", ErrorUris.CANCELED);
            }
        }
        parties.remove(s);
        if (s.node == 0) {
            onDetach.accept(s.session.id());
        }
    }

    /** Ends a call whose callee is gone, if nobody ended it first. */
    private void cancelled(PendingCall pc) {
        if (end(pc)) {
            pc.caller().sendError(MessageType.CALL, pc.callRequest(), ErrorUris.CANCELED, "the callee left");
        }
    }

    /** Takes a pending call out of both maps; true for the one thread that gets to answer it. */
    private boolean end(PendingCall pc) {
        if (pc.leaveCallee()) {
            done(pc);
            return true;
        }
        return false;
    }

    /** Bookkeeping once the callee's map no longer holds the call. */
    private void done(PendingCall pc) {
        pc.ended(); // before it leaves the caller's calls: a late chunk finds it in one or the other
        if (pc.leaveCaller()) {
            pendingCallQuota.release();
            callDurations.observe(System.nanoTime() - pc.started());
        }
        var t = pc.timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** Registrations the realm's sessions hold. */
    int registrationCount() {
        return registrationQuota.used();
    }

    /** Calls routed and not yet answered. */
    int callsInFlight() {
        return pendingCallQuota.used();
    }

    Histogram callDurations() {
        return callDurations;
    }

    private static void lateOrUnknown(Party callee, long request, String what) {
        if (!callee.session.requestIdIssued(request)) {
            throw new ProtocolViolation(what + " for INVOCATION " + request + ", which was never sent");
        }
        // Late: the call ended already (caller left, canceled, timed out). Nothing to do.
    }

    // ------------------------------------------------------------------------------------------ reading the tables

    /** The registration with this ID, or null. */
    Registration registration(long id) {
        return registrationsById.get(id);
    }

    /** The registration of {@code procedure} under {@code policy}, or null. */
    Registration registration(String procedure, MatchPolicy policy) {
        return procedures.get(procedure, policy);
    }

    /** The registration a call of {@code procedure} would be routed by, or null. */
    Registration bestMatch(String procedure) {
        return procedures.bestMatch(procedure);
    }

    /** The registrations of one match policy. */
    Collection<Registration> registrations(MatchPolicy policy) {
        return procedures.entries(policy);
    }

    /** The pending call a callee owes for INVOCATION {@code invocation}, or null. */
    static PendingCall owed(Party callee, long invocation) {
        return callee.invocations().get(invocation);
    }
}
