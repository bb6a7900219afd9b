package io.postmaster.endpoint;

import io.postmaster.logging.RateLimitedLog;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything under {@code /admin/}, after the container's security constraint admitted the request (a user in role
 * {@code postmaster-admin}): 404 while {@code postmaster.admin.enabled} is off; headers that keep the console's
 * pages out of caches and frames and let them load nothing but their own files; and a WebSocket handshake from a
 * page of another origin refused with 403 (a browser sends the admin's remembered credentials along with it).
 */
@WebFilter(urlPatterns = "/admin/*", asyncSupported = true)
public class AdminGuard extends HttpFilter {
    private static final Logger LOG = Logger.getLogger(AdminGuard.class.getName());
    private static final RateLimitedLog REFUSED_ORIGIN = new RateLimitedLog(LOG, Level.WARNING);
    /** Scripts, styles and connections of the console's own origin only; no frames, no plug-ins. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; frame-ancestors 'none';"
            + " base-uri 'none'; form-action 'none'";

    @Inject
    PostmasterRuntime runtime;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!runtime.produceConfig().admin().enabled()) {
            res.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Referrer-Policy", "no-referrer");
        res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        if ("websocket".equalsIgnoreCase(req.getHeader("Upgrade"))
                && !AdminConfigurator.sameOrigin(req.getHeader("Origin"), req.getHeader("Host"))) {
            String origin = req.getHeader("Origin");
            REFUSED_ORIGIN.log(() -> "admin WebSocket handshake from " + req.getRemoteAddr() + " (user "
                    + req.getRemoteUser() + ") refused: origin " + shorten(origin) + " is not the console's own");
            res.sendError(HttpServletResponse.SC_FORBIDDEN, "the admin WebSocket takes the console's own origin only");
            return;
        }
        chain.doFilter(req, res);
    }

    private static String shorten(String s) {
        return s == null || s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }
}
