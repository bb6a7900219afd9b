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
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);
    /** What the privileged procedures' URIs start with: a prefix rule granting them must start with it too. */
    static final String PRIVILEGED_STEM = "wamp.session.kill";
    /**
     * The procedures that act on other sessions: refused unless granted on purpose (see {@link #privileged}). Reading
     * (counts, lists, details) stays open to whoever may call the meta API.
     */
    static final Set<String> PRIVILEGED = Set.of("wamp.session.kill", "wamp.session.kill_by_authid",
            "wamp.session.kill_by_authrole", "wamp.session.kill_all");
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
        procedures.put("wamp.subscription.get", (s, a) -> List.of(subscription(s, a.id(0)).details()));
        procedures.put("wamp.subscription.list_subscribers", (s, a) -> List.of(subscription(s, a.id(0))
                .subscribers().stream().map(x -> (Object) x.id()).toList()));
        procedures.put("wamp.subscription.count_subscribers", (s, a) ->
                List.of((long) subscription(s, a.id(0)).subscribers().size()));
        // event history
        procedures.put("wamp.topic.history.last", (s, a) -> List.of(history(s, a.string(0)).last(a.count(1))));
        procedures.put("wamp.topic.history.since", (s, a) -> List.of(history(s, a.string(0)).since(a.instant(1))));
        procedures.put("wamp.topic.history.after", (s, a) -> List.of(history(s, a.string(0)).after(a.id(1))));
        procedures.put("wamp.subscription.get_events", (s, a) -> {
            Subscription sub = subscription(s, a.id(0));
            EventHistory h = sub.policy() == MatchPolicy.EXACT ? broker.history(sub.topic()) : null;
            return List.of(h == null ? List.of() : h.last(a.at(1) == null ? Integer.MAX_VALUE : a.count(1)));
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
        procedures.put("wamp.registration.get", (s, a) -> List.of(registration(s, a.id(0)).details()));
        procedures.put("wamp.registration.list_callees", (s, a) -> List.of(registration(s, a.id(0))
                .callees().stream().map(x -> (Object) x.id()).toList()));
        procedures.put("wamp.registration.count_callees", (s, a) ->
                List.of((long) registration(s, a.id(0)).callees().size()));
    }

    /**
     * Whether {@code caller} may call a {@link #PRIVILEGED} procedure (the authorizer already allowed the call): the
     * realm grants them like any procedure ({@code meta-kill}), or the rule of the caller's role that decides for
     * the procedure names it: an exact rule for it, or a prefix rule starting with {@value #PRIVILEGED_STEM}. A
     * catch-all such as {@code *}, {@code wamp.} or {@code wamp.session.} does not, nor does any wildcard rule: an
     * operator grants the power to end other sessions on purpose, never by a broad rule.
     */
    private boolean privileged(Session caller, String procedure) {
        if (access.realm(realm.name()).metaKill()) {
            return true;
        }
        Permission rule = caller.permissions().ruleFor(procedure);
        return rule != null && rule.allow().contains(Action.CALL)
                && (rule.match() == Permission.Match.EXACT
                || rule.match() == Permission.Match.PREFIX && rule.uri().startsWith(PRIVILEGED_STEM));
    }

    @Override
    public boolean call(Session caller, Call call) {
        Handler h = procedures.get(call.procedure());
        if (h == null) {
            return false;
        }
        if (PRIVILEGED.contains(call.procedure()) && !privileged(caller, call.procedure())) {
            REFUSED.log(() -> call.procedure() + " refused for " + caller + ": it needs postmaster.realm."
                    + realm.name() + ".meta-kill or a rule of role " + caller.authrole() + " naming it");
            throw Authorization.NOT_AUTHORIZED;
        }
        List<Object> results = h.call(caller, new Args(call.args(), call.kwargs()));
        caller.send(new Result(call.request(), Map.of(), results, null));
        return true;
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
        EventHistory h = realm.broker().history(topic);
        if (h == null) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "no event history is kept for " + topic
                    + " (postmaster.realm.<realm>.history)");
        }
        return h;
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
            t.kill(reason == null ? ErrorUris.CLOSE_NORMAL : (String) reason, (String) message);
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
            String s = string(i);
            try {
                return java.time.Instant.parse(s);
            } catch (java.time.format.DateTimeParseException e) {
                // the spec's own example writes milliseconds after a colon: 2013-12-21T13:43:11:000Z
                try {
                    int c = s.lastIndexOf(':');
                    return java.time.Instant.parse(s.substring(0, c) + '.' + s.substring(c + 1));
                } catch (RuntimeException e2) {
                    throw new Refusal(ErrorUris.INVALID_ARGUMENT, "argument " + (i + 1) + " must be an ISO-8601 time");
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
