package io.postmaster.auth;

import io.postmaster.config.AuthConfig;
import io.postmaster.config.LoginLimits;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.CredentialStore;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The built-in authentication methods, wired to a credential store. */
public final class BuiltIns {
    private BuiltIns() {
    }

    /** {@code anonymous}, {@code ticket}, {@code wampcra} and {@code cryptosign}, with the default login limits. */
    public static List<Authenticator> authenticators(AuthConfig config, CredentialStore store) {
        return authenticators(config, store, LoginLimits.defaults());
    }

    /** {@code anonymous}, {@code ticket}, {@code wampcra} (decoys as {@code login} says) and {@code cryptosign}. */
    public static List<Authenticator> authenticators(AuthConfig config, CredentialStore store, LoginLimits login) {
        return List.of(Authenticator.anonymous(realm -> {
                    AuthConfig.RealmAuth r = config.realms().get(realm);
                    return r == null ? null : r.anonymousRole();
                }),
                new TicketAuthenticator(store, config.allowTicketWithoutTls()),
                new WampCraAuthenticator(store, login.decoyIterations(), login.decoyKeylen(), decoySecret(config)),
                new CryptosignAuthenticator(store));
    }

    /**
     * The key wampcra decoy salts are derived with: a digest of every configured stored credential, so that decoys
     * stay the same across restarts (as real salts do) and only someone holding all those secrets could tell them
     * apart; random at each start when no credential is configured (an application's own credential store).
     */
    static byte[] decoySecret(AuthConfig config) {
        StringBuilder secrets = new StringBuilder();
        for (AuthConfig.RealmAuth realm : config.realms().values()) {
            for (AuthConfig.User u : realm.users().values()) {
                for (String s : new String[] {u.ticket(), u.wampcraKey(), u.wampcraSecret()}) {
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
