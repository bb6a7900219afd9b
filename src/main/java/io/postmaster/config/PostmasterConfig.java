package io.postmaster.config;


import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The router's settings. Built by {@link #load()} from {@link #sources()}: MicroProfile Config's sources and
 * precedence (system properties, environment variables, the file named by {@code postmaster.config}, the deployment's
 * {@code META-INF/microprofile-config.properties}, the defaults), through MicroProfile Config itself where the server
 * has it.
 *
 * @param maxMessageSize     largest inbound WebSocket message in bytes; a bigger one closes the connection with 1009
 * @param outboundQueueLimit messages that may wait to be sent to one session; past it the session is closed
 * @param helloTimeout       how long a new connection may take to send HELLO
 * @param allowedOrigins     allowed {@code Origin} headers, or {@code *} for any
 * @param realms             the realms served, by name
 * @param callMaxPending     the longest any call may stay unanswered before it ends with {@code wamp.error.timeout}
 * @param retainedMax        topics per realm that may hold a retained event
 * @param writeBatching      where the container supports it (Undertow), write the messages queued for a connection
 *                           during one pass of the I/O thread with one gathering write instead of one write each
 * @param metaAccess         what the meta API grants beyond reading (kill, peer addresses) and the testament caps
 * @param login              limits on logins with credentials and how failures are answered ({@link LoginLimits})
 * @param limits             what one client can make the router hold (per session and per realm) and the HELLO
 *                           bounds
 * @param outbound           what may wait to be written to connections, in bytes, and the router's own bursts
 * @param connections        per-connection and per-address limits of the transport: connections per client address,
 *                           WebSocket keepalive
 * @param v1                 WAMP v1 clients: their realm, what they may do before authenticating, their bounds and the
 *                           realms' v1 ↔ v2 URI mappings ({@link V1Settings})
 * @param rawSocket          WAMP over RawSocket: whether, where, and its own limits ({@link RawSocketConfig})
 * @param bridge             the HTTP bridge: which realms it serves and its bounds per request ({@link BridgeConfig})
 * @param webrocket          the webrocket endpoint: realms served and per-connection bounds ({@link WebrocketConfig})
 * @param webwire            the webwire endpoint: its realm, sessions and per-connection bounds ({@link WebwireConfig})
 * @param resumption         WAMP sessions that survive a lost transport ({@link ResumptionConfig})
 * @param scram              the bounds of {@code wamp-scram}: key-derivation caps and the decoy's parameters
 *                           ({@link ScramLimits})
 * @param admin              the admin console and its WebSocket: whether served, the admin sessions' authrole
 *                           ({@link AdminConsole})
 * @param operator           the metrics and health endpoints, their protection, the drain at stop
 *                           ({@link OperatorSettings})
 * @param cluster            scale-out over Redis: off unless {@code postmaster.cluster.redis} is set
 *                           ({@link ClusterConfig})
 * @param sessionStore       the one store of webwire sessions and resumable WAMP sessions, bounded as a whole
 *                           ({@link SessionStoreConfig})
 * @param runtimeRealms      realms an operator adds, changes and removes while the application runs: how many realms
 *                           may be served at once, how big one realm's definition may be ({@link RuntimeRealms})
 * @param server             what Postmaster uses of the application server: its logins (authmethods
 *                           {@code container}, {@code tls}), its managed executor ({@link ServerIntegration})
 * @param clusterBounds      what one node's clients can make the cluster's engine hold ({@link ClusterBounds})
 * @param websocket          where the WAMP WebSocket is served ({@code postmaster.websocket.path}, {@link WebSocketPaths})
 * @param nativeWebSocket    whether the WAMP WebSocket is served by the server's own WebSocket API where Postmaster knows one
 *                           (WildFly: {@code postmaster.undertow-native}, {@link NativeWebSocket})
 * @param metaLimits         what one meta call may gather and send: the longest session list ({@link MetaLimits})
 * @param ownFraming         whether that API's WebSocket frames are Postmaster's own on the upgraded connection
 *                           ({@code postmaster.own-framing}, {@link OwnFraming})
 */
