package io.postmaster.spi;

/**
 * Decides each action a session attempts (CALL, REGISTER, PUBLISH, SUBSCRIBE), after the URI was found valid. The
 * default bean applies the session's {@link Permissions}; replace it with an {@code @Alternative @Priority} bean for
 * dynamic rules.
 *
 * <p>Threading: unlike the other SPI beans, the authorizer is asked on the routing thread (the container's I/O
 * thread), because the answer decides the very next routing step and a session's messages must stay in order. It
 * must answer from memory, fast, and never block; anything slow belongs in the {@link PermissionProvider}, which runs
 * at join time on the executor. Answers marked {@link Decision#cacheable()} are cached per realm, role, URI and
 * action. "No" → ERROR {@code wamp.error.not_authorized}; an exception → {@code wamp.error.authorization_failed}
 * (logged, not sent). Either way the action has no effect.
 */
public interface Authorizer {

    /**
     * @param session     who asks
     * @param permissions the session's permissions from the {@link PermissionProvider}
     * @param uri         the topic or procedure
     * @param action      what the session wants to do
     */
    Decision authorize(SessionDetails session, Permissions permissions, String uri, Action action);
}
