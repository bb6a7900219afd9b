package io.postmaster.bridge;

import io.postmaster.message.ErrorUris;

/**
 * The HTTP status of each outcome. The body always carries the WAMP error URI ({@code error}), so a client can act on
 * the exact cause; the status says whose problem it is.
 *
 * <table>
 *   <caption>WAMP error → HTTP status</caption>
 *   <tr><td>400</td><td>malformed JSON, a missing or mistyped field ({@code wamp.error.invalid_argument}), an invalid
 *       URI ({@code wamp.error.invalid_uri}), arguments the callee refused ({@code wamp.error.invalid_argument})</td></tr>
 *   <tr><td>401</td><td>no credentials, or credentials the realm refused ({@code wamp.error.not_authorized},
 *       {@code wamp.error.authentication_failed}, {@code wamp.error.no_auth_method})</td></tr>
 *   <tr><td>403</td><td>the role may not do this, or the principal has no mapped role
 *       ({@code wamp.error.not_authorized})</td></tr>
 *   <tr><td>404</td><td>unknown realm or one the bridge does not serve ({@code wamp.error.no_such_realm}), no such
 *       procedure ({@code wamp.error.no_such_procedure})</td></tr>
 *   <tr><td>413</td><td>body bigger than {@code postmaster.bridge.max-body-bytes}
 *       ({@code wamp.error.payload_size_exceeded})</td></tr>
 *   <tr><td>415</td><td>a body that is not {@code application/json} ({@code wamp.error.invalid_argument})</td></tr>
 *   <tr><td>500</td><td>the authorizer or the permission provider failed
 *       ({@code wamp.error.authorization_failed})</td></tr>
 *   <tr><td>502</td><td>the callee failed or left: {@code wamp.error.runtime_error}, {@code wamp.error.canceled},
 *       or the application's own error URI</td></tr>
 *   <tr><td>503</td><td>the bridge or the router is at a limit ({@code postmaster.error.limit_reached}), its executor
 *       is saturated ({@code wamp.error.authentication_failed}: "the router is busy"), or it is shutting down
 *       ({@code wamp.close.system_shutdown})</td></tr>
 *   <tr><td>504</td><td>the call took longer than allowed ({@code wamp.error.timeout})</td></tr>
 * </table>
 */
final class BridgeErrors {
    private BridgeErrors() {
    }

    /** The status for an error of the request itself (publish, call). */
    static int status(String error) {
        return switch (error) {
            case ErrorUris.INVALID_ARGUMENT, ErrorUris.INVALID_URI -> 400;
            case ErrorUris.NOT_AUTHORIZED -> 403;
            case ErrorUris.NO_SUCH_REALM, ErrorUris.NO_SUCH_PROCEDURE -> 404;
            case ErrorUris.PAYLOAD_SIZE_EXCEEDED -> 413;
            case ErrorUris.AUTHORIZATION_FAILED -> 500;
            case ErrorUris.LIMIT_REACHED, ErrorUris.SYSTEM_SHUTDOWN -> 503;
            case ErrorUris.TIMEOUT -> 504;
            default -> 502; // the callee's answer: runtime_error, canceled, or an application's own URI
        };
    }

    /**
     * The status for a session that could not join. The bridge has checked the caller before (a bridged session's
     * identity is vouched for, never refused by an authenticator), so what is left is the realm, the router's load,
     * or a failing permission provider.
     */
    static int joinStatus(String reason) {
        return switch (reason) {
            case ErrorUris.NO_SUCH_REALM -> 404;
            case ErrorUris.INVALID_ARGUMENT -> 400; // an authid (principal name) longer than postmaster.authid-max-chars
            // the executor is saturated ("the router is busy"), or the application is stopping
            case ErrorUris.AUTHENTICATION_FAILED, ErrorUris.SYSTEM_SHUTDOWN, ErrorUris.CANCELED -> 503;
            default -> 500; // the permission provider failed (wamp.error.authorization_failed)
        };
    }
}
