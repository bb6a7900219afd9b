package io.postmaster.endpoint;

import io.postmaster.router.Router;
import io.postmaster.spi.CredentialStore;
import io.postmaster.v1.V1Gateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Serves WAMP v1 clients: the {@link V1Gateway} of the application's router, with the application's
 * {@link CredentialStore} (the one v2's {@code wampcra} uses) for WAMP-CRA v1 and the server-side procedures open to
 * anonymous sessions for what a v1 client may call before it authenticates.
 */
@ApplicationScoped
public class V1Support {
    @Inject
    Router router;
    @Inject
    CredentialStore credentials;
    @Inject
    ServerProcedures procedures;

    private V1Gateway gateway;

    synchronized V1Gateway gateway() {
        if (gateway == null) {
            gateway = new V1Gateway(router, credentials, procedures::anonymous);
        }
        return gateway;
    }
}
