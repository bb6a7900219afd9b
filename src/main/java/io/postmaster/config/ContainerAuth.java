package io.postmaster.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Logins the application server vouches for: authmethod {@code container} (the principal of the web application's
 * own login on the WebSocket handshake) and authmethod {@code tls} (the client certificate the server verified).
 * Either must also be listed in the realm's {@code postmaster.realm.<realm>.authmethods}. Read through
 * {@link PostmasterConfig#sources()} like every other key; every key is in the README.
 *
 * @param realms each served realm's settings, by name
 */
public record ContainerAuth(Map<String, RealmContainerAuth> realms) {

    /**
     * One realm's settings.
     *
     * @param roles    {@code postmaster.realm.<realm>.container.roles}: container role → realm role, in the order
     *                 given; the principal gets the realm role of the first container role it holds, and a principal
     *                 holding none is refused (ABORT {@code wamp.error.not_authorized})
     * @param anyHello {@code postmaster.realm.<realm>.container.any-hello}: a HELLO on the realm over a connection
     *                 whose handshake carries a principal is welcomed as that principal whatever authmethods it
     *                 offers (default false: only when it offers {@code container})
     * @param tlsRole  {@code postmaster.realm.<realm>.tls.role}: the realm role of a client certificate whose
     *                 common name is not a user configured for the realm; null: such a certificate is refused
     */
    public record RealmContainerAuth(Map<String, String> roles, boolean anyHello, String tlsRole) {
        public RealmContainerAuth {
            roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        }

        static final RealmContainerAuth NONE = new RealmContainerAuth(Map.of(), false, null);

        /** The realm role of the first mapped container role {@code held} contains, or null. */
        public String roleOf(Set<String> held) {
            for (Map.Entry<String, String> e : roles.entrySet()) {
                if (held.contains(e.getKey())) {
                    return e.getValue();
                }
            }
            return null;
        }
    }

    public ContainerAuth {
        realms = Collections.unmodifiableMap(new LinkedHashMap<>(realms));
    }

    /** The settings of {@code realm}; none for a realm not served. */
    public RealmContainerAuth of(String realm) {
        return realms.getOrDefault(realm, RealmContainerAuth.NONE);
    }

    /** Every container role some realm maps: the ones a handshake's principal is tested for. */
    public Set<String> containerRoles() {
        Set<String> all = new LinkedHashSet<>();
        realms.values().forEach(r -> all.addAll(r.roles().keySet()));
        return Collections.unmodifiableSet(all);
    }

    /** Reads the settings through {@code lookup}, for every served realm. */
    public static ContainerAuth from(Function<String, String> lookup) {
        Map<String, RealmContainerAuth> realms = new LinkedHashMap<>();
        for (String realm : PostmasterConfig.list(lookup.apply(PostmasterConfig.REALMS), "realm1")) {
            String key = "postmaster.realm." + realm + ".container.";
            Map<String, String> roles = BridgeConfig.roleMap(key + "roles", lookup.apply(key + "roles"));
            String tlsRole = PostmasterConfig.value(lookup, "postmaster.realm." + realm + ".tls.role", "");
            realms.put(realm, new RealmContainerAuth(roles, PostmasterConfig.boolValue(lookup, key + "any-hello", false),
                    tlsRole.isEmpty() ? null : tlsRole));
        }
        return new ContainerAuth(realms);
    }
}
