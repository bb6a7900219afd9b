package io.postmaster.bridge;

import io.postmaster.config.BridgeConfig;
import io.postmaster.inprocess.LocalClient;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.router.Peer;
import io.postmaster.spi.CallOptions;
import io.postmaster.spi.Identity;
import io.postmaster.spi.PublishOptions;
import io.postmaster.spi.WampException;
import io.postmaster.spi.WampSession;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the bridge does with one request, free of Jakarta REST (the resource only reads the body and writes the
 * reply): check the body, find who the caller is in the realm, join a session as them, publish or call, leave.
 */
public final class HttpBridge {
    private static final Logger LOG = Logger.getLogger(HttpBridge.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);
    /** The {@code authmethod} of a bridged session whose principal the container authenticated. */
    public static final String CONTAINER = "container";
    /** The {@code authmethod} of a bridged session that presented a configured bearer token. */
    public static final String BEARER = "bearer";
    /** Who vouched for the identity of a bridged session. */
    public static final String PROVIDER = "http-bridge";

    /** What a request asks for. */
    public enum Operation { PUBLISH, CALL }

    /**
     * Who sent the request, as the container saw it.
     *
     * @param principal     the name of the principal the container authenticated, or null
     * @param inRole        whether that principal has a container role
     * @param authorization the {@code Authorization} header, or null
     * @param peerAddress   the client's {@code host:port}
     * @param secure        whether the request came over TLS
     */
    public record Caller(String principal, Predicate<String> inRole, String authorization, String peerAddress,
                         boolean secure) {
    }

    /** The answer: an HTTP status and a JSON object. */
    public record Reply(int status, Map<String, Object> body) {
        /** The body as JSON. */
        public byte[] json() {
            return BridgeJson.write(body);
        }
    }

    private final BridgeConfig config;
    private final LocalClient client;
    private final Semaphore permits;

    /**
     * @param client joins the requests' sessions (and ends those still in progress when it closes)
     * @param config the bridge's settings
     */
    public HttpBridge(LocalClient client, BridgeConfig config) {
        this.config = config;
        this.client = client;
        this.permits = new Semaphore(config.maxConcurrent());
    }

    /** The settings in use. */
    public BridgeConfig config() {
        return config;
    }

    /** The reply for a body bigger than {@code postmaster.bridge.max-body-bytes}. */
    public Reply tooLarge(Caller caller) {
        return refused(caller, 413, ErrorUris.PAYLOAD_SIZE_EXCEEDED, "the body is larger than "
                + config.maxBodyBytes() + " bytes (postmaster.bridge.max-body-bytes)");
    }

    /** The reply for a body that is not JSON. */
    public Reply unsupportedType(Caller caller) {
        return refused(caller, 415, ErrorUris.INVALID_ARGUMENT, "the body must be application/json");
    }

    /** Carries out one request; the stage never fails: every outcome is a reply. */
    public CompletionStage<Reply> handle(Operation op, byte[] body, Caller caller) {
        if (!permits.tryAcquire()) {
            return CompletableFuture.completedFuture(refused(caller, 503, ErrorUris.LIMIT_REACHED,
                    "the bridge is serving " + config.maxConcurrent() + " requests (postmaster.bridge.max-concurrent)"));
        }
        CompletionStage<Reply> reply;
        try {
            reply = run(op, body, caller);
        } catch (RuntimeException | Error e) {
            permits.release();
            throw e;
        }
        return reply.whenComplete((r, t) -> permits.release());
    }

    private CompletionStage<Reply> run(Operation op, byte[] body, Caller caller) {
        Map<String, Object> req;
        try {
            req = BridgeJson.parse(body);
        } catch (BridgeJson.Malformed e) {
            return done(refused(caller, 400, ErrorUris.INVALID_ARGUMENT, e.getMessage()));
        }
        String uriField = op == Operation.PUBLISH ? "topic" : "procedure";
        if (!(req.get("realm") instanceof String realm) || !(req.get(uriField) instanceof String uri)
                || !optional(req, "args", List.class) || !optional(req, "kwargs", Map.class)
                || !optional(req, "options", Map.class)) {
            return done(refused(caller, 400, ErrorUris.INVALID_ARGUMENT, "the body needs \"realm\" and \"" + uriField
                    + "\" (strings), and may have \"args\" (a list), \"kwargs\" and \"options\" (objects)"));
        }
        @SuppressWarnings("unchecked")
        List<Object> args = (List<Object>) req.get("args");
        @SuppressWarnings("unchecked")
        Map<String, Object> kwargs = (Map<String, Object>) req.get("kwargs");
        @SuppressWarnings("unchecked")
        Map<String, Object> options = req.get("options") == null ? Map.of() : (Map<String, Object>) req.get("options");
        BridgeConfig.RealmBridge bridge = config.of(realm);
        if (!bridge.enabled()) { // unknown and not bridged alike: the bridge does not tell which realms exist
            return done(refused(caller, 404, ErrorUris.NO_SUCH_REALM, "the bridge serves no realm named that"));
        }
        Function<WampSession, CompletionStage<Reply>> action;
        try {
            action = op == Operation.PUBLISH ? publish(uri, args, kwargs, options) : call(uri, args, kwargs, options);
        } catch (IllegalArgumentException e) {
            return done(refused(caller, 400, ErrorUris.INVALID_ARGUMENT, e.getMessage()));
        }
        Peer.TransportInfo transport = new Peer.TransportInfo(caller.peerAddress(), "http", caller.secure());
        CompletionStage<WampSession> join;
        if (caller.principal() != null) {
            String role = null;
            for (Map.Entry<String, String> e : bridge.roles().entrySet()) {
                if (caller.inRole().test(e.getKey())) {
                    role = e.getValue();
                    break;
                }
            }
            if (role == null) {
                return done(refused(caller, 403, ErrorUris.NOT_AUTHORIZED, "the principal has none of the container"
                        + " roles mapped to a role of the realm (postmaster.realm.<realm>.bridge.roles)"));
            }
            join = client.join(realm, CONTAINER, new Identity(caller.principal(), role, PROVIDER, Map.of()), transport);
        } else {
            BridgeConfig.Token token = token(bridge, caller.authorization());
            if (token == null) {
                return done(refused(caller, 401, ErrorUris.NOT_AUTHORIZED, "authenticate with the server's login, or"
                        + " with a bearer token configured for the realm"));
            }
            join = client.join(realm, BEARER, new Identity(token.authid(), token.role(), PROVIDER, Map.of()),
                    transport);
        }
        return join.handle((session, failure) -> {
            if (failure != null) {
                String reason = cause(failure) instanceof WampException w ? w.error() : ErrorUris.RUNTIME_ERROR;
                int status = BridgeErrors.joinStatus(reason);
                return done(refused(caller, status, reason, status == 404 ? "the bridge serves no realm named that"
                        : status == 503 ? "the router is busy; try again later" : "the session could not join"));
            }
            CompletionStage<Reply> r;
            try {
                r = action.apply(session);
            } catch (RuntimeException e) {
                session.leave();
                throw e;
            }
            return r.handle((reply, t) -> {
                session.leave();
                if (t == null) {
                    return reply;
                }
                if (cause(t) instanceof WampException w) {
                    return refused(caller, BridgeErrors.status(w.error()), w.error(), w.args(), w.kwargs());
                }
                REFUSED.log(() -> "bridge request from " + caller.peerAddress() + " failed", t);
                return error(500, ErrorUris.RUNTIME_ERROR, List.of(), null);
            });
        }).thenCompose(Function.identity());
    }

