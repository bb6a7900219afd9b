package io.postmaster.message;

/** The error and close reason URIs the WAMP spec names, as constants: never spell them inline. */
public final class ErrorUris {
    private ErrorUris() {
    }

    // --- close reasons (GOODBYE / ABORT) ---
    /** A peer closes its session normally. */
    public static final String CLOSE_NORMAL = "wamp.close.normal";
    /** The answer to a GOODBYE. */
    public static final String GOODBYE_AND_OUT = "wamp.close.goodbye_and_out";
    /** The router shuts down. */
    public static final String SYSTEM_SHUTDOWN = "wamp.close.system_shutdown";
    /** The session was killed through the meta API ({@code wamp.session.kill*}) without a reason of the caller's. */
    public static final String CLOSE_KILLED = "wamp.close.killed";
    /** The realm is closed. */
    public static final String CLOSE_REALM = "wamp.close.close_realm";
    /** The transport is lost (not sent on the wire; reported to observers). */
    public static final String CLOSE_LOST = "wamp.close.lost";

    // --- session establishment ---
    /** HELLO named a realm the router does not serve. */
    public static final String NO_SUCH_REALM = "wamp.error.no_such_realm";
    /** A peer broke the protocol: wrong message for the session state, malformed message, unknown ID. */
    public static final String PROTOCOL_VIOLATION = "wamp.error.protocol_violation";
    /** No authentication method the client offered is allowed on the realm. */
    public static final String NO_AUTH_METHOD = "wamp.error.no_auth_method";
    /** The role asked for does not exist on the realm. */
    public static final String NO_SUCH_ROLE = "wamp.error.no_such_role";
    /** The authentication check itself failed (not a plain "no"). */
    public static final String AUTHENTICATION_FAILED = "wamp.error.authentication_failed";

    // --- request errors ---
    /** A URI does not follow the realm's URI rules. */
    public static final String INVALID_URI = "wamp.error.invalid_uri";
    /** An argument (option value, ID) is not valid. */
    public static final String INVALID_ARGUMENT = "wamp.error.invalid_argument";
    /** CALL to a procedure nobody registered. */
    public static final String NO_SUCH_PROCEDURE = "wamp.error.no_such_procedure";
    /** REGISTER of a procedure that is registered already. */
    public static final String PROCEDURE_ALREADY_EXISTS = "wamp.error.procedure_already_exists";
    /** UNREGISTER of a registration the session does not hold. */
    public static final String NO_SUCH_REGISTRATION = "wamp.error.no_such_registration";
    /** UNSUBSCRIBE of a subscription the session does not hold. */
    public static final String NO_SUCH_SUBSCRIPTION = "wamp.error.no_such_subscription";
    /** A call ended because it was canceled, or because its callee left. */
    public static final String CANCELED = "wamp.error.canceled";
    /** A call did not complete in time. */
    public static final String TIMEOUT = "wamp.error.timeout";
    /** The router could not reach what a request needs (on a cluster: the engine, or the callee's node). */
    public static final String NETWORK_FAILURE = "wamp.error.network_failure";
    /** The session's role may not perform the action. */
    public static final String NOT_AUTHORIZED = "wamp.error.not_authorized";
    /** The authorizer could not decide (it failed). */
    public static final String AUTHORIZATION_FAILED = "wamp.error.authorization_failed";
    /** An option was given that the router does not allow. */
    public static final String OPTION_NOT_ALLOWED = "wamp.error.option_not_allowed";
    /** A feature the peer asked for is not supported. */
    public static final String FEATURE_NOT_SUPPORTED = "wamp.error.feature_not_supported";
    /**
     * Application code in the router (an interceptor, a server-side procedure) failed; the cause is logged on the
     * server, never sent. Not a URI of the spec; Crossbar and Autobahn use it the same way.
     */
    public static final String RUNTIME_ERROR = "wamp.error.runtime_error";
    /** The meta API was asked about a session that does not exist in the realm. */
    public static final String NO_SUCH_SESSION = "wamp.error.no_such_session";
    /**
     * A request would take the session (or its realm) past one of the router's caps: subscriptions,
     * registrations, pending calls. Not a URI of the spec, which defines none for a router's resource limits (and
     * reserves {@code wamp.} for itself), hence the router's own namespace.
     */
    public static final String LIMIT_REACHED = "postmaster.error.limit_reached";
    /** A message payload is bigger than the router accepts. */
    public static final String PAYLOAD_SIZE_EXCEEDED = "wamp.error.payload_size_exceeded";
}
