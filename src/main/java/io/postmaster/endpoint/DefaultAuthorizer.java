package io.postmaster.endpoint;

import io.postmaster.auth.PermissionAuthorizer;
import io.postmaster.spi.Action;
import io.postmaster.spi.Authorizer;
import io.postmaster.spi.Decision;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The default {@link Authorizer} bean: the session's permissions decide. Replace it with your own bean marked
 * {@code @Alternative @Priority(...)}; mind the threading rule in {@link Authorizer}.
 */
@ApplicationScoped
public class DefaultAuthorizer implements Authorizer {
    private final Authorizer delegate = new PermissionAuthorizer();

    @Override
    public Decision authorize(SessionDetails session, Permissions permissions, String uri, Action action) {
        return delegate.authorize(session, permissions, uri, action);
    }
}
