package io.postmaster.router;

import io.postmaster.config.MetaAccess;
import io.postmaster.config.MetaLimits;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage.Call;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.spi.Action;
import io.postmaster.spi.Permission;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The meta API procedures of one realm, answered by the router itself for the realm's sessions. Arguments are
 * checked; a bad one is refused with {@code wamp.error.invalid_argument}, an unknown ID with the spec's
 * {@code no_such_*} error (a {@link Refusal}, answered by the {@link Gate}). Killing sessions and seeing their
 * addresses must be granted on purpose (see {@link #privileged}); testaments are checked as publications and capped
 * per session. It reads the realm's tables through their owners and changes nothing of them but a caller's own
 * testaments.
 */
final class MetaApi implements Dealer.RouterProcedures {
    private static final Logger LOG = Logger.getLogger(MetaApi.class.getName());
    /** Refused meta calls: a client can make these at will. */
    private static final RateLimitedLog CLUSTER_FAILED = new RateLimitedLog(LOG, java.util.logging.Level.WARNING);
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);
    /** Session lists refused for their length: any session may ask for one. */
    private static final RateLimitedLog LIST_REFUSED = new RateLimitedLog(LOG, Level.INFO);
    /**
     * The procedures that act on other sessions — kill them, revoke their registrations and subscriptions — each with
     * the stem a prefix rule granting it must start with: refused unless granted on purpose (see
     * {@link #privileged}). Reading (counts, lists, details) stays open to whoever may call the meta API.
     */
    static final Map<String, String> PRIVILEGED = Map.of(
            "wamp.session.kill", "wamp.session.kill",
            "wamp.session.kill_by_authid", "wamp.session.kill",
            "wamp.session.kill_by_authrole", "wamp.session.kill",
            "wamp.session.kill_all", "wamp.session.kill",
            "wamp.registration.remove", "wamp.registration.remove",
            "wamp.registration.remove_callee", "wamp.registration.remove",
            "wamp.subscription.remove", "wamp.subscription.remove",
            "wamp.subscription.remove_subscriber", "wamp.subscription.remove");
    /** {@code wamp.topic.history.*}: the RESULT's positional results from a topic's recorded events. */
    private interface HistoryView {
        List<Object> of(Session caller, List<EventHistory.Entry> events, Args a);
    }

    private static final Map<String, HistoryView> HISTORY_VIEWS = Map.of(
            "wamp.topic.history.last", (s, events, a) -> {
                List<Object> e = readable(s, events).stream().map(x -> (Object) EventHistory.flat(x)).toList();
                return List.of(e.subList(Math.max(0, e.size() - a.count(1)), e.size()));
            },
            "wamp.topic.history.since", (s, events, a) -> {
                java.time.Instant since = a.instant(1);
                return List.of(readable(s, events).stream().filter(x -> !x.time().isBefore(since))
                        .map(x -> (Object) EventHistory.flat(x)).toList());
            },
            "wamp.topic.history.after", (s, events, a) -> {
                long after = a.id(1);
                List<EventHistory.Entry> e = readable(s, events);
                int at = indexOf(e, after);
                return List.of(at < 0 ? List.of() : e.subList(at + 1, e.size()).stream()
                        .map(x -> (Object) EventHistory.flat(x)).toList());
            });

    /** The longest revocation reason passed on to the revoked sessions. */
    static final int MAX_REASON = 1024;
    private final Realm realm;
    private final MetaAccess access;
    /** The most IDs {@code wamp.session.list} answers ({@code postmaster.session-list-max}). */
    private final int sessionListMax;
    private final Authorization authorization;
    private final Map<String, Handler> procedures = new LinkedHashMap<>();

    /** One procedure: returns the RESULT's positional results, or throws a {@link Refusal}. */
    private interface Handler {
        List<Object> call(Session caller, Args a);
    }

    /**
     * @param access        who may kill sessions and see their addresses; the testament caps
     * @param limits        the longest session list
     * @param authorization checks a testament as a publication
     */
    MetaApi(Realm realm, MetaAccess access, MetaLimits limits, Authorization authorization) {
        this.realm = realm;
        this.access = access;
        this.sessionListMax = limits.sessionListMax();
        this.authorization = authorization;
        Broker broker = realm.broker();
        Dealer dealer = realm.dealer();
        // sessions
        procedures.put("wamp.session.count", (s, a) -> List.of((long) sessions(s, a.optStrings(0)).size()));
        procedures.put("wamp.session.list", (s, a) -> List.of(sessionIds(s, sessions(s, a.optStrings(0)))));
        procedures.put("wamp.session.get", (s, a) -> List.of(Realm.sessionDetails(session(s, a.id(0)),
                access.realm(realm.name()).peerAddressRoles().contains(s.authrole()))));
        procedures.put("wamp.session.kill", (s, a) -> {
            Session target = session(s, a.id(0));
            if (target == s) {
                throw new Refusal(ErrorUris.NO_SUCH_SESSION, "a session cannot kill itself");
            }
            kill(List.of(target), a);
            return List.of();
        });
        procedures.put("wamp.session.kill_by_authid", (s, a) -> {
            String authid = a.string(0);
            List<Session> targets = others(s, x -> x.authid().equals(authid));
            kill(targets, a);
            // Two renderings of the spec disagree: ap_05_meta_api_sessions.md says sessions|list (the IDs killed),
            // ap_session_meta_api.md says count|int. We return the list, which Crossbar also returns.
            return List.of(targets.stream().map(x -> (Object) x.id()).toList());
        });
        procedures.put("wamp.session.kill_by_authrole", (s, a) -> {
            String authrole = a.string(0);
            return List.of((long) kill(others(s, x -> x.authrole().equals(authrole)), a));
        });
        procedures.put("wamp.session.kill_all", (s, a) -> List.of((long) kill(others(s, x -> true), a)));
        procedures.put("wamp.session.add_testament", (s, a) -> {
            String topic = a.string(0);
            if (!Uris.valid(topic, realm.uriRule()) || Uris.reserved(topic)) {
                throw new Refusal(ErrorUris.INVALID_URI, Uris.reserved(topic)
                        ? "the wamp. namespace is reserved for the router" : "invalid topic URI");
            }
            Map<String, Object> options = a.kwDict("publish_options");
            SubscriberFilter.of(options, s); // refuses options of the wrong type
            Testaments.Scope scope = scope(a);
            // Checked as a PUBLISH now, and again when it fires (see Broker)
            try {
                authorization.check(s, Action.PUBLISH, topic);
            } catch (Refusal denied) {
                REFUSED.log(() -> "testament on " + topic + " refused for " + s + ": " + denied.error());
                throw denied;
            }
            List<Object> args = a.optList(1);
            Map<String, Object> kwargs = a.optDict(2);
            int bytes = Testaments.estimate(topic) + Testaments.estimate(args) + Testaments.estimate(kwargs)
                    + Testaments.estimate(options);
            broker.addTestament(member(s).subscriber(), scope,
                    new Testaments.Testament(topic, args, kwargs, options, bytes),
                    access.testamentMax(), access.testamentMaxBytes());
            return List.of();
        });
        // The spec: "does not return a value". Crossbar returns the number flushed; we follow the spec.
        procedures.put("wamp.session.flush_testaments", (s, a) -> {
            broker.flushTestaments(member(s).subscriber(), scope(a));
            return List.of();
        });
        // subscriptions
        procedures.put("wamp.subscription.list", (s, a) -> List.of(listByPolicy(p -> broker.subscriptions(p).stream().map(x -> (Object) x.id()).toList())));
        procedures.put("wamp.subscription.lookup", (s, a) -> {
            MatchPolicy p = policy(a);
            String uri = uri(a, p);
            Subscription sub = uri == null ? null : broker.subscription(uri, p);
            return singleton(sub == null ? null : sub.id());
        });
        procedures.put("wamp.subscription.match", (s, a) -> {
            List<Object> ids = new ArrayList<>();
            String uri = uri(a, MatchPolicy.EXACT);
            if (uri != null) {
                broker.forEachMatch(uri, sub -> ids.add(sub.id()));
            }
            return singleton(ids.isEmpty() ? null : ids);
        });
        // revocation (Crossbar's procedures): the revoked session is told if it announced the feature
        procedures.put("wamp.subscription.remove", (s, a) -> {
            Subscription sub = subscription(s, a.id(0));
            String reason = reason(a, 1);
            List<Object> removed = new ArrayList<>();
            for (Session x : List.copyOf(sub.subscribers())) {
                Member m = realm.member(x.id());
                if (m != null && broker.revoke(m.subscriber(), sub, reason)) {
                    removed.add(x.id());
                }
            }
            return List.of(removed);
        });
        procedures.put("wamp.subscription.remove_subscriber", (s, a) -> {
            Subscription sub = subscription(s, a.id(0));
            Member m = realm.member(session(s, a.id(1)).id());
            if (m == null || !broker.revoke(m.subscriber(), sub, reason(a, 2))) {
                throw new Refusal(ErrorUris.NO_SUCH_SUBSCRIPTION, "session " + a.id(1) + " is not subscribed to "
                        + sub.id());
            }
            return List.of();
        });
        procedures.put("wamp.subscription.get", (s, a) -> List.of(subscription(s, a.id(0)).details()));
        procedures.put("wamp.subscription.list_subscribers", (s, a) -> List.of(subscription(s, a.id(0))
                .subscribers().stream().map(x -> (Object) x.id()).toList()));
        procedures.put("wamp.subscription.count_subscribers", (s, a) ->
                List.of((long) subscription(s, a.id(0)).subscribers().size()));
        // event history: only for who may subscribe to the topic, only the events the caller was eligible for
        HISTORY_VIEWS.forEach((name, view) -> procedures.put(name, (s, a) -> view.of(s,
                history(s, a.string(0)).entries(), a)));
        procedures.put("wamp.subscription.get_events", (s, a) -> {
            Subscription sub = subscription(s, a.id(0));
            authorization.check(s, Action.SUBSCRIBE, sub.topic());
            return List.of(events(s, sub.id(), sub.policy(), localEvents(sub), a));
        });
        // registrations
        procedures.put("wamp.registration.list", (s, a) -> List.of(listByPolicy(p -> dealer.registrations(p).stream().map(x -> (Object) x.id()).toList())));
        procedures.put("wamp.registration.lookup", (s, a) -> {
            MatchPolicy p = policy(a);
            String uri = uri(a, p);
            Registration reg = uri == null ? null : dealer.registration(uri, p);
            return singleton(reg == null ? null : reg.id());
        });
        procedures.put("wamp.registration.match", (s, a) -> {
            String uri = uri(a, MatchPolicy.EXACT);
            Registration reg = uri == null ? null : dealer.bestMatch(uri);
            return singleton(reg == null ? null : reg.id());
        });
        procedures.put("wamp.registration.remove", (s, a) -> {
            Registration reg = registration(s, a.id(0));
            String reason = reason(a, 1);
            List<Object> removed = new ArrayList<>();
            for (Session x : reg.callees()) {
                Member m = realm.member(x.id());
                if (m != null && dealer.revoke(m.party(), reg, reason)) {
                    removed.add(x.id());
                }
            }
            return List.of(removed);
        });
        procedures.put("wamp.registration.remove_callee", (s, a) -> {
            Registration reg = registration(s, a.id(0));
            Member m = realm.member(session(s, a.id(1)).id());
            if (m == null || !dealer.revoke(m.party(), reg, reason(a, 2))) {
                throw new Refusal(ErrorUris.NO_SUCH_REGISTRATION, "session " + a.id(1) + " is not registered on "
                        + reg.id());
            }
            return List.of();
        });
        procedures.put("wamp.registration.get", (s, a) -> List.of(registration(s, a.id(0)).details()));
        procedures.put("wamp.registration.list_callees", (s, a) -> List.of(registration(s, a.id(0))
                .callees().stream().map(x -> (Object) x.id()).toList()));
        procedures.put("wamp.registration.count_callees", (s, a) ->
                List.of((long) registration(s, a.id(0)).callees().size()));
    }

    /**
     * Whether {@code caller} may call a {@link #PRIVILEGED} procedure (the authorizer already allowed the call): the
     * realm grants them like any procedure ({@code meta-kill}), or the rule of the caller's role that decides for
     * the procedure names it: an exact rule for it, or a prefix rule starting with its stem ({@code wamp.session.kill},
     * {@code wamp.registration.remove}, {@code wamp.subscription.remove}). A catch-all such as {@code *},
     * {@code wamp.} or {@code wamp.session.} does not, nor does any wildcard rule: an operator grants the power to end
     * other sessions, or what they registered and subscribed, on purpose, never by a broad rule.
     */
    private boolean privileged(Session caller, String procedure) {
        if (access.realm(realm.name()).metaKill()) {
            return true;
        }
        Permission rule = caller.permissions().ruleFor(procedure);
        return rule != null && rule.allow().contains(Action.CALL)
                && (rule.match() == Permission.Match.EXACT
                || rule.match() == Permission.Match.PREFIX && rule.uri().startsWith(PRIVILEGED.get(procedure)));
    }

    @Override
    public boolean call(Session caller, Call call) {
        Handler h = procedures.get(call.procedure());
        if (h == null) {
            return false;
        }
        if (PRIVILEGED.containsKey(call.procedure()) && !privileged(caller, call.procedure())) {
            REFUSED.log(() -> call.procedure() + " refused for " + caller + ": it needs postmaster.realm."
                    + realm.name() + ".meta-kill or a rule of role " + caller.authrole() + " naming it");
            throw Authorization.NOT_AUTHORIZED;
        }
        if (historyAcrossNodes(caller, call, realm.directory()) || acrossNodes(caller, call)) {
            return true;
        }
        List<Object> results = h.call(caller, new Args(call.args(), call.kwargs()));
        caller.send(new Result(call.request(), Map.of(), results, null));
        return true;
    }

    /**
     * On a cluster, the meta procedures that concern other nodes' sessions, subscriptions and callees are answered
     * for the whole cluster: {@code wamp.session.count}, {@code list}, {@code get} add the other nodes' sessions
     * (asked of the {@link SessionDirectory}'s tables); the kills, the subscription procedures and the revocations of
     * another node's callees ask the other nodes ({@link SessionDirectory#ask}), each of which carries them out on
     * its own ({@link #forNode}). The caller's right and the arguments are checked here; the RESULT (or ERROR) is
     * sent when the other nodes have answered. False for every other procedure, for what concerns this node alone,
     * and while the other nodes cannot be asked (the node then answers for itself, as it routes alone).
     */
    private boolean acrossNodes(Session caller, Call call) {
        SessionDirectory d = realm.directory();
        if (d == null || !d.available()) {
            return false;
        }
        Args a = new Args(call.args(), call.kwargs());
        switch (call.procedure()) {
            case "wamp.session.count" -> {
                List<String> roles = a.optStrings(0);
                long here = sessions(caller, roles).size();
                d.count(roles, answer(caller, call, n -> List.of(here + n)));
            }
            case "wamp.session.list" -> {
                List<String> roles = a.optStrings(0);
                List<Object> here = sessionIds(caller, sessions(caller, roles));
                d.list(roles, sessionListMax - here.size(), answer(caller, call, there -> {
                    if (there.ids() == null || here.size() + there.count() > sessionListMax) {
                        throw tooManySessions(caller, here.size() + there.count());
                    }
                    List<Object> all = new ArrayList<>(here);
                    all.addAll(there.ids());
                    return List.of(all);
                }));
            }
            case "wamp.session.get" -> {
                long id = a.id(0);
                if (realm.session(id) != null) {
                    return false;
                }
                d.get(id, answer(caller, call, details -> {
                    if (details == null) {
                        throw new Refusal(ErrorUris.NO_SUCH_SESSION, "no session " + id + " in this realm");
                    }
                    return List.of(details);
                }));
            }
            case "wamp.session.kill" -> {
                long id = a.id(0);
                if (realm.session(id) != null) {
                    return false;
                }
                List<Object> how = killReason(a);
                d.ask("kill", List.of(id, how.get(0), how.get(1)), answer(caller, call, nodes -> {
                    if (flat(nodes).isEmpty()) {
                        throw new Refusal(ErrorUris.NO_SUCH_SESSION, "no session " + id + " in this realm");
                    }
                    return List.of();
                }));
            }
            case "wamp.session.kill_by_authid" -> {
                String authid = a.string(0);
                List<Object> how = killReason(a);
                List<Session> here = others(caller, x -> x.authid().equals(authid));
                d.ask("kill_by_authid", List.of(authid, how.get(0), how.get(1)), answer(caller, call, nodes -> {
                    List<Object> ids = new ArrayList<>(here.stream().map(x -> (Object) x.id()).toList());
                    ids.addAll(flat(nodes));
                    return List.of(ids);
                }));
                kill(here, a);
            }
            case "wamp.session.kill_by_authrole", "wamp.session.kill_all" -> {
                boolean all = call.procedure().endsWith("kill_all");
                String authrole = all ? null : a.string(0);
                List<Object> how = killReason(a);
                List<Session> here = others(caller, x -> all || x.authrole().equals(authrole));
                d.ask(all ? "kill_all" : "kill_by_authrole", all ? how : List.of(authrole, how.get(0), how.get(1)),
                        answer(caller, call, nodes -> List.of((long) (here.size() + flat(nodes).size()))));
                kill(here, a);
            }
            case "wamp.subscription.list" -> d.ask("sub.list", List.of(), answer(caller, call, nodes -> {
                Map<String, Long> chosen = chosenIds(localSubscriptions(null), nodes);
                Map<String, Object> out = new LinkedHashMap<>();
                for (MatchPolicy p : MatchPolicy.values()) {
                    out.put(p.wireName(), chosen.entrySet().stream().filter(e -> e.getKey().startsWith(p.wireName()
                            + " ")).map(e -> (Object) e.getValue()).toList());
                }
                return List.of(out);
            }));
            case "wamp.subscription.lookup" -> {
                MatchPolicy p = policy(a);
                String uri = uri(a, p);
                if (uri == null || realm.broker().subscription(uri, p) != null) {
                    return false;
                }
                d.ask("sub.lookup", List.of(p.wireName(), uri), answer(caller, call, nodes -> {
                    Long min = null;
                    for (Object o : flat(nodes)) {
                        if (o instanceof Long id && (min == null || id < min)) {
                            min = id;
                        }
                    }
                    return singleton(min);
                }));
            }
            case "wamp.subscription.match" -> {
                String uri = uri(a, MatchPolicy.EXACT);
                if (uri == null) {
                    return false;
                }
                d.ask("sub.match", List.of(uri), answer(caller, call, nodes -> {
                    Map<String, Long> chosen = chosenIds(localSubscriptions(uri), nodes);
                    return singleton(chosen.isEmpty() ? null : new ArrayList<Object>(chosen.values()));
                }));
            }
            case "wamp.subscription.get" -> {
                long id = a.id(0);
                if (realm.broker().subscription(id) != null) {
                    return false;
                }
                withSubscription(d, caller, call, id, ref -> caller.send(new Result(call.request(), Map.of(),
                        List.of(ref.details()), null)));
            }
            case "wamp.subscription.list_subscribers", "wamp.subscription.count_subscribers" -> {
                boolean count = call.procedure().endsWith("count_subscribers");
                withSubscription(d, caller, call, a.id(0), ref -> {
                    Subscription here = realm.broker().subscription(ref.uri(), ref.policy());
                    List<Object> ids = new ArrayList<>(here == null ? List.of()
                            : here.subscribers().stream().map(x -> (Object) x.id()).toList());
                    d.ask("sub.subscribers", List.of(ref.policy().wireName(), ref.uri()), answer(caller, call, nodes -> {
                        ids.addAll(flat(nodes));
                        return List.of(count ? (Object) (long) ids.size() : ids);
                    }));
                });
            }
            case "wamp.subscription.remove" -> {
                long id = a.id(0);
                String reason = reason(a, 1);
                withSubscription(d, caller, call, id, ref -> {
                    List<Object> removed = new ArrayList<>(removeSubscribers(ref.uri(), ref.policy(), reason));
                    d.ask("sub.remove", List.of(ref.policy().wireName(), ref.uri(), orEmpty(reason)),
                            answer(caller, call, nodes -> {
                                removed.addAll(flat(nodes));
                                return List.of(removed);
                            }));
                });
            }
            case "wamp.subscription.remove_subscriber" -> {
                long id = a.id(0);
                long session = a.id(1);
                String reason = reason(a, 2);
                if (realm.session(session) != null && realm.broker().subscription(id) != null) {
                    return false;
                }
                withSubscription(d, caller, call, id, ref -> {
                    Member m = realm.member(session);
                    if (m != null) {
                        Subscription here = realm.broker().subscription(ref.uri(), ref.policy());
                        if (here == null || !realm.broker().revoke(m.subscriber(), here, reason)) {
                            throw new Refusal(ErrorUris.NO_SUCH_SUBSCRIPTION, "session " + session
                                    + " is not subscribed to " + id);
                        }
                        caller.send(new Result(call.request(), Map.of(), List.of(), null));
                        return;
                    }
                    d.ask("sub.remove_subscriber", List.of(ref.policy().wireName(), ref.uri(), session,
                            orEmpty(reason)), answer(caller, call, nodes -> removedOne(nodes, session,
                            ErrorUris.NO_SUCH_SUBSCRIPTION, "subscribed to " + id)));
                });
            }
            case "wamp.registration.remove" -> {
                Registration reg = registration(caller, a.id(0));
                String reason = reason(a, 1);
                if (reg.callees().stream().allMatch(x -> realm.member(x.id()) != null)) {
                    return false;
                }
                List<Object> removed = new ArrayList<>(revokeCallees(reg, reason));
                d.ask("reg.remove", List.of(reg.id(), 0L, orEmpty(reason)), answer(caller, call, nodes -> {
                    removed.addAll(flat(nodes));
                    return List.of(removed);
                }));
            }
            case "wamp.registration.remove_callee" -> {
                Registration reg = registration(caller, a.id(0));
                long session = a.id(1);
                String reason = reason(a, 2);
                if (realm.session(session) != null) {
                    return false;
                }
                d.ask("reg.remove", List.of(reg.id(), session, orEmpty(reason)), answer(caller, call,
                        nodes -> removedOne(nodes, session, ErrorUris.NO_SUCH_REGISTRATION, "registered on "
                                + reg.id())));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------ for other nodes

    /**
     * Carries out, on this node's own sessions, subscriptions and callees, what another node's meta API asks
     * ({@link SessionDirectory#ask}): that node checked its caller's right and the arguments. Answers the result
     * list the asking node combines; a malformed request gets an empty list.
     * <ul>
     * <li>{@code kill [session, reason, message]}, {@code kill_by_authid [authid, reason, message]},
     * {@code kill_by_authrole [authrole, reason, message]}, {@code kill_all [reason, message]}: the IDs killed;</li>
     * <li>{@code sub.list []}: {@code [match, uri, id]} per subscription; {@code sub.match [uri]}: the same for those
     * matching; {@code sub.lookup [match, uri]}: the ID, if any; {@code sub.byid [id]}: {@code [match, uri,
     * created]} if the subscription is this node's;</li>
     * <li>{@code sub.subscribers [match, uri]}: the subscribed sessions; {@code sub.remove [match, uri, reason]}:
     * the sessions revoked; {@code sub.remove_subscriber [match, uri, session, reason]} and {@code reg.remove
     * [registration, session or 0, reason]}: the sessions revoked, or {@code [0]} if the session is this node's but
     * held nothing to revoke.</li>
     * <li>{@code session.list [max]} or {@code [max, authroles]}: how many of this node's sessions there are (of those
     * authroles), followed by their IDs if there are at most {@code max}: never more than {@code max} + 1 elements.</li>
     * </ul>
     */
    List<Object> forNode(String op, List<Object> args) {
        try {
            Args a = new Args(args, null);
            return switch (op) {
                case "kill" -> {
                    Session t = realm.session(a.id(0));
                    yield t == null ? List.of() : killed(List.of(t), a, 1);
                }
                case "kill_by_authid" -> {
                    String authid = a.string(0);
                    yield killed(others(null, x -> x.authid().equals(authid)), a, 1);
                }
                case "kill_by_authrole" -> {
                    String authrole = a.string(0);
                    yield killed(others(null, x -> x.authrole().equals(authrole)), a, 1);
                }
                case "kill_all" -> killed(others(null, x -> true), a, 0);
                case "session.list" -> {
                    int max = a.count(0);
                    List<Session> matching = sessions(null, a.optStrings(1));
                    List<Object> out = new ArrayList<>();
                    out.add((long) matching.size());
                    if (matching.size() <= max) {
                        matching.forEach(x -> out.add(x.id()));
                    }
                    yield out;
                }
                case "sub.list" -> localSubscriptions(null);
                case "sub.match" -> localSubscriptions(a.string(0));
                case "sub.lookup" -> {
                    Subscription sub = localSubscription(a, 0);
                    yield sub == null ? List.of() : List.of(sub.id());
                }
                case "sub.byid" -> {
                    Subscription sub = realm.broker().subscription(a.id(0));
                    yield sub == null ? List.of() : List.of(sub.policy().wireName(), sub.topic(),
                            (Object) sub.details().get("created"));
                }
                case "sub.subscribers" -> {
                    Subscription sub = localSubscription(a, 0);
                    yield sub == null ? List.of() : sub.subscribers().stream().map(x -> (Object) x.id()).toList();
                }
                case "sub.remove" -> {
                    MatchPolicy p = MatchPolicy.of(a.string(0));
                    yield removeSubscribers(a.string(1), p, emptyToNull(a.string(2)));
                }
                case "sub.remove_subscriber" -> {
                    Member m = realm.member(a.id(2));
                    if (m == null) {
                        yield List.of();
                    }
                    Subscription sub = localSubscription(a, 0);
                    yield sub != null && realm.broker().revoke(m.subscriber(), sub, emptyToNull(a.string(3)))
                            ? List.of(m.session().id()) : List.of(0L);
                }
                case "reg.remove" -> {
                    Registration reg = realm.dealer().registration(a.id(0));
                    long session = a.id(1);
                    String reason = emptyToNull(a.string(2));
                    if (session == 0) {
                        yield reg == null ? List.of() : revokeCallees(reg, reason);
                    }
                    Member m = realm.member(session);
                    if (m == null) {
                        yield List.of();
                    }
                    yield reg != null && realm.dealer().revoke(m.party(), reg, reason) ? List.of(session)
                            : List.of(0L);
                }
                default -> List.of();
            };
        } catch (Refusal | IllegalArgumentException malformed) {
            CLUSTER_FAILED.log(() -> "a malformed meta request " + op + " from another node was ignored");
            return List.of();
        }
    }

    /** Kills {@code targets} with the reason and message at {@code args[from]}, {@code [from + 1]}; their IDs. */
    private static List<Object> killed(List<Session> targets, Args a, int from) {
        String reason = a.string(from);
        String message = emptyToNull(a.string(from + 1));
        for (Session t : targets) {
            t.kill(reason, message);
        }
        return targets.stream().map(x -> (Object) x.id()).toList();
    }

    /** The reason (a URI, default {@code wamp.close.killed}) and message ({@code ""}: none) of a kill, checked. */
    private static List<Object> killReason(Args a) {
        Object reason = a.kw("reason");
        Object message = a.kw("message");
        if (reason != null && !(reason instanceof String r && Uris.valid(r, Uris.Rule.LOOSE))) {
            throw new Refusal(ErrorUris.INVALID_URI, "reason must be a URI");
        }
        if (message != null && !(message instanceof String)) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "message must be a string");
        }
        return List.of(reason == null ? ErrorUris.CLOSE_KILLED : reason, message == null ? "" : message);
    }

    /** This node's subscriptions (all, or those matching {@code topic}), each {@code [match, uri, id]}. */
    private List<Object> localSubscriptions(String topic) {
        List<Object> out = new ArrayList<>();
        Consumer<Subscription> add = sub -> out.add(List.of(sub.policy().wireName(), sub.topic(), sub.id()));
        if (topic != null) {
            realm.broker().forEachMatch(topic, add);
        } else {
            for (MatchPolicy p : MatchPolicy.values()) {
                realm.broker().subscriptions(p).forEach(add);
            }
        }
        return out;
    }

    /** This node's subscription of the match policy and URI at {@code args[i]}, {@code [i + 1]}, or null. */
    private Subscription localSubscription(Args a, int i) {
        MatchPolicy p = MatchPolicy.of(a.string(i));
        return p == null ? null : realm.broker().subscription(a.string(i + 1), p);
    }

    /**
     * One subscription ID per topic and match policy, cluster-wide: this node's own where it has one (so a
     * subscriber sees the ID it got in SUBSCRIBED), else the lowest of the other nodes' IDs; keyed
     * {@code "<match> <uri>"}, in a stable order.
     */
    private static Map<String, Long> chosenIds(List<Object> here, List<List<Object>> nodes) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (Object o : here) {
            List<?> e = (List<?>) o;
            out.put(e.get(0) + " " + e.get(1), (Long) e.get(2));
        }
        java.util.Set<String> local = java.util.Set.copyOf(out.keySet());
        for (Object o : flat(nodes)) {
            if (o instanceof List<?> e && e.size() == 3 && e.get(2) instanceof Long id) {
                String key = e.get(0) + " " + e.get(1);
                if (!local.contains(key)) {
                    out.merge(key, id, Math::min);
                }
            }
        }
        return out;
    }

    /** A subscription of the cluster, as one node named it. */
    private record SubscriptionRef(long id, String uri, MatchPolicy policy, String created) {
        Map<String, Object> details() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", id);
            d.put("created", created);
            d.put("uri", uri);
            d.put("match", policy.wireName());
            return d;
        }
    }

    /**
     * Finds the subscription {@code id} names, on this node or (asked) another, and hands it to {@code then}; a
     * {@link Refusal} thrown there, or no subscription of that ID anywhere, answers the call with an ERROR.
     */
    private void withSubscription(SessionDirectory d, Session caller, Call call, long id,
                                  Consumer<SubscriptionRef> next) {
        Subscription here = realm.broker().subscription(id);
        if (here != null) {
            next.accept(new SubscriptionRef(id, here.topic(), here.policy(), (String) here.details().get("created")));
            return;
        }
        d.ask("sub.byid", List.of(id), then(caller, call, nodes -> {
            for (List<Object> e : nodes) {
                if (e.size() == 3 && e.get(0) instanceof String m && e.get(1) instanceof String uri
                        && e.get(2) instanceof String created && MatchPolicy.of(m) != null) {
                    next.accept(new SubscriptionRef(id, uri, MatchPolicy.of(m), created));
                    return;
                }
            }
            throw new Refusal(ErrorUris.NO_SUCH_SUBSCRIPTION, "no subscription " + id + " in this realm");
        }));
    }

    /** Revokes every subscriber this node has of {@code uri} under {@code policy}; their IDs. */
    private List<Object> removeSubscribers(String uri, MatchPolicy policy, String reason) {
        Subscription sub = policy == null ? null : realm.broker().subscription(uri, policy);
        List<Object> removed = new ArrayList<>();
        if (sub != null) {
            for (Session x : List.copyOf(sub.subscribers())) {
                Member m = realm.member(x.id());
                if (m != null && realm.broker().revoke(m.subscriber(), sub, reason)) {
                    removed.add(x.id());
                }
            }
        }
        return removed;
    }

    /** Revokes every callee this node has of {@code reg}; their IDs. */
    private List<Object> revokeCallees(Registration reg, String reason) {
        List<Object> removed = new ArrayList<>();
        for (Session x : reg.callees()) {
            Member m = realm.member(x.id());
            if (m != null && realm.dealer().revoke(m.party(), reg, reason)) {
                removed.add(x.id());
            }
        }
        return removed;
    }

    /**
     * The answer of a revocation of one session on the node holding it: done, or {@code error} if that node's
     * session held nothing to revoke; {@code no_such_session} if no node holds the session.
     */
    private static List<Object> removedOne(List<List<Object>> nodes, long session, String error, String what) {
        boolean found = false;
        for (Object o : flat(nodes)) {
            if (o instanceof Long id && id == session) {
                return List.of();
            }
            found = true;
        }
        throw found ? new Refusal(error, "session " + session + " is not " + what)
                : new Refusal(ErrorUris.NO_SUCH_SESSION, "no session " + session + " in this realm");
    }

    private static List<Object> flat(List<List<Object>> nodes) {
        List<Object> out = new ArrayList<>();
        nodes.forEach(out::addAll);
        return out;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Hands the directory's answer to {@code next}; a {@link Refusal} it throws is the call's ERROR. */
    private static <T> SessionDirectory.Answer<T> then(Session caller, Call call, Consumer<T> next) {
        return new SessionDirectory.Answer<>() {
            @Override
            public void ok(T value) {
                try {
                    next.accept(value);
                } catch (Refusal refusal) {
                    caller.send(refusal.toError(io.postmaster.message.MessageType.CALL, call.request()));
                } catch (RuntimeException e) {
                    failed("an unreadable answer: " + e);
                }
            }

            @Override
            public void failed(String why) {
                CLUSTER_FAILED.log(() -> call.procedure() + " for " + caller + " could not ask the other nodes: " + why);
                caller.sendError(io.postmaster.message.MessageType.CALL, call.request(), ErrorUris.NETWORK_FAILURE,
                        "the other nodes could not be asked");
            }
        };
    }

    /** Answers {@code call} with what {@code results} makes of the directory's answer, or with its refusal. */
    private static <T> SessionDirectory.Answer<T> answer(Session caller, Call call, Function<T, List<Object>> results) {
        return then(caller, call, value -> caller.send(new Result(call.request(), Map.of(), results.apply(value),
                null)));
    }

    private static List<Object> singleton(Object o) {
        List<Object> l = new ArrayList<>(1);
        l.add(o);
        return l;
    }

    private static Map<String, Object> listByPolicy(Function<MatchPolicy, List<Object>> ids) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (MatchPolicy p : MatchPolicy.values()) {
            out.put(p.wireName(), ids.apply(p));
        }
        return out;
    }

    /**
     * The first argument if it is a valid URI or pattern of {@code policy} (bounded like every URI a client
     * sends), else null: nothing can be subscribed or registered under it, so the tables are not searched.
     */
    private String uri(Args a, MatchPolicy policy) {
        String uri = a.string(0);
        return policy.valid(uri, realm.uriRule()) ? uri : null;
    }

    private static MatchPolicy policy(Args a) {
        Map<String, Object> options = a.optDict(1);
        MatchPolicy p = MatchPolicy.of(options == null ? null : options.get("match"));
        if (p == null) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "unknown match policy");
        }
        return p;
    }

    /** The reason of a revocation: keyword {@code reason}, or the positional argument {@code i}; a string or none. */
    private static String reason(Args a, int i) {
        Object r = a.kw("reason") != null ? a.kw("reason") : a.at(i);
        if (r != null && !(r instanceof String)) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "reason must be a string");
        }
        if (r != null && ((String) r).length() > MAX_REASON) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "reason is longer than " + MAX_REASON + " characters");
        }
        return (String) r;
    }

    private static Testaments.Scope scope(Args a) {
        return Testaments.Scope.of(a.kw("scope"));
    }

    private List<Session> sessions(Session caller, List<String> authroles) {
        Set<String> roles = authroles == null ? null : Set.copyOf(authroles); // a client's list: each lookup O(1)
        return realm.sessions().stream().filter(x -> roles == null || roles.contains(x.authrole())).toList();
    }

    /**
     * The IDs of {@code sessions} for {@code wamp.session.list}; refused with {@code postmaster.error.limit_reached}
     * past {@code postmaster.session-list-max}.
     */
    private List<Object> sessionIds(Session caller, List<Session> sessions) {
        if (sessions.size() > sessionListMax) {
            throw tooManySessions(caller, sessions.size());
        }
        return sessions.stream().map(x -> (Object) x.id()).toList();
    }

    private Refusal tooManySessions(Session caller, long count) {
        LIST_REFUSED.log(() -> "wamp.session.list refused for " + caller + ": " + count + " sessions match, more than "
                + MetaLimits.SESSION_LIST_MAX + " (" + sessionListMax + ")");
        return new Refusal(ErrorUris.LIMIT_REACHED, count + " sessions match, more than " + sessionListMax
                + " can be listed: filter by authrole, or call wamp.session.count");
    }

    private List<Session> others(Session caller, Predicate<Session> which) {
        return realm.sessions().stream().filter(x -> x != caller && which.test(x)).toList();
    }

    private EventHistory history(Session caller, String topic) {
        authorization.check(caller, Action.SUBSCRIBE, topic);
        EventHistory h = realm.broker().history(topic);
        if (h == null) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "no event history is kept for " + topic
                    + " (postmaster.realm.<realm>.history)");
        }
        return h;
    }

    /** The events of {@code all} the caller would have been eligible for. */
    private static List<EventHistory.Entry> readable(Session caller, List<EventHistory.Entry> all) {
        return all.stream().filter(e -> e.eligible() == null || e.eligible().allows(caller)).toList();
    }

    private static int indexOf(List<EventHistory.Entry> events, long publication) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).publication() == publication) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code wamp.subscription.get_events(subscription, reverse=, limit=, from_time=, after_time=, before_time=,
     * until_time=, topic=, from_publication=, after_publication=, before_publication=, until_publication=)}: the
     * events of the histories the subscription matches that the caller was eligible for, in publication order (or
     * reversed), each {@code {timestamp, subscription, publication, details, args, kwargs}}. The caller must be
     * allowed to subscribe to the subscription's topic or pattern. A publication ID not in the history selects
     * nothing. The limit may also come second among the positional arguments, as Crossbar takes it.
     */
    private static List<Object> events(Session caller, long subscription, MatchPolicy policy,
                                       List<EventHistory.Entry> recorded, Args a) {
        boolean reverse = a.kwBool("reverse");
        int limit = a.at(1) != null ? a.count(1) : a.kwCount("limit"); // Crossbar's positional limit too
        java.time.Instant fromTime = a.kwInstant("from_time");
        java.time.Instant afterTime = a.kwInstant("after_time");
        java.time.Instant beforeTime = a.kwInstant("before_time");
        java.time.Instant untilTime = a.kwInstant("until_time");
        Object topicArg = a.kw("topic");
        if (topicArg != null && !(topicArg instanceof String)) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "topic must be a URI");
        }
        List<EventHistory.Entry> events = new ArrayList<>(readable(caller, recorded).stream()
                .filter(e -> topicArg == null || topicArg.equals(e.topic()))
                .filter(e -> fromTime == null || !e.time().isBefore(fromTime))
                .filter(e -> afterTime == null || e.time().isAfter(afterTime))
                .filter(e -> beforeTime == null || e.time().isBefore(beforeTime))
                .filter(e -> untilTime == null || !e.time().isAfter(untilTime))
                .toList());
        events = window(events, a, "from_publication", 0, true);
        events = window(events, a, "after_publication", 1, true);
        events = window(events, a, "before_publication", 0, false);
        events = window(events, a, "until_publication", 1, false);
        if (reverse) {
            java.util.Collections.reverse(events);
        }
        List<Object> out = new ArrayList<>();
        for (EventHistory.Entry e : events) {
            if (out.size() >= limit) {
                break;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("timestamp", e.timestamp());
            m.put("subscription", subscription);
            m.put("publication", e.publication());
            Map<String, Object> details = e.details();
            if (policy != MatchPolicy.EXACT) {
                details = new LinkedHashMap<>(details);
                details.put("topic", e.topic());
            }
            m.put("details", details);
            m.put("args", e.args() == null ? List.of() : e.args());
            m.put("kwargs", e.kwargs() == null ? Map.of() : e.kwargs());
            out.add(m);
        }
        return out;
    }

    /** The events this node recorded for the topics {@code sub} matches, in recording order. */
    private List<EventHistory.Entry> localEvents(Subscription sub) {
        List<EventHistory.Entry> events = new ArrayList<>();
        for (EventHistory h : realm.broker().histories(sub)) {
            events.addAll(h.entries());
        }
        events.sort(java.util.Comparator.comparingLong(EventHistory.Entry::seq));
        return events;
    }

    /**
     * On a cluster whose engine keeps the event histories: {@code wamp.topic.history.*} and
     * {@code wamp.subscription.get_events} (also of a subscription of another node) read the events every node
     * recorded; when the engine cannot answer, those this node recorded. False when the engine keeps none.
     */
    private boolean historyAcrossNodes(Session caller, Call call, SessionDirectory d) {
        Broker broker = realm.broker();
        if (!broker.historyInCluster()) {
            return false;
        }
        Args a = new Args(call.args(), call.kwargs());
        HistoryView view = HISTORY_VIEWS.get(call.procedure());
        if (view != null) {
            String topic = a.string(0);
            EventHistory here = history(caller, topic);
            broker.clusterHistory(List.of(topic), recorded(caller, call, here::entries,
                    events -> view.of(caller, events, a)));
            return true;
        }
        if (!call.procedure().equals("wamp.subscription.get_events")) {
            return false;
        }
        long id = a.id(0);
        java.util.function.Consumer<SubscriptionRef> read = ref -> {
            authorization.check(caller, Action.SUBSCRIBE, ref.uri());
            Subscription here = broker.subscription(ref.uri(), ref.policy());
            broker.clusterHistory(broker.historyTopics(ref.uri(), ref.policy()), recorded(caller, call,
                    () -> here == null ? List.of() : localEvents(here),
                    events -> List.of(events(caller, id, ref.policy(), events, a))));
        };
        Subscription local = broker.subscription(id);
        if (local != null) {
            read.accept(new SubscriptionRef(id, local.topic(), local.policy(), ""));
        } else if (d != null && d.available()) {
            withSubscription(d, caller, call, id, read);
        } else {
            throw new Refusal(ErrorUris.NO_SUCH_SUBSCRIPTION, "no subscription " + id + " in this realm");
        }
        return true;
    }

    /**
     * Answers a history call with {@code results} of the events the engine answers, or of {@code local} (this
     * node's own) when it cannot; a {@link Refusal} is the call's ERROR.
     */
    private static SessionDirectory.Answer<List<EventHistory.Entry>> recorded(Session caller, Call call,
            java.util.function.Supplier<List<EventHistory.Entry>> local,
            Function<List<EventHistory.Entry>, List<Object>> results) {
        return new SessionDirectory.Answer<>() {
            @Override
            public void ok(List<EventHistory.Entry> events) {
                try {
                    caller.send(new Result(call.request(), Map.of(), results.apply(events), null));
                } catch (Refusal refusal) {
                    caller.send(refusal.toError(io.postmaster.message.MessageType.CALL, call.request()));
                } catch (RuntimeException e) {
                    CLUSTER_FAILED.log(() -> call.procedure() + " for " + caller + " failed: " + e, e);
                    caller.sendError(io.postmaster.message.MessageType.CALL, call.request(),
                            ErrorUris.NETWORK_FAILURE, "the recorded events could not be read");
                }
            }

            @Override
            public void failed(String why) {
                CLUSTER_FAILED.log(() -> call.procedure() + " for " + caller + " answered from this node's history: "
                        + why);
                ok(local.get());
            }
        };
    }

    /**
     * The events from (or after, {@code shift} 1) the publication named by keyword {@code key}, or before (or up
     * to, {@code shift} 1) it; all when the keyword is absent, none when the publication is not among them.
     */
    private static List<EventHistory.Entry> window(List<EventHistory.Entry> events, Args a, String key, int shift,
                                                   boolean from) {
        Object v = a.kw(key);
        if (v == null) {
            return events;
        }
        if (!(v instanceof Long publication)) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, key + " must be a publication ID");
        }
        int at = indexOf(events, publication);
        if (at < 0) {
            return List.of();
        }
        return from ? events.subList(at + shift, events.size()) : events.subList(0, at + shift);
    }

    private Session session(Session caller, long id) {
        Session s = realm.session(id);
        if (s == null) {
            throw new Refusal(ErrorUris.NO_SUCH_SESSION, "no session " + id + " in this realm");
        }
        return s;
    }

    private Subscription subscription(Session caller, long id) {
        Subscription sub = realm.broker().subscription(id);
        if (sub == null) {
            throw new Refusal(ErrorUris.NO_SUCH_SUBSCRIPTION, "no subscription " + id + " in this realm");
        }
        return sub;
    }

    private Registration registration(Session caller, long id) {
        Registration reg = realm.dealer().registration(id);
        if (reg == null) {
            throw new Refusal(ErrorUris.NO_SUCH_REGISTRATION, "no registration " + id + " in this realm");
        }
        return reg;
    }

    /** The caller as its realm keeps it (the meta API is called by joined sessions only). */
    private Member member(Session s) {
        Member m = realm.member(s.id());
        if (m == null) {
            throw new Refusal(ErrorUris.NO_SUCH_SESSION, "the session has left");
        }
        return m;
    }

    private static int kill(List<Session> targets, Args a) {
        String reason = (String) killReason(a).get(0);
        for (Session t : targets) {
            t.kill(reason, (String) a.kw("message"));
        }
        return targets.size();
    }

    /** Positional and keyword arguments of a meta call, with checked access. */
    private record Args(List<Object> args, Map<String, Object> kwargs) {
        Object at(int i) {
            return args != null && i < args.size() ? args.get(i) : null;
        }

        long id(int i) {
            if (!(at(i) instanceof Long id)) {
                throw new Refusal(ErrorUris.INVALID_ARGUMENT, "argument " + (i + 1) + " must be an ID");
            }
            return id;
        }

        int count(int i) {
            if (!(at(i) instanceof Long n) || n < 0) {
                throw new Refusal(ErrorUris.INVALID_ARGUMENT, "argument " + (i + 1) + " must be a count");
            }
            return (int) Math.min(n, Integer.MAX_VALUE);
        }

        java.time.Instant instant(int i) {
            return parseInstant(string(i), "argument " + (i + 1));
        }

        static java.time.Instant parseInstant(String s, String what) {
            try {
                return java.time.Instant.parse(s);
            } catch (java.time.format.DateTimeParseException e) {
                // the spec's own example writes milliseconds after a colon: 2013-12-21T13:43:11:000Z
                try {
                    int c = s.lastIndexOf(':');
                    return java.time.Instant.parse(s.substring(0, c) + '.' + s.substring(c + 1));
                } catch (RuntimeException e2) {
                    throw new Refusal(ErrorUris.INVALID_ARGUMENT, what + " must be an ISO-8601 time");
                }
            }
        }

        String string(int i) {
            if (!(at(i) instanceof String s)) {
                throw new Refusal(ErrorUris.INVALID_ARGUMENT, "argument " + (i + 1) + " must be a string");
            }
            return s;
        }

        @SuppressWarnings("unchecked")
        List<Object> optList(int i) {
            Object v = at(i);
            if (v != null && !(v instanceof List<?>)) {
                throw new Refusal(ErrorUris.INVALID_ARGUMENT, "argument " + (i + 1) + " must be a list");
            }
            return (List<Object>) v;
        }

        @SuppressWarnings("unchecked")
        List<String> optStrings(int i) {
            List<Object> l = optList(i);
            if (l != null && !l.stream().allMatch(o -> o instanceof String)) {
                throw new Refusal(ErrorUris.INVALID_ARGUMENT, "argument " + (i + 1) + " must be a list of strings");
            }
            return (List<String>) (List<?>) l;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> optDict(int i) {
            Object v = at(i);
            if (v != null && !(v instanceof Map<?, ?>)) {
                throw new Refusal(ErrorUris.INVALID_ARGUMENT, "argument " + (i + 1) + " must be a dict");
            }
            return (Map<String, Object>) v;
        }

        Object kw(String key) {
            return kwargs == null ? null : kwargs.get(key);
        }

        boolean kwBool(String key) {
            Object v = kw(key);
            if (v != null && !(v instanceof Boolean)) {
                throw new Refusal(ErrorUris.INVALID_ARGUMENT, key + " must be a boolean");
            }
            return Boolean.TRUE.equals(v);
        }

        /** A count keyword; {@link Integer#MAX_VALUE} when absent. */
        int kwCount(String key) {
            Object v = kw(key);
            if (v == null) {
                return Integer.MAX_VALUE;
            }
            if (!(v instanceof Long n) || n < 0) {
                throw new Refusal(ErrorUris.INVALID_ARGUMENT, key + " must be a count");
            }
            return (int) Math.min(n, Integer.MAX_VALUE);
        }

        java.time.Instant kwInstant(String key) {
            Object v = kw(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof String s)) {
                throw new Refusal(ErrorUris.INVALID_ARGUMENT, key + " must be an RFC 3339 time");
            }
            return parseInstant(s, key);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> kwDict(String key) {
            Object v = kw(key);
            if (v == null) {
                return Map.of();
            }
            if (!(v instanceof Map<?, ?>)) {
                throw new Refusal(ErrorUris.INVALID_ARGUMENT, key + " must be a dict");
            }
            return (Map<String, Object>) v;
        }
    }
}
