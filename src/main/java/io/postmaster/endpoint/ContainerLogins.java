package io.postmaster.endpoint;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.router.Peer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the application server vouches for on a request that opens a session (the WebSocket handshake, a request to
 * the HTTP bridge): the principal of the web application's login and the TLS client certificate.
 *
 * <p>The router's paths carry no security constraint (anonymous clients use them too), and on such a path a server
 * checks credentials only when asked: a request that brings HTTP BASIC credentials and no principal yet is
 * authenticated here with {@link HttpServletRequest#authenticate}, against the server's own user store, as the
 * application's {@code login-config} says. Wrong credentials get the server's own 401. A FORM or OIDC login reaches
 * the handshake through the HTTP session where the server restores it there, or through a security constraint the
 * application puts on the path.
 */
public final class ContainerLogins {
    private static final Logger LOG = Logger.getLogger(ContainerLogins.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);
    /** The servlet request attribute holding the verified client certificate chain. */
    static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private ContainerLogins() {
    }

    /**
     * Authenticates a request that brings BASIC credentials and no principal yet. False when the server refused
     * them: the response (401) is then sent and the request must end.
     */
    public static boolean authenticate(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String authorization = req.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)
                || req.getUserPrincipal() != null) {
            return true;
        }
        boolean ok;
        try {
            ok = req.authenticate(res);
        } catch (ServletException | RuntimeException e) {
            ok = false;
            if (!res.isCommitted()) {
                res.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            }
        }
        if (!ok) {
            REFUSED.log(() -> "request to " + req.getRequestURI() + " from " + req.getRemoteAddr()
                    + " refused: the server did not accept its BASIC credentials");
        }
        return ok;
    }

    /** The login of {@code req}: its principal, which of {@code roles} that holds, its client certificate. */
    public static Peer.ContainerLogin of(HttpServletRequest req, Set<String> roles) {
        Principal p = req.getUserPrincipal();
        Set<String> held = new LinkedHashSet<>();
        if (p != null) {
            for (String r : roles) {
                if (req.isUserInRole(r)) {
                    held.add(r);
                }
            }
        }
        X509Certificate cert = req.getAttribute(CERTIFICATES) instanceof X509Certificate[] chain && chain.length > 0
                ? chain[0] : null;
        if (p == null && cert == null) {
            return Peer.ContainerLogin.NONE;
        }
        return new Peer.ContainerLogin(p == null ? null : p.getName(), held, cert);
    }
}
