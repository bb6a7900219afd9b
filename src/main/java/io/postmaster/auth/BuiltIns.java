package io.postmaster.auth;

import io.postmaster.config.AuthConfig;
import io.postmaster.config.ContainerAuth;
import io.postmaster.config.LoginLimits;
import io.postmaster.config.ScramLimits;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.CredentialStore;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** The built-in authentication methods, wired to a credential store. */
public final class BuiltIns {
    private BuiltIns() {
    }

    /** The built-in methods, with the default login limits. */
    public static List<Authenticator> authenticators(AuthConfig config, CredentialStore store) {
        return authenticators(config, store, LoginLimits.defaults());
    }

    /** The built-in methods, with the default {@code wamp-scram} bounds. */
    public static List<Authenticator> authenticators(AuthConfig config, CredentialStore store, LoginLimits login) {
        return authenticators(config, store, login, ScramLimits.defaults());
    }

    /**
     * {@code anonymous}, {@code ticket}, {@code wampcra} (decoys as {@code login} says), {@code cryptosign} and
     * {@code wamp-scram} (bounded and with decoys as {@code scram} says).
     *
     * @throws IllegalArgumentException if a configured wamp-scram credential is malformed or beyond the bounds
     */
    public static List<Authenticator> authenticators(AuthConfig config, CredentialStore store, LoginLimits login,
                                                     ScramLimits scram) {
        return authenticators(config, store, login, scram, new ContainerAuth(java.util.Map.of()));
    }

    /**
     * The methods above, and {@code container} and {@code tls} (logins the server vouches for), as {@code container}
     * says.
     *
     * @throws IllegalArgumentException if a configured wamp-scram credential is malformed or beyond the bounds
     */
    public static List<Authenticator> authenticators(AuthConfig config, CredentialStore store, LoginLimits login,
                                                     ScramLimits scram, ContainerAuth container) {
        checkScramCredentials(config, scram);
        byte[] decoySecret = decoySecret(config);
        return List.of(Authenticator.anonymous(realm -> {
                    AuthConfig.RealmAuth r = config.realms().get(realm);
                    return r == null ? null : r.anonymousRole();
                }),
                new TicketAuthenticator(store, config.allowTicketWithoutTls()),
                new WampCraAuthenticator(store, login.decoyIterations(), login.decoyKeylen(), decoySecret),
                new CryptosignAuthenticator(store),
                new WampScramAuthenticator(store, scram, Crypto.hmacSha256(decoySecret,
                        "postmaster wamp-scram decoy".getBytes(StandardCharsets.UTF_8))),
                new ContainerAuthenticator(container), new TlsAuthenticator(config, container));
    }

    /** Refuses to start with a configured wamp-scram credential that no login could use, naming its key. */
    static void checkScramCredentials(AuthConfig config, ScramLimits scram) {
        for (AuthConfig.RealmAuth realm : config.realms().values()) {
            checkScramCredentials(realm, scram);
        }
    }

    /**
     * Refuses a realm's wamp-scram credential that no login could use (malformed, or beyond {@code scram}'s bounds),
     * naming its key; used for the configuration at start and for a realm an operator defines at runtime.
     *
     * @throws IllegalArgumentException naming the credential's key
     */
    public static void checkScramCredentials(AuthConfig.RealmAuth realm, ScramLimits scram) {
        for (AuthConfig.User u : realm.users().values()) {
            if (u.scram() == null) {
                continue;
            }
            String key = "postmaster.realm." + realm.realm() + ".user." + u.authid() + ".scram";
            Optional<CredentialStore.ScramCredential> c = Scram.parseStored(u.role(), u.scram());
            String why = c.isEmpty() ? "not kdf$iterations$memory$salt$StoredKey$ServerKey as Passwords scram makes it"
                    : Scram.unusable(c.get(), scram);
            if (why != null) {
                throw new IllegalArgumentException(key + ": " + why);
            }
        }
    }

    /**
     * The key wampcra (and, through a derived key, wamp-scram) decoy salts are derived with: a digest of every configured stored credential, so that decoys
     * stay the same across restarts (as real salts do) and only someone holding all those secrets could tell them
     * apart; random at each start when no credential is configured (an application's own credential store).
     */
    static byte[] decoySecret(AuthConfig config) {
        StringBuilder secrets = new StringBuilder();
        for (AuthConfig.RealmAuth realm : config.realms().values()) {
            for (AuthConfig.User u : realm.users().values()) {
                for (String s : new String[] {u.ticket(), u.wampcraKey(), u.wampcraSecret(), u.scram()}) {
                    if (s != null) {
                        secrets.append(realm.realm()).append('\u0000').append(u.authid()).append('\u0000')
                                .append(s).append('\u0000');
                    }
                }
            }
        }
        return secrets.isEmpty() ? Crypto.random(32) : Crypto.hmacSha256(
                "postmaster wampcra decoy".getBytes(StandardCharsets.UTF_8),
                secrets.toString().getBytes(StandardCharsets.UTF_8));
    }
}
