package io.postmaster.spi;

/**
 * The permissions a session gets when it joins (the seed's {@code GetAuthPermissions(authKey, authExtra)}). The
 * default bean gives the rules configured for the session's role
 * ({@code postmaster.realm.<realm>.role.<role>.permissions}); replace it with an {@code @Alternative @Priority} bean
 * to compute them per user. Called once per join, on Postmaster's executor (may block); if it throws, the join is
 * refused with ABORT {@code wamp.error.authorization_failed}.
 */
public interface PermissionProvider {

    /** The session's permissions; null means none (everything denied). */
    Permissions permissions(SessionDetails session) throws Exception;
}