    private Function<WampSession, CompletionStage<Reply>> publish(String topic, List<Object> args,
                                                                  Map<String, Object> kwargs,
                                                                  Map<String, Object> o) {
        PublishOptions options = PublishOptions.DEFAULTS.acknowledged()
                .excluding(ids(o, "exclude"))
                .eligible(o.containsKey("eligible") ? ids(o, "eligible") : null)
                .excludeMe(flag(o, "exclude_me", true));
        if (flag(o, "retain", false)) {
            options = options.retained();
        }
        if (flag(o, "disclose_me", false)) {
            options = options.disclosed();
        }
        PublishOptions chosen = options;
        return s -> s.publish(topic, args, kwargs, chosen).thenApply(id -> new Reply(200, Map.of("publication", id)));
    }

    private Function<WampSession, CompletionStage<Reply>> call(String procedure, List<Object> args,
                                                               Map<String, Object> kwargs, Map<String, Object> o) {
        Duration timeout = config.callTimeout();
        Object t = o.get("timeout");
        if (t != null) {
            if (!(t instanceof Long ms) || ms < 1) {
                throw new IllegalArgumentException("options.timeout must be a positive integer (milliseconds)");
            }
            timeout = Duration.ofMillis(Math.min(ms, timeout.toMillis()));
        }
        CallOptions options = CallOptions.DEFAULTS.timeout(timeout);
        if (flag(o, "disclose_me", false)) {
            options = options.disclosed();
        }
        CallOptions chosen = options;
        return s -> s.call(procedure, args, kwargs, chosen).thenApply(r -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("args", r.args());
            body.put("kwargs", r.kwargs());
            return new Reply(200, body);
        });
    }

    private static boolean optional(Map<String, Object> req, String field, Class<?> type) {
        Object v = req.get(field);
        return v == null || type.isInstance(v);
    }

    private static boolean flag(Map<String, Object> options, String name, boolean def) {
        Object v = options.get(name);
        if (v != null && !(v instanceof Boolean)) {
            throw new IllegalArgumentException("options." + name + " must be true or false");
        }
        return v == null ? def : (Boolean) v;
    }

    private static List<Long> ids(Map<String, Object> options, String name) {
        Object v = options.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l) || !l.stream().allMatch(Long.class::isInstance)) {
            throw new IllegalArgumentException("options." + name + " must be a list of session IDs");
        }
        return l.stream().map(Long.class::cast).toList();
    }

    /**
     * The configured token {@code Authorization: Bearer <token>} presents, or null. Every configured token is
     * compared, in constant time, whichever matches: the answer's timing tells nothing about them.
     */
    static BridgeConfig.Token token(BridgeConfig.RealmBridge bridge, String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 1024) {
            return null;
        }
        byte[] presented;
        try {
            presented = MessageDigest.getInstance("SHA-256").digest(header.substring(7).trim()
                    .getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        BridgeConfig.Token found = null;
        for (BridgeConfig.Token t : bridge.tokens()) {
            if (MessageDigest.isEqual(presented, t.sha256()) && found == null) {
                found = t;
            }
        }
        return found;
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static CompletionStage<Reply> done(Reply r) {
        return CompletableFuture.completedFuture(r);
    }

    private static Reply refused(Caller caller, int status, String error, String message) {
        return refused(caller, status, error, List.of(message), null);
    }

    private static Reply refused(Caller caller, int status, String error, List<Object> args, Map<String, Object> kwargs) {
        REFUSED.log(() -> "bridge request from " + caller.peerAddress() + " answered " + status + " " + error
                + (args != null && !args.isEmpty() ? " (" + args.get(0) + ")" : ""));
        return error(status, error, args, kwargs);
    }

    private static Reply error(int status, String error, List<Object> args, Map<String, Object> kwargs) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("args", args == null ? List.of() : args);
        body.put("kwargs", kwargs == null ? Map.of() : kwargs);
        return new Reply(status, body);
    }
}
