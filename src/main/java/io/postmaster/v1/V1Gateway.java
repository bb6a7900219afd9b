package io.postmaster.v1;

import io.postmaster.config.RealmConfig;
import io.postmaster.config.V1Settings;
import io.postmaster.message.Uris;
import io.postmaster.router.Router;
import io.postmaster.spi.CredentialStore;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;

/**
 * Where v1 connections start: one per router. Knows the settings, each realm's URI mapping, the credential store
 * WAMP-CRA v1 checks against (the one v2's {@code wampcra} uses) and the live v1 sessions by their v1 session ID
 * (for PUBLISH's exclude and eligible lists). Thread-safe.
 */
public final class V1Gateway {
    /** The WebSocket subprotocol of WAMP v1. */
    public static final String SUBPROTOCOL = "wamp";
    private static final char[] ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Router router;
    private final V1Settings settings;
    private final CredentialStore credentials;
    private final BiPredicate<String, String> anonymousProcedure;
    private final Executor executor;
    private final Map<String, V1Uris> uris = new HashMap<>();
    /** Live v1 sessions by v1 session ID: one entry per open v1 connection, removed when it closes. */
    private final Map<String, V1Connection> sessions = new ConcurrentHashMap<>();

    /**
     * @param credentials        where WAMP-CRA v1 finds secrets (the application's {@link CredentialStore})
     * @param anonymousProcedure whether a procedure (realm, v2 URI) is a server-side procedure open to anonymous
     *                           sessions ({@code @WampProcedure(anonymous = true)})
     */
    public V1Gateway(Router router, CredentialStore credentials, BiPredicate<String, String> anonymousProcedure) {
        this.router = router;
        this.settings = router.config().v1();
        this.credentials = credentials;
        this.anonymousProcedure = anonymousProcedure;
        this.executor = router.extensions().executor();
        for (RealmConfig rc : router.config().realms().values()) {
            uris.put(rc.name(), new V1Uris(settings.mappings(rc.name()), rc.uriRule()));
        }
    }

    public V1Settings settings() {
        return settings;
    }

    Router router() {
        return router;
    }

    CredentialStore credentials() {
        return credentials;
    }

    Executor executor() {
        return executor;
    }

    V1Uris uris(String realm) {
        return uris.get(realm);
    }

    boolean anonymousProcedure(String realm, String procedure) {
        return anonymousProcedure.test(realm, procedure);
    }

    /** Whether the realm admits sessions with {@code authmethod}. */
    boolean allows(String realm, String authmethod) {
        return router.extensions().authmethods().apply(realm).contains(authmethod);
    }

    /**
     * The realm a v1 client joins: the default one when it names none, the one it names with {@code ?realm=} if v1
     * clients may join it, else null.
     */
    public String realmFor(String requested) {
        if (requested == null || requested.isEmpty()) {
            return settings.realm();
        }
        return settings.realms().contains(requested) && Uris.valid(requested, Uris.Rule.LOOSE) ? requested : null;
    }

    /** Starts serving a new v1 connection in {@code realm} (see {@link #realmFor}). */
    public V1Connection open(V1Transport transport, String realm) {
        String id;
        V1Connection c;
        do {
            id = newId();
            c = new V1Connection(this, id, realm, transport);
        } while (sessions.putIfAbsent(id, c) != null);
        c.start();
        return c;
    }

    void closed(V1Connection c) {
        sessions.remove(c.id(), c);
    }

    /**
     * The v2 session ID a v1 client means by {@code v1Id}: a live v1 session of {@code realm} by its v1 ID, or a v2
     * session by its ID in decimal (so v1 clients can name v2 sessions too); null for none.
     */
    Long v2Id(String realm, String v1Id) {
        V1Connection c = sessions.get(v1Id);
        if (c != null) {
            return c.realm().equals(realm) ? c.v2SessionId() : null;
        }
        if (!v1Id.isEmpty() && v1Id.length() <= 16 && v1Id.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return Long.parseLong(v1Id);
        }
        return null;
    }

    /** Live v1 sessions (for tests). */
    int sessionCount() {
        return sessions.size();
    }

    /**
     * A v1 session ID: 16 characters of {@code A-Z a-z 0-9} (as Autobahn's reference server makes them), never all
     * digits, so it cannot be read as a v2 session ID.
     */
    static String newId() {
        while (true) {
            char[] c = new char[16];
            boolean letter = false;
            for (int i = 0; i < c.length; i++) {
                c[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
                letter |= Character.isLetter(c[i]);
            }
            if (letter) {
                return new String(c);
            }
        }
    }
}
