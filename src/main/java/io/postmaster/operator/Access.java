package io.postmaster.operator;

import io.postmaster.config.OperatorSettings;
import io.postmaster.logging.RateLimitedLog;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Who may read the metrics and health endpoints: anyone who reaches them, unless {@code postmaster.operator.role}
 * names a container role; then the container authenticates the caller (its login configuration: BASIC where the
 * deployment declares none) and the caller must have the role.
 */
final class Access {
    private static final Logger LOG = Logger.getLogger(Access.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);

    private Access() {
    }

    /** Whether the request may go on; if not, the answer (401 or 403) has been sent. */
    static boolean allowed(HttpServletRequest req, HttpServletResponse res, OperatorSettings s)
            throws IOException {
        if (!s.protectedByRole()) {
            return true;
        }
        if (req.getUserPrincipal() == null) {
            boolean in;
            try {
                in = req.authenticate(res); // false: the container has sent its challenge (401)
            } catch (ServletException e) {
                in = false; // no login mechanism or bad credentials
            }
            if (!in || req.getUserPrincipal() == null) {
                REFUSED.log(() -> req.getRequestURI() + " refused to " + req.getRemoteAddr() + ": not authenticated");
                if (!res.isCommitted()) {
                    res.setHeader("WWW-Authenticate", "Basic realm=\"postmaster\"");
                    res.sendError(HttpServletResponse.SC_UNAUTHORIZED);
                }
                return false;
            }
        }
        if (!req.isUserInRole(s.role())) {
            REFUSED.log(() -> req.getRequestURI() + " refused to " + req.getRemoteAddr() + ": not in role "
                    + s.role() + " (postmaster.operator.role)");
            res.sendError(HttpServletResponse.SC_FORBIDDEN);
            return false;
        }
        return true;
    }

    /** The common headers of an operator answer: never cached. */
    static void noStore(HttpServletResponse res) {
        res.setHeader("Cache-Control", "no-store");
    }
}
