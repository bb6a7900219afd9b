package io.postmaster.config;

import io.postmaster.spi.Permissions;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Authentication and authorization settings: per realm the allowed methods, roles with their rules and users with
 * their credentials; and how authentication runs. Read through {@link PostmasterConfig#sources()} like every other
 * key; every key is in the README. Credentials are stored derived (salted PBKDF2), never in clear, except the
 * discouraged {@code wampcra-secret}.
 *
 * @param allowTicketWithoutTls {@code postmaster.auth.allow-ticket-without-tls}: accept ticket authentication over
 *                              plain ws:// (the ticket then travels in clear)
 * @param executorThreads       {@code postmaster.executor-threads}: threads running authentication and other
 *                              application code
 * @param executorQueue         {@code postmaster.executor-queue}: tasks that may wait for those threads
 * @param realms                per-realm settings, by realm name: a read-only view that follows the realms an
 *                              operator adds, changes and removes at runtime ({@link #putRealm}, {@link #removeRealm})
 */
public record AuthConfig(boolean allowTicketWithoutTls, int executorThreads, int executorQueue,
                         Map<String, RealmAuth> realms) {

    static final String ALLOW_TICKET_WITHOUT_TLS = "postmaster.auth.allow-ticket-without-tls";
    static final String EXECUTOR_THREADS = "postmaster.executor-threads";
    static final String EXECUTOR_QUEUE = "postmaster.executor-queue";

    public AuthConfig {
        realms = new LiveRealms(realms);
    }

    /**
     * Serves {@code realm}'s settings from now on, in place of any it had: new logins use them; sessions already
     * joined keep the role and permissions they got.
     */
    public void putRealm(RealmAuth realm) {
        ((LiveRealms) realms).put(realm);
    }

    /** Forgets {@code realm}'s settings: it admits nobody from now on. */
    public void removeRealm(String realm) {
        ((LiveRealms) realms).remove(realm);
    }

    /**
     * The realms' settings as the logins read them: lock-free reads of an immutable snapshot (in the order realms were
     * configured, then added), replaced as a whole on each change.
     */
    private static final class LiveRealms extends AbstractMap<String, RealmAuth> {
        private volatile Map<String, RealmAuth> current;

        LiveRealms(Map<String, RealmAuth> initial) {
            current = Collections.unmodifiableMap(new LinkedHashMap<>(initial));
        }

        synchronized void put(RealmAuth realm) {
            Map<String, RealmAuth> next = new LinkedHashMap<>(current);
            next.put(realm.realm(), realm);
            current = Collections.unmodifiableMap(next);
        }

        @Override
        public synchronized RealmAuth remove(Object realm) {
            Map<String, RealmAuth> next = new LinkedHashMap<>(current);
            RealmAuth gone = next.remove(realm);
            current = Collections.unmodifiableMap(next);
            return gone;
        }

        @Override
        public RealmAuth get(Object realm) {
            return current.get(realm);
        }

        @Override
        public boolean containsKey(Object realm) {
            return current.containsKey(realm);
        }

        @Override
        public Set<Entry<String, RealmAuth>> entrySet() {
            return current.entrySet();
        }
    }

    /**
     * One realm's security settings.
     *
     * @param authmethods   the methods a client may use, in no particular order (the client's order counts)
     * @param anonymousRole the role of anonymous sessions
     * @param roles         each role's rules
     * @param users         the users the built-in credential store knows, by authid
     */
    public record RealmAuth(String realm, Set<String> authmethods, String anonymousRole,
                            Map<String, Permissions> roles, Map<String, User> users) {
    }

    /**
     * A configured user. Every credential is optional.
     *
     * @param ticket          {@code pbkdf2-sha256$iterations$salt(Base64)$hash(Base64)} of the ticket
     * @param wampcraSecret   a plain wampcra secret (discouraged: prefer the salted form)
     * @param wampcraKey      the Base64 PBKDF2 key derived from the wampcra password ({@code derive_key} in Autobahn)
     * @param wampcraSalt     the salt it was derived with
     * @param cryptosignKeys  Ed25519 public keys (64 hex digits each)
     * @param scram           the wamp-scram credential as {@code Passwords scram} makes it:
     *                        {@code kdf$iterations$memory$salt$StoredKey$ServerKey} (Base64), or null
     */
    public record User(String authid, String role, String ticket, String wampcraSecret, String wampcraKey,
                       String wampcraSalt, int wampcraIterations, int wampcraKeylen, List<String> cryptosignKeys,
                       String scram) {
    }

    /** Reads the settings for the realms of {@code config}. */
    public static AuthConfig from(Function<String, String> lookup, PostmasterConfig config) {
        boolean ticketPlain = PostmasterConfig.boolValue(lookup, ALLOW_TICKET_WITHOUT_TLS, false);
        int threads = integer(lookup, EXECUTOR_THREADS, 4, 1);
        int queue = integer(lookup, EXECUTOR_QUEUE, 10_000, 1);
        Map<String, RealmAuth> realms = new LinkedHashMap<>();
        for (RealmConfig rc : config.realms().values()) {
            realms.put(rc.name(), realm(lookup, rc));
        }
        return new AuthConfig(ticketPlain, threads, queue, realms);
    }

    /** Reads one realm's security settings ({@code postmaster.realm.<name>.*}) through {@code lookup}. */
    static RealmAuth realm(Function<String, String> lookup, RealmConfig rc) {
        String p = "postmaster.realm." + rc.name() + ".";
        Set<String> methods = new LinkedHashSet<>(PostmasterConfig.list(lookup.apply(p + "authmethods"),
                rc.anonymous() ? "anonymous" : "ticket,wampcra,cryptosign,wamp-scram"));
        if (rc.anonymous()) {
            methods.add("anonymous");
        } else {
            methods.remove("anonymous");
        }
        String anonymousRole = PostmasterConfig.value(lookup, p + "anonymous-role", "anonymous");

        Map<String, Permissions> roles = new LinkedHashMap<>();
        String declared = lookup.apply(p + "roles");
        if (declared == null || declared.isBlank()) {
            // Nothing configured: an open realm lets anonymous sessions do everything (as Crossbar ships realm1);
            // a closed one grants nothing until roles are configured.
            if (rc.anonymous()) {
                roles.put(anonymousRole, Permissions.ALL);
            }
        } else {
            for (String role : PostmasterConfig.list(declared, "")) {
                String key = p + "role." + role + ".permissions";
                roles.put(role, parsePermissions(key, PostmasterConfig.value(lookup, key, "")));
            }
        }

        Map<String, User> users = new LinkedHashMap<>();
        for (String authid : PostmasterConfig.list(lookup.apply(p + "users"), "")) {
            String u = p + "user." + authid + ".";
            String role = lookup.apply(u + "role");
            if (role == null || role.isBlank()) {
                throw new IllegalArgumentException(u + "role must name the user's role");
            }
            users.put(authid, new User(authid, role.trim(), blankToNull(lookup.apply(u + "ticket")),
                    blankToNull(lookup.apply(u + "wampcra-secret")), blankToNull(lookup.apply(u + "wampcra-key")),
                    blankToNull(lookup.apply(u + "wampcra-salt")), integer(lookup, u + "wampcra-iterations", 1000, 1),
                    integer(lookup, u + "wampcra-keylen", 32, 1),
                    PostmasterConfig.list(lookup.apply(u + "cryptosign-pubkeys"), "").stream()
                            .map(k -> k.toLowerCase(Locale.ROOT)).toList(),
                    blankToNull(lookup.apply(u + "scram"))));
        }
        return new RealmAuth(rc.name(), Collections.unmodifiableSet(methods), anonymousRole,
                Collections.unmodifiableMap(roles), Collections.unmodifiableMap(users));
    }

    /** Parses the rules of setting {@code key} ({@link Permissions#parse}), naming the key when they are malformed. */
    public static Permissions parsePermissions(String key, String text) {
        try {
            return Permissions.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static int integer(Function<String, String> lookup, String key, int def, int min) {
        int i = PostmasterConfig.intValue(lookup, key, def);
        if (i < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", got " + i);
        }
        return i;
    }
}
