package io.postmaster.endpoint;

import io.postmaster.auth.ConfiguredPermissions;
import io.postmaster.config.AuthConfig;
import io.postmaster.spi.PermissionProvider;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The default {@link PermissionProvider} bean: the rules configured for the session's role. Replace it with your own
 * bean marked {@code @Alternative @Priority(...)}.
 */
@ApplicationScoped
public class DefaultPermissionProvider implements PermissionProvider {
    private PermissionProvider delegate;

    @Inject
    void init(AuthConfig config) {
        delegate = new ConfiguredPermissions(config);
    }

    @Override
    public Permissions permissions(SessionDetails session) throws Exception {
        return delegate.permissions(session);
    }
}
