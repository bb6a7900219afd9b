package io.postmaster.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The HTTP bridge ({@code POST <context>/bridge/publish}, {@code POST <context>/bridge/call}): off on every realm
 * unless enabled, and bounded per request. Read through {@link PostmasterConfig#sources()} like every other key;
 * every key is in the README.
 *
 * @param realms        each served realm's bridge settings, by name
 * @param maxBodyBytes  {@code postmaster.bridge.max-body-bytes}: the largest request body; bigger gets HTTP 413
 * @param callTimeout   {@code postmaster.bridge.call-timeout-ms}: the longest a bridged call may take (a request's
 *                      own {@code timeout} option may only shorten it); then HTTP 504 {@code wamp.error.timeout}
 * @param maxConcurrent {@code postmaster.bridge.max-concurrent}: requests the bridge serves at once (each is a
 *                      session of the router while it runs); past it HTTP 503
 */
public record BridgeConfig(Map<String, RealmBridge> realms, int maxBodyBytes, Duration callTimeout,
                           int maxConcurrent) {

    public static final String MAX_BODY_BYTES = "postmaster.bridge.max-body-bytes";
    public static final String CALL_TIMEOUT_MS = "postmaster.bridge.call-timeout-ms";
    public static final String MAX_CONCURRENT = "postmaster.bridge.max-concurrent";

    /**
     * One realm's bridge.
     *
     * @param enabled {@code postmaster.realm.<realm>.bridge}: whether the bridge serves the realm at all
     * @param roles   {@code postmaster.realm.<realm>.bridge.roles}: container role → realm role, in the order given;
     *                a request the container authenticated gets the realm role of the first container role its
     *                principal has, and none of them: HTTP 403
     * @param tokens  {@code postmaster.realm.<realm>.bridge.tokens}: the bearer tokens a request without a container
     *                login may present, each with the authid and role its sessions get
     */
    public record RealmBridge(boolean enabled, Map<String, String> roles, List<Token> tokens) {
        public RealmBridge {
            roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
            tokens = List.copyOf(tokens);
        }

        static final RealmBridge OFF = new RealmBridge(false, Map.of(), List.of());
    }

    /**
     * A configured bearer token, stored as its SHA-256 (a random token of 32 bytes cannot be guessed, so a fast hash
     * is enough, unlike a password).
     *
     * @param authid {@code postmaster.realm.<realm>.bridge.token.<authid>.…}: the authid of its sessions
     * @param role   {@code ….role}: the realm role of its sessions
     * @param sha256 {@code ….sha256}: the SHA-256 of the token, 64 hex digits
     */
    public record Token(String authid, String role, byte[] sha256) {
    }

    public BridgeConfig {
        realms = Collections.unmodifiableMap(new LinkedHashMap<>(realms));
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException(MAX_BODY_BYTES + " must be at least 1024, got " + maxBodyBytes);
        }
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException(CALL_TIMEOUT_MS + " must be positive");
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException(MAX_CONCURRENT + " must be positive, got " + maxConcurrent);
        }
    }

    /** The bridge of {@code realm}; off for a realm the router does not serve. */
    public RealmBridge of(String realm) {
        return realms.getOrDefault(realm, RealmBridge.OFF);
    }

    /**
     * A list of {@code container-role=realm-role} pairs (setting {@code key}, value {@code value}), the first pair of
     * a container role winning; shared with {@link ContainerAuth}.
     */
    static Map<String, String> roleMap(String key, String value) {
        Map<String, String> roles = new LinkedHashMap<>();
        for (String pair : PostmasterConfig.list(value, "")) {
            int eq = pair.indexOf('=');
            String container = eq > 0 ? pair.substring(0, eq).trim() : "";
            String role = eq > 0 ? pair.substring(eq + 1).trim() : "";
            if (container.isEmpty() || role.isEmpty()) {
                throw new IllegalArgumentException(key + ": '" + pair + "' must be container-role=realm-role");
            }
            roles.putIfAbsent(container, role);
        }
        return roles;
    }

    /** Reads the settings through {@code lookup}, for every served realm. */
    public static BridgeConfig from(Function<String, String> lookup) {
        Map<String, RealmBridge> realms = new LinkedHashMap<>();
        for (String realm : PostmasterConfig.list(lookup.apply(PostmasterConfig.REALMS), "realm1")) {
            String key = "postmaster.realm." + realm + ".bridge";
            Map<String, String> roles = roleMap(key + ".roles", lookup.apply(key + ".roles"));
            List<Token> tokens = new ArrayList<>();
            for (String authid : PostmasterConfig.list(lookup.apply(key + ".tokens"), "")) {
                String t = key + ".token." + authid + ".";
                String role = PostmasterConfig.value(lookup, t + "role", "");
                String hash = PostmasterConfig.value(lookup, t + "sha256", "").toLowerCase(Locale.ROOT);
                if (role.isEmpty()) {
                    throw new IllegalArgumentException(t + "role must name the token's realm role");
                }
                if (!hash.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException(t + "sha256 must be the token's SHA-256 in 64 hex digits");
                }
                tokens.add(new Token(authid, role, HexFormat.of().parseHex(hash)));
            }
            realms.put(realm, new RealmBridge(PostmasterConfig.boolValue(lookup, key, false), roles, tokens));
        }
        return new BridgeConfig(realms, PostmasterConfig.intValue(lookup, MAX_BODY_BYTES, 64 * 1024),
                Duration.ofMillis(PostmasterConfig.intValue(lookup, CALL_TIMEOUT_MS, 10_000)),
                PostmasterConfig.intValue(lookup, MAX_CONCURRENT, 64));
    }
}
