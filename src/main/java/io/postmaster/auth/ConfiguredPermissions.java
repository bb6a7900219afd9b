package io.postmaster.auth;

import io.postmaster.config.AuthConfig;
import io.postmaster.spi.PermissionProvider;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;

/** The default {@link PermissionProvider}: the rules configured for the session's role; none for unknown roles. */
public final class ConfiguredPermissions implements PermissionProvider {
    private final AuthConfig config;

    public ConfiguredPermissions(AuthConfig config) {
        this.config = config;
    }

    @Override
    public Permissions permissions(SessionDetails session) {
        AuthConfig.RealmAuth r = config.realms().get(session.realm());
        Permissions p = r == null ? null : r.roles().get(session.authrole());
        return p == null ? Permissions.NONE : p;
    }
}
