package io.postmaster.router;

import io.postmaster.spi.Identity;

/**
 * A transport inside the application: a peer object that Postmaster's own in-process code created (the client that
 * application code injects, the HTTP bridge) and handed to {@link Router#connect(Peer)}. When it carries a
 * {@link #login()}, its HELLO is admitted as that identity instead of through the realm's authentication methods:
 * the identity was set in code, not claimed on the wire. What the session may then do is decided as for any session
 * — by the permission provider for its role and the authorizer — so a role without rules may do nothing.
 *
 * <p>Why no network client can claim it: the login is selected by the Java type of the peer object, never by
 * anything in HELLO. The endpoint's peers do not implement this interface, the login is not an entry of
 * {@link Extensions#authenticators()}, and no realm's {@code authmethods} can name it, so a HELLO offering its
 * authmethod from a WebSocket gets ABORT {@code wamp.error.no_auth_method} like any other unknown method.
 */
public interface InProcessPeer extends Peer {

    /** The identity to admit, or null to log in through the realm's methods like a network client (e.g. ticket). */
    Login login();

    /**
     * An identity vouched for by in-process code.
     *
     * @param authmethod the {@code authmethod} the session's details name (e.g. {@code internal})
     * @param identity   who the session is and its role
     */
    record Login(String authmethod, Identity identity) {
        public Login {
            if (authmethod == null || authmethod.isEmpty() || identity == null) {
                throw new IllegalArgumentException("an in-process login needs an authmethod and an identity");
            }
        }
    }
}
