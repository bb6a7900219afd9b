package io.postmaster.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the meta API lets a session do beyond reading: kill other sessions (and revoke what they registered and
 * subscribed), see their transport addresses, and leave testaments. Secure by default: no realm lets anyone kill,
 * revoke or see addresses until configured, and testaments are capped per session.
 *
 * @param testamentMax      {@code postmaster.testament-max}: testaments one session may hold (both scopes together)
 * @param testamentMaxBytes {@code postmaster.testament-max-bytes}: their estimated size in bytes, all together
 *                          (topic, arguments and options)
 * @param realms            per-realm settings, by realm name; a realm not listed has {@link Realm#DEFAULT}
 */
public record MetaAccess(int testamentMax, int testamentMaxBytes, Map<String, Realm> realms) {

    public static final String TESTAMENT_MAX = "postmaster.testament-max";
    public static final String TESTAMENT_MAX_BYTES = "postmaster.testament-max-bytes";

    public MetaAccess {
        if (testamentMax < 0) {
            throw new IllegalArgumentException(TESTAMENT_MAX + " must not be negative, got " + testamentMax);
        }
        if (testamentMaxBytes < 0) {
            throw new IllegalArgumentException(TESTAMENT_MAX_BYTES + " must not be negative, got " + testamentMaxBytes);
        }
        realms = Collections.unmodifiableMap(new LinkedHashMap<>(realms));
    }

    /**
     * One realm's settings.
     *
     * @param metaKill          {@code postmaster.realm.<realm>.meta-kill}: whether {@code wamp.session.kill*} and
     *                          the revocation procedures ({@code wamp.registration.remove*},
     *                          {@code wamp.subscription.remove*}) are granted like any other procedure (by any rule
     *                          that allows the call, {@code *} included). When false, only a rule naming those
     *                          procedures grants them.
     * @param peerAddressRoles  {@code postmaster.realm.<realm>.peer-address-roles}: the roles whose sessions see
     *                          other sessions' transport address ({@code transport.peer}) in {@code wamp.session.get}
     */
    public record Realm(boolean metaKill, Set<String> peerAddressRoles) {
        /** Nobody may kill through the catch-all rule, nobody sees addresses. */
        static final Realm DEFAULT = new Realm(false, Set.of());

        public Realm {
            peerAddressRoles = Collections.unmodifiableSet(new LinkedHashSet<>(peerAddressRoles));
        }
    }

    /** The settings of {@code realm}: its own, or the defaults. */
    public Realm realm(String realm) {
        return realms.getOrDefault(realm, Realm.DEFAULT);
    }

    /** Reads the settings for the realms named by {@code postmaster.realms}. */
    public static MetaAccess from(Function<String, String> lookup) {
        int max = PostmasterConfig.intValue(lookup, TESTAMENT_MAX, 16);
        int maxBytes = PostmasterConfig.intValue(lookup, TESTAMENT_MAX_BYTES, 16 * 1024);
        Map<String, Realm> realms = new LinkedHashMap<>();
        for (String name : PostmasterConfig.list(lookup.apply(PostmasterConfig.REALMS), "realm1")) {
            String p = "postmaster.realm." + name + ".";
            realms.put(name, new Realm(PostmasterConfig.boolValue(lookup, p + "meta-kill", false),
                    new LinkedHashSet<>(PostmasterConfig.list(lookup.apply(p + "peer-address-roles"), ""))));
        }
        return new MetaAccess(max, maxBytes, realms);
    }
}