public record PostmasterConfig(int maxMessageSize, int outboundQueueLimit, Duration helloTimeout,
                               List<String> allowedOrigins, Map<String, RealmConfig> realms,
                               Duration callMaxPending, int retainedMax, boolean writeBatching,
                               MetaAccess metaAccess, LoginLimits login, SessionLimits limits,
                               OutboundLimits outbound, ConnectionLimits connections, V1Settings v1,
                               RawSocketConfig rawSocket, BridgeConfig bridge, WebrocketConfig webrocket,
                               WebwireConfig webwire, ResumptionConfig resumption,
                               ScramLimits scram, AdminConsole admin,
                               OperatorSettings operator, ClusterConfig cluster, SessionStoreConfig sessionStore,
                               RuntimeRealms runtimeRealms, ServerIntegration server, ClusterBounds clusterBounds,
                               WebSocketPaths websocket, NativeWebSocket nativeWebSocket, MetaLimits metaLimits,
                               OwnFraming ownFraming) {

    static final String FILE_PROPERTY = "postmaster.config";
    static final String REALMS = "postmaster.realms";
    static final String MAX_MESSAGE_SIZE = "postmaster.max-message-size";
    static final String OUTBOUND_QUEUE = "postmaster.outbound-queue";
    static final String HELLO_TIMEOUT_MS = "postmaster.hello-timeout-ms";
    static final String ALLOWED_ORIGINS = "postmaster.allowed-origins";
    public static final String CALL_MAX_PENDING_MS = "postmaster.call-max-pending-ms";
    static final String RETAINED_MAX = "postmaster.retained-max";
    static final String WRITE_BATCHING = "postmaster.write-batching";

    public PostmasterConfig {
        if (maxMessageSize < 1024) {
            throw new IllegalArgumentException(MAX_MESSAGE_SIZE + " must be at least 1024, got " + maxMessageSize);
        }
        if (outboundQueueLimit < 1) {
            throw new IllegalArgumentException(OUTBOUND_QUEUE + " must be positive, got " + outboundQueueLimit);
        }
        if (helloTimeout.isNegative() || helloTimeout.isZero()) {
            throw new IllegalArgumentException(HELLO_TIMEOUT_MS + " must be positive");
        }
        if (callMaxPending.isNegative() || callMaxPending.isZero()) {
            throw new IllegalArgumentException(CALL_MAX_PENDING_MS + " must be positive");
        }
        if (retainedMax < 0) {
            throw new IllegalArgumentException(RETAINED_MAX + " must not be negative");
        }
        allowedOrigins = List.copyOf(allowedOrigins);
        realms = Collections.unmodifiableMap(new LinkedHashMap<>(realms));
        if (metaAccess == null) {
            throw new IllegalArgumentException("metaAccess must be given (MetaAccess.from)");
        }
        java.util.Objects.requireNonNull(connections, "connections");
        java.util.Objects.requireNonNull(v1, "v1");
        java.util.Objects.requireNonNull(rawSocket, "rawSocket");
        java.util.Objects.requireNonNull(bridge, "bridge");
        java.util.Objects.requireNonNull(webrocket, "webrocket");
        java.util.Objects.requireNonNull(webwire, "webwire");
        java.util.Objects.requireNonNull(resumption, "resumption");
        java.util.Objects.requireNonNull(scram, "scram");
        java.util.Objects.requireNonNull(admin, "admin");
        java.util.Objects.requireNonNull(operator, "operator");
        java.util.Objects.requireNonNull(cluster, "cluster");
        java.util.Objects.requireNonNull(runtimeRealms, "runtimeRealms");
        java.util.Objects.requireNonNull(server, "server");
        java.util.Objects.requireNonNull(clusterBounds, "clusterBounds");
        java.util.Objects.requireNonNull(websocket, "websocket");
        java.util.Objects.requireNonNull(nativeWebSocket, "nativeWebSocket");
        java.util.Objects.requireNonNull(metaLimits, "metaLimits");
        java.util.Objects.requireNonNull(ownFraming, "ownFraming");
    }

    /** The defaults: realm {@code realm1} open to anonymous sessions, as Crossbar ships. */
    public static PostmasterConfig defaults() {
        return from(k -> null);
    }

    /** Loads the settings from the file, system properties and environment, over the defaults. */
    public static PostmasterConfig load() {
        return from(sources());
    }

    /**
     * The key lookup {@link #load()} reads, for the deployment whose class loader is the current thread's context
     * class loader: MicroProfile Config where the server has it, else system properties, environment variables, the
     * file named by {@code postmaster.config} and the deployment's {@code META-INF/microprofile-config.properties}, in
     * MicroProfile Config's precedence ({@link Sources}). Other settings classes (e.g. {@link AuthConfig}) read
     * through it too, so every key follows the same rules.
     */
    public static Function<String, String> sources() {
        return Sources.of(Thread.currentThread().getContextClassLoader());
    }

    /** Whether the current deployment's settings come through MicroProfile Config. */
    public static boolean microProfileConfig() {
        return Sources.microProfileUsed(Thread.currentThread().getContextClassLoader());
    }

    /** The environment variable that overrides {@code key}. */
    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Builds the settings from a key lookup that returns null for unset keys. */
    public static PostmasterConfig from(Function<String, String> lookup) {
        int maxMessageSize = intValue(lookup, MAX_MESSAGE_SIZE, 1024 * 1024);
        int outbound = intValue(lookup, OUTBOUND_QUEUE, 16384);
        long helloMs = intValue(lookup, HELLO_TIMEOUT_MS, 10_000);
        List<String> origins = list(lookup.apply(ALLOWED_ORIGINS), "*");
        Map<String, RealmConfig> realms = new LinkedHashMap<>();
        for (String name : list(lookup.apply(REALMS), "realm1")) {
            realms.put(name, RealmConfig.from(lookup, name));
        }
        long maxPendingMs = intValue(lookup, CALL_MAX_PENDING_MS, 300_000);
        int retainedMax = intValue(lookup, RETAINED_MAX, 10_000);
        return new PostmasterConfig(maxMessageSize, outbound, Duration.ofMillis(helloMs), origins, realms,
                Duration.ofMillis(maxPendingMs), retainedMax, boolValue(lookup, WRITE_BATCHING, true),
                MetaAccess.from(lookup), LoginLimits.from(lookup), SessionLimits.from(lookup),
                OutboundLimits.from(lookup), ConnectionLimits.from(lookup), V1Settings.from(lookup),
                RawSocketConfig.from(lookup), BridgeConfig.from(lookup), WebrocketConfig.from(lookup),
                WebwireConfig.from(lookup), ResumptionConfig.from(lookup),
                ScramLimits.from(lookup), AdminConsole.from(lookup),
                OperatorSettings.from(lookup), ClusterConfig.from(lookup, maxMessageSize),
                SessionStoreConfig.from(lookup), RuntimeRealms.from(lookup, realms.size()),
                ServerIntegration.from(lookup), ClusterBounds.from(lookup), WebSocketPaths.from(lookup),
                NativeWebSocket.from(lookup), MetaLimits.from(lookup, maxMessageSize), OwnFraming.from(lookup));
    }

    /** A setting, or {@code def} when unset or blank. Shared by the settings classes of this package. */
    static String value(Function<String, String> lookup, String key, String def) {
        String v = lookup.apply(key);
        return v == null || v.isBlank() ? def : v.trim();
    }

    /** An integer setting, or {@code def} when unset. Shared by the settings classes of this package. */
    static int intValue(Function<String, String> lookup, String key, int def) {
        String v = value(lookup, key, Integer.toString(def));
        return parseInt(v).orElseThrow(() -> new IllegalArgumentException(key + " must be an integer, got '" + v + "'"));
    }

    /** A long integer setting, or {@code def} when unset. Shared by the settings classes of this package. */
    static long longValue(Function<String, String> lookup, String key, long def) {
        String v = value(lookup, key, Long.toString(def));
        return parseLong(v).orElseThrow(() -> new IllegalArgumentException(key + " must be an integer, got '" + v + "'"));
    }

    /** The int {@code text} spells in decimal; empty when it spells none. Shared by the settings classes. */
    static OptionalInt parseInt(String text) {
        try { // the JDK's parser says "not a number" only by throwing; here it is a value
            return OptionalInt.of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The long {@code text} spells in decimal; empty when it spells none. */
    static OptionalLong parseLong(String text) {
        try { // the JDK's parser says "not a number" only by throwing; here it is a value
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The constant of {@code type} named {@code name}, case aside; empty when none is. Shared by the settings classes. */
    static <E extends Enum<E>> Optional<E> named(Class<E> type, String name) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    static boolean boolValue(Function<String, String> lookup, String key, boolean def) {
        String v = value(lookup, key, Boolean.toString(def));
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    static List<String> list(String v, String def) {
        List<String> out = new ArrayList<>();
        for (String s : (v == null || v.isBlank() ? def : v).split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /**
     * Whether a WebSocket handshake from {@code origin} is allowed. Browsers always send {@code Origin}; a handshake
     * without one comes from a non-browser client, which the header cannot vouch for either way, so it is allowed.
     */
    public boolean originAllowed(String origin) {
        return origin == null || allowedOrigins.contains("*") || allowedOrigins.contains(origin);
    }
}
