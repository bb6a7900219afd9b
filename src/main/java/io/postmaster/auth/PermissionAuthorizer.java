package io.postmaster.auth;

import io.postmaster.spi.Action;
import io.postmaster.spi.Authorizer;
import io.postmaster.spi.Decision;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;

/**
 * The default {@link Authorizer}: the session's {@link Permissions} decide. Its answers are not cacheable
 * (permissions may be per user), and evaluating them is a scan of a few rules anyway.
 */
public final class PermissionAuthorizer implements Authorizer {
    @Override
    public Decision authorize(SessionDetails session, Permissions permissions, String uri, Action action) {
        return (permissions == null ? Permissions.NONE : permissions).decide(uri, action);
    }
}
