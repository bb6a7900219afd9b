package io.postmaster.router;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Call;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.message.WampMessage.Register;
import io.postmaster.message.WampMessage.Subscribe;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.spi.Action;
import io.postmaster.spi.SessionDetails;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The one way in to a realm's broker and dealer for what a joined session sends. Per request, once, in this order:
 * the URI (and the options that shape routing: match and invocation policy, subscriber filters), then authorization,
 * then the interceptors; only then does the {@link Broker} or {@link Dealer} see it, as checked work.
 *
 * <p>Every refusal, whatever decided it (a check here, the authorizer, an interceptor, a limit or an unknown ID in
 * the broker or dealer), is a {@link Refusal} that ends here, in {@link #refuse}: ERROR with the spec's URI — for a
 * PUBLISH only if it asked for acknowledgement, as the spec says. A protocol violation ({@link ProtocolViolation})
 * passes through to the {@link Connection}, which ends the session with ABORT.
 */
final class Gate {
    private static final Refusal RESERVED = new Refusal(ErrorUris.INVALID_URI,
            "the wamp. namespace is reserved for the router");

    private static final Refusal SHUTTING_DOWN = new Refusal(ErrorUris.SYSTEM_SHUTDOWN,
            "the router is shutting down; no new calls");

    private final Uris.Rule uriRule;
    private final Authorization authorization;
    private final Interception interception;
    private final Broker broker;
    private final Dealer dealer;
    /** The router is draining: calls already routed run on, new ones are refused. */
    private volatile boolean draining;

    Gate(Uris.Rule uriRule, Authorization authorization, Interception interception, Broker broker, Dealer dealer) {
        this.uriRule = uriRule;
        this.authorization = authorization;
        this.interception = interception;
        this.broker = broker;
        this.dealer = dealer;
    }

    /** A message from an established session other than GOODBYE and ABORT (the {@link Connection} keeps those). */
    void handle(Member member, WampMessage m) {
        try {
            switch (m.type()) {
                case PUBLISH -> publish(member, (Publish) m);
                case SUBSCRIBE -> subscribe(member, (Subscribe) m);
                case UNSUBSCRIBE -> {
                    WampMessage.Unsubscribe u = (WampMessage.Unsubscribe) m;
                    broker.unsubscribe(member.subscriber(), u.request(), u.subscription());
                }
                case CALL -> call(member, (Call) m);
                case YIELD -> dealer.yield(member.party(), (WampMessage.Yield) m);
                case REGISTER -> register(member, (Register) m);
                case UNREGISTER -> {
                    WampMessage.Unregister u = (WampMessage.Unregister) m;
                    dealer.unregister(member.party(), u.request(), u.registration());
                }
                case ERROR -> {
                    WampMessage.Error e = (WampMessage.Error) m;
                    if (e.requestType() != MessageType.INVOCATION.code()) {
                        throw new ProtocolViolation("a client may send ERROR only for INVOCATION");
                    }
                    dealer.invocationError(member.party(), e);
                }
                case CANCEL -> dealer.cancel(member.party(), (WampMessage.Cancel) m);
                default -> throw new ProtocolViolation(m.type() + " is not a message a client sends to a router");
            }
        } catch (Refusal r) {
            refuse(member.session(), m, r);
        }
    }

    /**
     * Answers a refused request: the one place a refusal becomes ERROR. A PUBLISH hears of it only when it asked for
     * acknowledgement (spec).
     */
    private static void refuse(Session s, WampMessage request, Refusal r) {
        long id;
        if (request instanceof Publish p) {
            if (!Boolean.TRUE.equals(p.options().get("acknowledge"))) {
                return;
            }
            id = p.request();
        } else if (request instanceof Subscribe x) {
            id = x.request();
        } else if (request instanceof WampMessage.Unsubscribe x) {
            id = x.request();
        } else if (request instanceof Call x) {
            id = x.request();
        } else if (request instanceof Register x) {
            id = x.request();
        } else if (request instanceof WampMessage.Unregister x) {
            id = x.request();
        } else if (request instanceof WampMessage.Cancel x) {
            id = x.request();
        } else {
            throw new IllegalStateException(request.type() + " cannot be refused: " + r.error());
        }
        s.send(r.toError(request.type(), id));
    }

    // ------------------------------------------------------------------------------------------ pub/sub

    private void publish(Member member, Publish m) {
        Session s = member.session();
        String topic = m.topic();
        if (!Uris.valid(topic, uriRule)) {
            throw new Refusal(ErrorUris.INVALID_URI, "invalid topic URI");
        }
        if (Uris.reserved(topic)) {
            throw RESERVED;
        }
        if (Passthru.requested(m.options())) {
            if (!s.supports(Session.PUBLISHER_PASSTHRU)) {
                throw new ProtocolViolation("PUBLISH in payload passthru mode from a publisher that did not announce"
                        + " payload_passthru_mode");
            }
            Passthru.check(m.options(), m.args(), m.kwargs());
        }
        SubscriberFilter filter = SubscriberFilter.of(m.options(), s);
        boolean disclose = authorization.check(s, Action.PUBLISH, topic);
        if (interception.interceptsPublications()) {
            // the interceptors see the options as routed: disclose_me set when the role's rule discloses publishers
            Publish p = disclose ? new Publish(m.request(), disclosing(m.options()), topic, m.args(), m.kwargs()) : m;
            interception.publish(s, p, checked -> broker.publish(s, checked, filter, discloses(checked.options())),
                    r -> refuse(s, p, r));
            return;
        }
        broker.publish(s, m, filter, disclose || discloses(m.options()));
    }

    private void subscribe(Member member, Subscribe m) {
        MatchPolicy policy = matchPolicy(m.options());
        if (!policy.valid(m.topic(), uriRule)) {
            throw new Refusal(ErrorUris.INVALID_URI, "invalid topic URI");
        }
        authorization.check(member.session(), Action.SUBSCRIBE, m.topic());
        broker.subscribe(member.subscriber(), m.request(), m.topic(), policy,
                Boolean.TRUE.equals(m.options().get("get_retained")));
    }

    // ------------------------------------------------------------------------------------------ RPC

    private void register(Member member, Register m) {
        MatchPolicy policy = matchPolicy(m.options());
        InvokePolicy invoke = InvokePolicy.of(m.options().get("invoke"));
        if (!policy.valid(m.procedure(), uriRule)) {
            throw new Refusal(ErrorUris.INVALID_URI, "invalid procedure URI");
        }
        if (Uris.reserved(m.procedure())) {
            throw RESERVED;
        }
        authorization.check(member.session(), Action.REGISTER, m.procedure());
        dealer.register(member.party(), m.request(), m.procedure(), policy, invoke,
                Boolean.TRUE.equals(m.options().get("disclose_caller")));
    }

    /** From now on, a CALL is refused with {@code wamp.close.system_shutdown}. */
    void drain() {
        draining = true;
    }

    private void call(Member member, Call m) {
        if (draining) {
            throw SHUTTING_DOWN;
        }
        Session s = member.session();
        if (!Uris.valid(m.procedure(), uriRule)) {
            throw new Refusal(ErrorUris.INVALID_URI, "invalid procedure URI");
        }
        if (Passthru.requested(m.options())) {
            if (!s.supports(Session.CALLER_PASSTHRU)) {
                throw new ProtocolViolation("CALL in payload passthru mode from a caller that did not announce"
                        + " payload_passthru_mode");
            }
            Passthru.check(m.options(), m.args(), m.kwargs());
        }
        if (Boolean.TRUE.equals(m.options().get("progress")) && !s.supports(Session.CALLER_PROGRESSIVE_INVOCATIONS)) {
            throw new ProtocolViolation("CALL with progress from a caller that did not announce"
                    + " progressive_call_invocations");
        }
        Predicate<SessionDetails> local = dealer.localAccess(m.procedure());
        boolean disclose;
        if (local != null) { // a server-side procedure: its own access rule instead of the authorizer
            if (!local.test(s.details())) {
                throw Authorization.NOT_AUTHORIZED;
            }
            disclose = false;
        } else {
            disclose = authorization.check(s, Action.CALL, m.procedure());
        }
        Call c = disclose && !discloses(m.options()) // the role's rule discloses callers here
                ? new Call(m.request(), disclosing(m.options()), m.procedure(), m.args(), m.kwargs())
                : m;
        if (interception.interceptsCalls()) {
            interception.call(s, c, checked -> routeIntercepted(member, checked), r -> refuse(s, c, r));
            return;
        }
        dealer.call(member.party(), c);
    }

    /** Routes a CALL the interceptors let through (on the session's lane). */
    private void routeIntercepted(Member member, Call m) {
        try {
            dealer.call(member.party(), m);
        } catch (Refusal r) {
            refuse(member.session(), m, r);
        }
    }

    /** The {@code match} option's policy; refused when it names none. */
    private static MatchPolicy matchPolicy(Map<String, Object> options) {
        MatchPolicy policy = MatchPolicy.of(options.get("match"));
        if (policy == null) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "unknown match policy: " + options.get("match"));
        }
        return policy;
    }

    private static boolean discloses(Map<String, Object> options) {
        return Boolean.TRUE.equals(options.get("disclose_me"));
    }

    /** The options with {@code disclose_me} set. */
    private static Map<String, Object> disclosing(Map<String, Object> options) {
        Map<String, Object> o = new LinkedHashMap<>(options);
        o.put("disclose_me", true);
        return o;
    }
}
