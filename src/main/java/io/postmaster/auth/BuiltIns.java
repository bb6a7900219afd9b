package io.postmaster.auth;

import io.postmaster.config.AuthConfig;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.CredentialStore;

import java.util.List;

/** The built-in authentication methods, wired to a credential store. */
public final class BuiltIns {
    private BuiltIns() {
    }

    /** {@code anonymous}, {@code ticket}, {@code wampcra} and {@code cryptosign}. */
    public static List<Authenticator> authenticators(AuthConfig config, CredentialStore store) {
        return List.of(new AnonymousAuthenticator(config),
                new TicketAuthenticator(store, config.allowTicketWithoutTls()),
                new WampCraAuthenticator(store),
                new CryptosignAuthenticator(store));
    }
}
