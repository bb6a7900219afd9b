package io.postmaster.v1;

/**
 * The error URIs of CALLERROR that the v1 adapter answers itself, in the v1 spec's namespace
 * ({@code http://api.wamp.ws/error#}, as Autobahn's reference server). Errors of the router and of callees reach v1
 * clients with their own URIs (mapped back by {@link V1Uris}).
 */
final class V1Errors {
    private V1Errors() {
    }

    static final String NAMESPACE = "http://api.wamp.ws/error#";
    /** {@code #authreq} or {@code #auth} after a successful authentication. */
    static final String ALREADY_AUTHENTICATED = NAMESPACE + "already-authenticated";
    /** {@code #authreq} while another authentication is pending. */
    static final String AUTHENTICATION_ALREADY_REQUESTED = NAMESPACE + "authentication-already-requested";
    /** {@code #auth} without a challenge to answer (none asked for, or its one try used). */
    static final String NO_AUTHENTICATION_REQUESTED = NAMESPACE + "no-authentication-requested";
    /** {@code #auth} with a signature that does not answer the challenge (or for an unknown authKey). */
    static final String INVALID_SIGNATURE = NAMESPACE + "invalid-signature";
    /** Authentication could not be carried out (not enabled on the realm, too many attempts, a failing store). */
    static final String AUTHENTICATION_FAILED = NAMESPACE + "authentication-failed";
    /** An argument of the wrong type or size. */
    static final String INVALID_ARGUMENT = NAMESPACE + "invalid-argument";
    /** A URI that maps to no v2 URI the realm accepts, or a malformed CURIE. */
    static final String INVALID_URI = NAMESPACE + "invalid-uri";
    /** A CURIE whose prefix the connection has not defined with PREFIX. */
    static final String UNKNOWN_PREFIX = NAMESPACE + "unknown-prefix";
    /** A call the session may not make (before authentication: only the procedures open to anonymous sessions). */
    static final String NOT_AUTHORIZED = NAMESPACE + "not-authorized";
}
