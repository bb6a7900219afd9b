package io.postmaster.router;

import io.postmaster.config.MetaAccess;
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
    /** The longest revocation reason passed on to the revoked sessions. */
    static final int MAX_REASON = 1024;
    private final Realm realm;
    private final MetaAccess access;
    private final Authorization authorization;
    private final Map<String, Handler> procedures = new LinkedHashMap<>();

    /** One procedure: returns the RESULT's positional results, or throws a {@link Refusal}. */
    private interface Handler {
        List<Object> call(Session caller, Args a);
    }

    /**
     * @param access        who may kill sessions and see their addresses; the testament caps
     * @param authorization checks a testament as a publication
     */
    MetaApi(Realm realm, MetaAccess access, Authorization authorization) {
        this.realm = realm;
        this.access = access;
        this.authorization = authorization;
        Broker broker = realm.broker();
        Dealer dealer = realm.dealer();
        // sessions
        procedures.put("wamp.session.count", (s, a) -> List.of((long) sessions(s, a.optStrings(0)).size()));
        procedures.put("wamp.session.list", (s, a) -> List.of(sessions(s, a.optStrings(0)).stream()
                .map(x -> (Object) x.id()).toList()));
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
        procedures.put("wamp.topic.history.last", (s, a) -> {
            List<Object> e = readable(s, history(s, a.string(0)).entries()).stream()
                    .map(x -> (Object) EventHistory.flat(x)).toList();
            return List.of(e.subList(Math.max(0, e.size() - a.count(1)), e.size()));
        });
        procedures.put("wamp.topic.history.since", (s, a) -> {
            java.time.Instant since = a.instant(1);
            return List.of(readable(s, history(s, a.string(0)).entries()).stream()
                    .filter(x -> !x.time().isBefore(since)).map(x -> (Object) EventHistory.flat(x)).toList());
        });
        procedures.put("wamp.topic.history.after", (s, a) -> {
            long after = a.id(1);
            List<EventHistory.Entry> e = readable(s, history(s, a.string(0)).entries());
            int at = indexOf(e, after);
            return List.of(at < 0 ? List.of() : e.subList(at + 1, e.size()).stream()
                    .map(x -> (Object) EventHistory.flat(x)).toList());
        });
        procedures.put("wamp.subscription.get_events", (s, a) -> List.of(events(s, subscription(s, a.id(0)), a)));
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
        if (acrossNodes(caller, call)) {
            return true;
        }
        List<Object> results = h.call(caller, new Args(call.args(), call.kwargs()));
        caller.send(new Result(call.request(), Map.of(), results, null));
        return true;
    }

    /**
     * On a cluster, {@code wamp.session.count}, {@code list} and {@code get} (of a session not on this node) add the
     * other nodes' sessions, asked of the {@link SessionDirectory}: the arguments are checked here, the RESULT (or
     * ERROR) is sent when the directory answers. False for every other procedure, and while the other nodes cannot
     * be asked (the node then answers for itself, as it routes alone).
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
                List<Object> here = sessions(caller, roles).stream().map(x -> (Object) x.id()).toList();
                d.list(roles, answer(caller, call, ids -> {
                    List<Object> all = new ArrayList<>(here);
                    all.addAll(ids);
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
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Answers {@code call} with what {@code results} makes of the directory's answer, or with its refusal. */
    private static <T> SessionDirectory.Answer<T> answer(Session caller, Call call, Function<T, List<Object>> results) {
        return new SessionDirectory.Answer<>() {
            @Override
            public void ok(T value) {
                List<Object> r;
                try {
                    r = results.apply(value);
                } catch (Refusal refusal) {
                    caller.send(refusal.toError(io.postmaster.message.MessageType.CALL, call.request()));
                    return;
                }
                caller.send(new Result(call.request(), Map.of(), r, null));
            }

            @Override
            public void failed(String why) {
                CLUSTER_FAILED.log(() -> call.procedure() + " for " + caller + " could not ask the other nodes: " + why);
                caller.sendError(io.postmaster.message.MessageType.CALL, call.request(), ErrorUris.NETWORK_FAILURE,
                        "the other nodes could not be asked");
            }
        };
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
        return realm.sessions().stream()
                .filter(x -> authroles == null || authroles.contains(x.authrole())).toList();
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
    private List<Object> events(Session caller, Subscription sub, Args a) {
        authorization.check(caller, Action.SUBSCRIBE, sub.topic());
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
        List<EventHistory.Entry> events = new ArrayList<>();
        for (EventHistory h : realm.broker().histories(sub)) {
            events.addAll(h.entries());
        }
        events.sort(java.util.Comparator.comparingLong(EventHistory.Entry::seq));
        events = new ArrayList<>(readable(caller, events).stream()
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
            m.put("subscription", sub.id());
            m.put("publication", e.publication());
            Map<String, Object> details = e.details();
            if (sub.policy() != MatchPolicy.EXACT) {
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
        Object reason = a.kw("reason");
        Object message = a.kw("message");
        if (reason != null && !(reason instanceof String r && Uris.valid(r, Uris.Rule.LOOSE))) {
            throw new Refusal(ErrorUris.INVALID_URI, "reason must be a URI");
        }
        if (message != null && !(message instanceof String)) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "message must be a string");
        }
        for (Session t : targets) {
            t.kill(reason == null ? ErrorUris.CLOSE_KILLED : (String) reason, (String) message);
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
