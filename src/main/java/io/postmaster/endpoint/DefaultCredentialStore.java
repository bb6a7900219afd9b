package io.postmaster.endpoint;

import io.postmaster.auth.ConfiguredCredentials;
import io.postmaster.config.AuthConfig;
import io.postmaster.spi.CredentialStore;
import io.postmaster.spi.Identity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The default {@link CredentialStore} bean: users from the configuration. Replace it with your own bean marked
 * {@code @Alternative @Priority(...)}.
 */
@ApplicationScoped
public class DefaultCredentialStore implements CredentialStore {
    private CredentialStore delegate;

    @Inject
    void init(AuthConfig config) {
        delegate = new ConfiguredCredentials(config);
    }

    @Override
    public CraSecret craSecret(String realm, String authid) throws Exception {
        return delegate.craSecret(realm, authid);
    }

    @Override
    public Identity checkTicket(String realm, String authid, String ticket) throws Exception {
        return delegate.checkTicket(realm, authid, ticket);
    }

    @Override
    public Identity publicKeyOwner(String realm, String authid, String pubkey) throws Exception {
        return delegate.publicKeyOwner(realm, authid, pubkey);
    }

    @Override
    public ScramCredential scramCredential(String realm, String authid) throws Exception {
        return delegate.scramCredential(realm, authid);
    }
}
