package io.postmaster.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What one client can make the router hold: caps per session and per realm, by count and by bytes, and the bounds
 * of the HELLO a client may send. The realm caps can be set per realm ({@code postmaster.realm.<realm>.<key>} over
 * {@code postmaster.<key>}); the HELLO bounds apply before any realm is known.
 *
 * @param defaults       the caps of every realm that sets none of its own
 * @param realms         the caps of each served realm, by name (a realm not listed uses {@code defaults})
 * @param helloMaxBytes  the largest HELLO.Details, measured as their JSON form would be (bytes of strings and
 *                       numbers, plus punctuation); bigger ones are refused with ABORT
 * @param helloMaxDepth  how deeply HELLO.Details may nest (the spec's {@code roles.callee.features.x} is 4)
 * @param authidMaxChars the longest authid (and authrole) a HELLO may ask for, in characters
 */
public record SessionLimits(Caps defaults, Map<String, Caps> realms, int helloMaxBytes, int helloMaxDepth,
                            int authidMaxChars) {

    static final String MAX_SUBSCRIPTIONS = "max-subscriptions";
    static final String MAX_REGISTRATIONS = "max-registrations";
    static final String MAX_PENDING_CALLS = "max-pending-calls";
    static final String REALM_MAX_SUBSCRIPTIONS = "realm-max-subscriptions";
    static final String REALM_MAX_REGISTRATIONS = "realm-max-registrations";
    static final String REALM_MAX_PENDING_CALLS = "realm-max-pending-calls";
    static final String RETAINED_MAX_BYTES = "retained-max-bytes";
    static final String HISTORY_MAX_BYTES = "history-max-bytes";
    static final String HELLO_MAX_BYTES = "postmaster.hello-max-bytes";
    static final String HELLO_MAX_DEPTH = "postmaster.hello-max-depth";
    static final String AUTHID_MAX_CHARS = "postmaster.authid-max-chars";

    /**
     * The caps of one realm.
     *
     * @param subscriptions      subscriptions one session may hold
     * @param registrations      registrations one session may hold
     * @param pendingCalls       calls one session may have waiting for an answer (as caller)
     * @param realmSubscriptions subscriptions all sessions of the realm may hold together (one per session and
     *                           subscription)
     * @param realmRegistrations registrations all sessions of the realm may hold together
     * @param realmPendingCalls  calls that may wait for an answer in the realm at once
     * @param retainedBytes      bytes of retained events (payload and details, measured as JSON) the realm keeps
     * @param historyBytes       bytes of event history kept per configured topic (measured as JSON)
     */
    public record Caps(int subscriptions, int registrations, int pendingCalls, int realmSubscriptions,
                       int realmRegistrations, int realmPendingCalls, int retainedBytes, int historyBytes) {
    }

    public SessionLimits {
        realms = Collections.unmodifiableMap(new LinkedHashMap<>(realms));
        if (helloMaxBytes < 1024) {
            throw new IllegalArgumentException(HELLO_MAX_BYTES + " must be at least 1024, got " + helloMaxBytes);
        }
        if (helloMaxDepth < 4) {
            throw new IllegalArgumentException(HELLO_MAX_DEPTH + " must be at least 4, got " + helloMaxDepth);
        }
        if (authidMaxChars < 1) {
            throw new IllegalArgumentException(AUTHID_MAX_CHARS + " must be positive, got " + authidMaxChars);
        }
    }

    /** The caps of {@code realm}. */
    public Caps of(String realm) {
        return realms.getOrDefault(realm, defaults);
    }

    /** Reads the limits through {@code lookup} (see {@link PostmasterConfig#sources()}), for every served realm. */
    public static SessionLimits from(Function<String, String> lookup) {
        Caps defaults = caps(lookup, "postmaster.", null);
        Map<String, Caps> realms = new LinkedHashMap<>();
        for (String realm : PostmasterConfig.list(lookup.apply(PostmasterConfig.REALMS), "realm1")) {
            realms.put(realm, caps(lookup, "postmaster.realm." + realm + ".", defaults));
        }
        return new SessionLimits(defaults, realms,
                PostmasterConfig.intValue(lookup, HELLO_MAX_BYTES, 64 * 1024),
                PostmasterConfig.intValue(lookup, HELLO_MAX_DEPTH, 16),
                PostmasterConfig.intValue(lookup, AUTHID_MAX_CHARS, 256));
    }

    /** The caps under {@code prefix}, each falling back to {@code base} (or to the built-in default). */
    private static Caps caps(Function<String, String> lookup, String prefix, Caps base) {
        return new Caps(
                positive(lookup, prefix + MAX_SUBSCRIPTIONS, base == null ? 10_000 : base.subscriptions()),
                positive(lookup, prefix + MAX_REGISTRATIONS, base == null ? 10_000 : base.registrations()),
                positive(lookup, prefix + MAX_PENDING_CALLS, base == null ? 10_000 : base.pendingCalls()),
                positive(lookup, prefix + REALM_MAX_SUBSCRIPTIONS, base == null ? 200_000 : base.realmSubscriptions()),
                positive(lookup, prefix + REALM_MAX_REGISTRATIONS, base == null ? 100_000 : base.realmRegistrations()),
                positive(lookup, prefix + REALM_MAX_PENDING_CALLS, base == null ? 100_000 : base.realmPendingCalls()),
                positive(lookup, prefix + RETAINED_MAX_BYTES, base == null ? 32 * 1024 * 1024 : base.retainedBytes()),
                positive(lookup, prefix + HISTORY_MAX_BYTES, base == null ? 4 * 1024 * 1024 : base.historyBytes()));
    }

    private static int positive(Function<String, String> lookup, String key, int def) {
        int v = PostmasterConfig.intValue(lookup, key, def);
        if (v < 1) {
            throw new IllegalArgumentException(key + " must be positive, got " + v);
        }
        return v;
    }
}
