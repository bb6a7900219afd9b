package io.postmaster.config;

import io.postmaster.message.Uris;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.boolValue;
import static io.postmaster.config.PostmasterConfig.intValue;
import static io.postmaster.config.PostmasterConfig.list;
import static io.postmaster.config.PostmasterConfig.value;

/**
 * WAMP v1 clients (WebSocket subprotocol {@code wamp}) on the {@code /ws} endpoint: which realm they join, what they
 * may do before authenticating, what one v1 connection may make the router hold beyond its v2 session's caps, and the
 * explicit v1 ↔ v2 URI mappings of each realm.
 *
 * @param enabled        whether subprotocol {@code wamp} is offered at all
 * @param realm          the realm a v1 client joins when its URL names none ({@code ws://…/ws?realm=…})
 * @param realms         the realms a v1 client may name with {@code ?realm=}; the default realm is always one
 * @param anonymousCalls what a v1 session may call before it authenticates (WAMP-CRA v1)
 * @param maxPrefixes    PREFIX definitions one v1 connection may hold; one more closes it (1008)
 * @param maxPrefixBytes characters of prefix names and URIs together one v1 connection may hold; past it (1008)
 * @param maxUriChars    the longest v1 URI (after CURIE resolution) taken; a longer one is an invalid URI
 * @param maxIdChars     the longest call ID and prefix name taken; a longer one closes the connection (1002)
 * @param uriMappings    explicit v1 ↔ v2 URI prefix mappings by realm, in the order configured
 */
public record V1Settings(boolean enabled, String realm, List<String> realms, AnonymousCalls anonymousCalls,
                         int maxPrefixes, int maxPrefixBytes, int maxUriChars, int maxIdChars,
                         Map<String, List<UriMapping>> uriMappings) {

    public static final String ENABLED = "postmaster.v1.enabled";
    public static final String REALM = "postmaster.v1.realm";
    public static final String REALMS = "postmaster.v1.realms";
    public static final String ANONYMOUS_CALLS = "postmaster.v1.anonymous-calls";
    public static final String MAX_PREFIXES = "postmaster.v1.max-prefixes";
    public static final String MAX_PREFIX_BYTES = "postmaster.v1.max-prefix-bytes";
    public static final String MAX_URI_CHARS = "postmaster.v1.max-uri-chars";
    public static final String MAX_ID_CHARS = "postmaster.v1.max-id-chars";
    /** Per realm: {@code postmaster.realm.<realm>.v1-uri-map}. */
    public static final String URI_MAP = "v1-uri-map";

    /** What a v1 session may call before it authenticates. */
    public enum AnonymousCalls {
        /** Only the server-side procedures marked {@code @WampProcedure(anonymous = true)}, as the original server. */
        SERVER_PROCEDURES,
        /** Whatever the realm's anonymous role may call. */
        ROLE
    }

    /**
     * A v1 URI prefix and the v2 URI prefix it stands for: {@code v1Prefix + rest} ↔ {@code v2Prefix + encoded rest}
     * (see the README's "WAMP v1 clients").
     */
    public record UriMapping(String v1Prefix, String v2Prefix) {
    }

    public V1Settings {
        realms = List.copyOf(realms);
        Map<String, List<UriMapping>> m = new LinkedHashMap<>();
        uriMappings.forEach((k, v) -> m.put(k, List.copyOf(v)));
        uriMappings = Collections.unmodifiableMap(m);
        check(maxPrefixes, MAX_PREFIXES, 0);
        check(maxPrefixBytes, MAX_PREFIX_BYTES, 0);
        check(maxUriChars, MAX_URI_CHARS, 16);
        check(maxIdChars, MAX_ID_CHARS, 16);
        if (!realms.contains(realm)) {
            throw new IllegalArgumentException(REALMS + " must include " + REALM + " (" + realm + ")");
        }
    }

    private static void check(int v, String key, int min) {
        if (v < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", got " + v);
        }
    }

    /** The explicit mappings of {@code realm} (empty if none). */
    public List<UriMapping> mappings(String realm) {
        return uriMappings.getOrDefault(realm, List.of());
    }

    /** Reads the settings through {@code lookup}; the realms are those of {@code postmaster.realms}. */
    public static V1Settings from(Function<String, String> lookup) {
        List<String> served = list(lookup.apply(PostmasterConfig.REALMS), "realm1");
        String realm = value(lookup, REALM, served.get(0));
        if (!served.contains(realm)) {
            throw new IllegalArgumentException(REALM + ": realm '" + realm + "' is not served (" + PostmasterConfig.REALMS
                    + ")");
        }
        List<String> realms = new ArrayList<>(list(lookup.apply(REALMS), realm));
        for (String r : realms) {
            if (!served.contains(r)) {
                throw new IllegalArgumentException(REALMS + ": realm '" + r + "' is not served ("
                        + PostmasterConfig.REALMS + ")");
            }
        }
        if (!realms.contains(realm)) {
            realms.add(0, realm);
        }
        String calls = value(lookup, ANONYMOUS_CALLS, "server-procedures");
        AnonymousCalls anonymousCalls;
        try {
            anonymousCalls = AnonymousCalls.valueOf(calls.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ANONYMOUS_CALLS + " must be server-procedures or role, got '" + calls
                    + "'");
        }
        Map<String, List<UriMapping>> mappings = new LinkedHashMap<>();
        for (String r : served) {
            String key = "postmaster.realm." + r + "." + URI_MAP;
            List<UriMapping> list = new ArrayList<>();
            for (String entry : list(lookup.apply(key), "")) {
                int eq = entry.lastIndexOf('=');
                String v1 = eq > 0 ? entry.substring(0, eq).trim() : "";
                String v2 = eq > 0 ? entry.substring(eq + 1).trim() : "";
                if (v1.isEmpty() || !v1.contains(":") || v2.isEmpty() || !v2.endsWith(".")
                        || !Uris.check(v2, Uris.Rule.LOOSE, true, false) || v2.startsWith("v1.")
                        || Uris.reserved(v2)) {
                    throw new IllegalArgumentException(key + ": '" + entry + "' must be v1-prefix=v2-prefix, with a"
                            + " v1 URL prefix and a v2 URI prefix ending in '.' (not under v1. or wamp.)");
                }
                list.add(new UriMapping(v1, v2));
            }
            for (UriMapping a : list) {
                for (UriMapping b : list) {
                    if (a != b && (a.v1Prefix().startsWith(b.v1Prefix()) || a.v2Prefix().startsWith(b.v2Prefix()))) {
                        throw new IllegalArgumentException(key + ": the prefixes of '" + a.v1Prefix() + "' and '"
                                + b.v1Prefix() + "' overlap: a URI must map one way only");
                    }
                }
            }
            if (!list.isEmpty()) {
                mappings.put(r, list);
            }
        }
        return new V1Settings(boolValue(lookup, ENABLED, true), realm, realms, anonymousCalls,
                intValue(lookup, MAX_PREFIXES, 64), intValue(lookup, MAX_PREFIX_BYTES, 16 * 1024),
                intValue(lookup, MAX_URI_CHARS, 512), intValue(lookup, MAX_ID_CHARS, 64), mappings);
    }
}
