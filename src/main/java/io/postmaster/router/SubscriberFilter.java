package io.postmaster.router;

import io.postmaster.message.ErrorUris;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may receive a publication: publisher exclusion ({@code exclude_me}, on by default) and subscriber
 * black/whitelisting ({@code exclude}, {@code eligible}, {@code exclude_authid}, {@code eligible_authid},
 * {@code exclude_authrole}, {@code eligible_authrole}). A session receives the event when it is in every given
 * whitelist and in no blacklist. Built once per publication, by the {@link Gate}. Sessions are named by ID only, so a
 * filter means the same on every node of a cluster, where it travels as a map ({@link #toMap}, {@link #fromMap}).
 */
public final class SubscriberFilter {
    /** The publisher's session ID when it is excluded ({@code exclude_me}), else 0 (no session has ID 0). */
    private final long excluded;
    private final Set<Long> exclude;
    private final Set<Long> eligible;
    private final Set<String> excludeAuthid;
    private final Set<String> eligibleAuthid;
    private final Set<String> excludeAuthrole;
    private final Set<String> eligibleAuthrole;

    private SubscriberFilter(long excluded, Set<Long> exclude, Set<Long> eligible, Set<String> excludeAuthid,
                             Set<String> eligibleAuthid, Set<String> excludeAuthrole, Set<String> eligibleAuthrole) {
        this.excluded = excluded;
        this.exclude = exclude;
        this.eligible = eligible;
        this.excludeAuthid = excludeAuthid;
        this.eligibleAuthid = eligibleAuthid;
        this.excludeAuthrole = excludeAuthrole;
        this.eligibleAuthrole = eligibleAuthrole;
    }

    /**
     * The filter for PUBLISH options, or null when nobody is filtered out.
     *
     * @throws Refusal {@code wamp.error.invalid_argument} when an option has the wrong type (the message says which)
     */
    static SubscriberFilter of(Map<String, Object> options, Session publisher) {
        Object excludeMe = options.get("exclude_me");
        if (excludeMe != null && !(excludeMe instanceof Boolean)) {
            throw invalid("exclude_me must be a boolean");
        }
        long excluded = Boolean.FALSE.equals(excludeMe) ? 0 : publisher.id();
        Set<Long> exclude = ids(options, "exclude");
        Set<Long> eligible = ids(options, "eligible");
        Set<String> excludeAuthid = strings(options, "exclude_authid");
        Set<String> eligibleAuthid = strings(options, "eligible_authid");
        Set<String> excludeAuthrole = strings(options, "exclude_authrole");
        Set<String> eligibleAuthrole = strings(options, "eligible_authrole");
        if (excluded == 0 && exclude == null && eligible == null && excludeAuthid == null && eligibleAuthid == null
                && excludeAuthrole == null && eligibleAuthrole == null) {
            return null;
        }
        return new SubscriberFilter(excluded, exclude, eligible, excludeAuthid, eligibleAuthid, excludeAuthrole,
                eligibleAuthrole);
    }

    /** Whether the filter names sessions by ID ({@code exclude}, {@code eligible}; not {@code exclude_me}). */
    boolean namesSessions() {
        return exclude != null || eligible != null;
    }

    /**
     * The filter by authid and authrole only, which means the same for sessions that join later (what an event
     * history keeps); null when it has none.
     */
    SubscriberFilter withoutSessions() {
        if (excludeAuthid == null && eligibleAuthid == null && excludeAuthrole == null && eligibleAuthrole == null) {
            return null;
        }
        return new SubscriberFilter(0, null, null, excludeAuthid, eligibleAuthid, excludeAuthrole, eligibleAuthrole);
    }

    /** About the bytes it holds, for the budgets of what is kept (retained events, histories). */
    long bytes() {
        long n = 8L * ((exclude == null ? 0 : exclude.size()) + (eligible == null ? 0 : eligible.size()));
        for (Set<String> set : List.of(orEmpty(excludeAuthid), orEmpty(eligibleAuthid), orEmpty(excludeAuthrole),
                orEmpty(eligibleAuthrole))) {
            for (String x : set) {
                n += x.length() + 8;
            }
        }
        return n;
    }

    private static Set<String> orEmpty(Set<String> s) {
        return s == null ? Set.of() : s;
    }

    /** Whether {@code s} may receive the publication. */
    boolean allows(Session s) {
        long id = s.id();
        if (id == excluded) {
            return false;
        }
        if (exclude != null && exclude.contains(id)) {
            return false;
        }
        if (eligible != null && !eligible.contains(id)) {
            return false;
        }
        if (excludeAuthid != null && excludeAuthid.contains(s.authid())) {
            return false;
        }
        if (eligibleAuthid != null && !eligibleAuthid.contains(s.authid())) {
            return false;
        }
        if (excludeAuthrole != null && excludeAuthrole.contains(s.authrole())) {
            return false;
        }
        return eligibleAuthrole == null || eligibleAuthrole.contains(s.authrole());
    }

    /**
     * The filter as plain values (lists of session IDs and strings under the PUBLISH option names, and the excluded
     * publisher under {@code excluded}), for a cluster engine to send to another node.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        if (excluded != 0) {
            m.put(EXCLUDED, excluded);
        }
        put(m, "exclude", exclude);
        put(m, "eligible", eligible);
        put(m, "exclude_authid", excludeAuthid);
        put(m, "eligible_authid", eligibleAuthid);
        put(m, "exclude_authrole", excludeAuthrole);
        put(m, "eligible_authrole", eligibleAuthrole);
        return m;
    }

    /**
     * The filter {@link #toMap} described, or null for an empty map (everyone).
     *
     * @throws Refusal {@code wamp.error.invalid_argument} when a value has the wrong type
     */
    public static SubscriberFilter fromMap(Map<String, Object> m) {
        if (m == null || m.isEmpty()) {
            return null;
        }
        Object excluded = m.get(EXCLUDED);
        if (excluded != null && !(excluded instanceof Long)) {
            throw invalid(EXCLUDED + " must be a session ID");
        }
        return new SubscriberFilter(excluded == null ? 0 : (Long) excluded, ids(m, "exclude"), ids(m, "eligible"),
                strings(m, "exclude_authid"), strings(m, "eligible_authid"), strings(m, "exclude_authrole"),
                strings(m, "eligible_authrole"));
    }

    private static final String EXCLUDED = "excluded";

    private static void put(Map<String, Object> m, String key, Set<?> values) {
        if (values != null) {
            m.put(key, List.copyOf(values));
        }
    }

    private static Set<Long> ids(Map<String, Object> options, String key) {
        Object v = options.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> list)) {
            throw invalid(key + " must be a list of session IDs");
        }
        Set<Long> out = new HashSet<>();
        for (Object o : list) {
            if (!(o instanceof Long id)) {
                throw invalid(key + " must be a list of session IDs");
            }
            out.add(id);
        }
        return out;
    }

    private static Set<String> strings(Map<String, Object> options, String key) {
        Object v = options.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> list)) {
            throw invalid(key + " must be a list of strings");
        }
        Set<String> out = new HashSet<>();
        for (Object o : list) {
            if (!(o instanceof String str)) {
                throw invalid(key + " must be a list of strings");
            }
            out.add(str);
        }
        return out;
    }

    private static Refusal invalid(String why) {
        return new Refusal(ErrorUris.INVALID_ARGUMENT, why);
    }
}
