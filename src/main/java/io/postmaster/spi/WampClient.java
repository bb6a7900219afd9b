package io.postmaster.spi;

import java.util.concurrent.CompletionStage;

/**
 * Application code's way into the router: inject it ({@code @Inject WampClient wamp;}) and join a realm as a
 * session of the router itself, with an authid and role chosen in code — no credential, no socket. The session then
 * publishes, calls, subscribes and registers like any client's ({@link WampSession}), and everything it does is
 * authorized by the realm's rules for that role, as for any session: a role without rules may do nothing.
 *
 * <p>Every stage completes on Postmaster's executor ({@code postmaster.executor-threads}), never on a container or
 * routing thread, so the code chained to it may block. A failed request completes its stage exceptionally with a
 * {@link WampException} naming the WAMP error (e.g. {@code wamp.error.not_authorized}).
 *
 * <p>Sessions live until {@link WampSession#leave()} or until the application stops (then each is ended with
 * {@code wamp.close.system_shutdown}).
 */
public interface WampClient {

    /**
     * Joins {@code realm} as {@code authid} with role {@code authrole}.
     *
     * @return the joined session; fails with {@link WampException} {@code wamp.error.no_such_realm} for a realm the
     *         router does not serve, or the router's refusal
     */
    CompletionStage<WampSession> join(String realm, String authid, String authrole);
}
