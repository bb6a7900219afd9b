package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.TransportDetails;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How a cluster engine drives one realm's dealer for calls that cross nodes (the other half is its
 * {@link RpcBackplane}). A callee on another node is a {@link Party} here (a proxy) whose peer forwards INVOCATION
 * and INTERRUPT to its node; the callee's answers come back through {@link #fromCallee}, into the dealer as that
 * proxy's YIELD or ERROR, so the caller's dealer keeps pending-call bookkeeping, timeouts and cancellation. On the
 * callee's node, what another node's callers send one callee arrives through {@link #fromCaller}, on behalf of one
 * party per (caller's node, callee), whose peer sends the RESULT or ERROR back.
 *
 * <p>Sessions are named by ID, unique across nodes. Safe from any thread; nothing blocks. Whatever arrives that does
 * not fit (an unknown callee, a reply never asked for) is dropped and logged, rate-limited.
 */
public final class ClusterRpc {
    private static final Logger LOG = Logger.getLogger(ClusterRpc.class.getName());
    private static final RateLimitedLog DROPPED = new RateLimitedLog(LOG, Level.WARNING);
    private static final long CALLERS_FEATURES = Session.allCallerFeatures();

    private final Realm realm;
    private final Dealer dealer;
    private final RpcBackplane link;
    /** Callees of other nodes, by session ID. */
    private final Map<Long, Proxy> callees = new ConcurrentHashMap<>();
    /** Per callee of this node, per node calling it: the party standing for that node's callers. */
    private final Map<Long, Map<Long, Party>> callers = new ConcurrentHashMap<>();
    /**
     * The request IDs of every party standing for another node's session: never reused, so a node that holds a call
     * of an earlier stand-in (one its owner had already ended) never takes a new call for a chunk of that one.
     */
    private final java.util.concurrent.atomic.AtomicLong requestIds = new java.util.concurrent.atomic.AtomicLong();

    private record Proxy(long node, Party party) { }

    /** A registration of one of this node's sessions, as the cluster's table holds it. */
    public record Entry(long session, long features, long registration, String procedure, MatchPolicy match,
                        String invoke, boolean disclose) { }

    ClusterRpc(Realm realm, Dealer dealer, RpcBackplane link) {
        this.realm = realm;
        this.dealer = dealer;
        this.link = link;
        dealer.onDetach(this::calleeLeft);
    }

    // ------------------------------------------------------------------------------------------ the table

    /**
     * A callee of {@code node} registered (or is found registered on a reload): it joins the registration with this
     * cluster-wide ID, in its place by {@code order}. False if this node's table disagrees (see
     * {@link Dealer#addRemote}).
     */
    public boolean addCallee(long node, long session, long features, long registration, String procedure,
                             MatchPolicy match, String invoke, boolean disclose, long order) {
        InvokePolicy policy = InvokePolicy.of(invoke);
        Proxy p = callees.computeIfAbsent(session, id -> new Proxy(node, proxy(node, id, features)));
        if (p.node != node) {
            return false;
        }
        return dealer.addRemote(p.party, registration, procedure, match, policy, disclose, order);
    }

    /** A callee of another node left a registration. */
    public void removeCallee(long session, long registration) {
        Proxy p = callees.get(session);
        if (p != null) {
            dealer.removeRemote(p.party, registration);
            if (p.party.registrations().isEmpty() && p.party.invocations().isEmpty()) {
                callees.remove(session, p);
                dealer.detachRemote(p.party);
            }
        }
    }

    /**
     * {@code node} left or is dead: its callees' registrations are removed here, the calls they owe end with
     * {@code wamp.error.canceled}, and the calls its callers made to this node's callees end as if those callers
     * had left (their callees are interrupted).
     */
    public void dropNode(long node) {
        for (var e : callees.entrySet()) {
            if (e.getValue().node == node && callees.remove(e.getKey(), e.getValue())) {
                dealer.detachRemote(e.getValue().party);
            }
        }
        for (Map<Long, Party> byNode : callers.values()) {
            Party p = byNode.remove(node);
            if (p != null) {
                p.session.markClosed();
                Pacing.run(() -> dealer.detach(p));
            }
        }
    }

    /** The other nodes this realm holds stand-ins for (their callees, or their callers of this node's callees). */
    public java.util.Set<Long> nodes() {
        java.util.Set<Long> out = new java.util.HashSet<>();
        callees.values().forEach(p -> out.add(p.node));
        callers.values().forEach(byNode -> out.addAll(byNode.keySet()));
        return out;
    }

    /** The registrations this node's sessions hold in the cluster's table (to claim again after a rejoin). */
    public List<Entry> localRegistrations() {
        List<Entry> out = new ArrayList<>();
        for (MatchPolicy policy : MatchPolicy.values()) {
            for (Registration reg : dealer.registrations(policy)) {
                for (Registration.Callee c : reg.calleeList()) {
                    Party p = c.party();
                    if (p.node == 0 && !p.nodeOnly) {
                        out.add(new Entry(p.session.id(), p.session.features(), reg.id(), reg.procedure(),
                                reg.policy(), reg.invoke().wireName(), c.discloseCaller()));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The cluster refused a registration this node holds (claimed again after a rejoin, it met another node's):
     * it is revoked here as if unregistered, and the callee told if it supports revocation.
     */
    public void revoke(long session, long registration, String reason) {
        Member m = realm.member(session);
        Registration reg = dealer.registration(registration);
        if (m != null && reg != null) {
            dealer.revoke(m.party(), reg, reason);
        }
    }

    // ------------------------------------------------------------------------------------------ calls

    /** An INVOCATION or INTERRUPT from {@code node}'s dealer for {@code calleeSession}, a session of this node. */
    public void fromCaller(long node, long calleeSession, WampMessage m) {
        Member callee = realm.member(calleeSession);
        if (callee == null) {
            if (m instanceof WampMessage.Invocation inv) {
                link.send(node, calleeSession, new WampMessage.Error(MessageType.CALL.code(), inv.request(),
                        Map.of("message", "the callee left"), io.postmaster.message.ErrorUris.CANCELED,
                        List.of("the callee left"), null));
            }
            return;
        }
        if (m instanceof WampMessage.Invocation inv) {
            dealer.invokeFor(callersOf(node, callee), callee.party(), inv);
        } else if (m instanceof WampMessage.Interrupt i) {
            Map<Long, Party> byNode = callers.get(calleeSession);
            Party p = byNode == null ? null : byNode.get(node);
            if (p != null) {
                dealer.interruptFor(p, i);
            }
        } else {
            DROPPED.log(() -> "cluster: a " + m.getClass().getSimpleName() + " from node " + node
                    + " for a callee was dropped");
        }
    }

    /** A RESULT or ERROR from the node of {@code calleeSession}, for a call this node routed there. */
    public void fromCallee(long calleeSession, WampMessage m) {
        Proxy p = callees.get(calleeSession);
        if (p == null) {
            return; // the callee (or its node) is gone here already: the call has ended
        }
        try {
            if (m instanceof WampMessage.Result r) {
                dealer.yield(p.party, new WampMessage.Yield(r.request(), r.details(), r.args(), r.kwargs()));
            } else if (m instanceof WampMessage.Error e) {
                dealer.invocationError(p.party, new WampMessage.Error(MessageType.INVOCATION.code(), e.request(),
                        e.details(), e.error(), e.args(), e.kwargs()));
            }
        } catch (ProtocolViolation | Refusal e) {
            DROPPED.log(() -> "cluster: an answer from the node of callee " + calleeSession + " was dropped: "
                    + e.getMessage());
        }
    }

    private Party callersOf(long node, Member callee) {
        long id = callee.session().id();
        return callers.computeIfAbsent(id, k -> new ConcurrentHashMap<>()).computeIfAbsent(node, n -> {
            Session s = new Session(new Forward(n, id), details(n, 0), CALLERS_FEATURES, requestIds);
            return dealer.remoteParty(s, n);
        });
    }

    /** A session of this node left: what stood for other nodes' callers of it goes too. */
    private void calleeLeft(long session) {
        Map<Long, Party> byNode = callers.remove(session);
        if (byNode != null) {
            byNode.values().forEach(p -> {
                p.session.markClosed();
                dealer.detach(p);
            });
        }
    }

    private Party proxy(long node, long session, long features) {
        return dealer.remoteParty(new Session(new Forward(node, session), details(node, session), features, requestIds), node);
    }

    private SessionDetails details(long node, long session) {
        return new SessionDetails(session, realm.name(), "node " + node, "cluster", "cluster", "cluster", Map.of(),
                new TransportDetails("node " + node, "cluster", false));
    }

    /**
     * The peer of a party standing for another node's session: what the dealer sends it goes to that node. A call
     * whose INVOCATION cannot be handed on ends at once with {@code wamp.error.network_failure}, not at its timeout.
     */
    private final class Forward implements Peer {
        private final long node;
        private final long callee;

        Forward(long node, long callee) {
            this.node = node;
            this.callee = callee;
        }

        @Override
        public void send(Outgoing out) {
            WampMessage m = out.message();
            if (!link.send(node, callee, m) && m instanceof WampMessage.Invocation inv) {
                fromCallee(callee, new WampMessage.Error(MessageType.INVOCATION.code(), inv.request(),
                        Map.of("message", "the callee's node cannot be reached"),
                        io.postmaster.message.ErrorUris.NETWORK_FAILURE, List.of("the callee's node cannot be reached"),
                        null));
            }
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public TransportInfo transport() {
            return new TransportInfo("node " + node, "cluster", false, "cluster");
        }
    }
}
