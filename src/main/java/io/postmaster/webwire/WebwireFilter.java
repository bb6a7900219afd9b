package io.postmaster.webwire;

import io.postmaster.endpoint.HandshakeFilter;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.endpoint.PostmasterRuntime;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP side of webwire at the context root: the method {@code WEBWIRE} answers the protocol version
 * ({@code {"protocol-version":"1.4"}}, any origin), and while the router drains or the application stops both it and the
 * WebSocket upgrade get 503, as webwire's server does. A filter rather than a servlet: {@code HttpServlet.service} answers an
 * unknown method with 501 before any servlet code runs, while every supported server hands a request with a custom
 * method to filters. Requests to other paths pass untouched. The upgrade passes the per-address limit of every
 * WebSocket endpoint ({@link HandshakeFilter#admit}).
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class WebwireFilter extends HttpFilter {
    public static final String PROTOCOL_VERSION = "1.4";
    private static final byte[] VERSION = ("{\"protocol-version\":\"" + PROTOCOL_VERSION + "\"}")
            .getBytes(StandardCharsets.UTF_8);

    @Inject
    PostmasterConfig config;
    @Inject
    WebwireService service;
    @Inject
    PostmasterRuntime runtime;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String path = req.getRequestURI().substring(req.getContextPath().length());
        if (!(path.isEmpty() || path.equals("/"))) {
            chain.doFilter(req, res);
            return;
        }
        boolean upgrade = "websocket".equalsIgnoreCase(req.getHeader("Upgrade"));
        boolean metadata = "WEBWIRE".equals(req.getMethod());
        if (!upgrade && !metadata) {
            chain.doFilter(req, res);
            return;
        }
        if (!config.webwire().enabled()) {
            res.sendError(HttpServletResponse.SC_NOT_FOUND, "webwire is not served here");
            return;
        }
        if (service.shuttingDown()) {
            res.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "shutting down");
            return;
        }
        if (metadata) {
            res.setStatus(HttpServletResponse.SC_OK);
            res.setHeader("Access-Control-Allow-Origin", "*");
            res.setContentType("application/json");
            res.setContentLength(VERSION.length);
            res.getOutputStream().write(VERSION);
            return;
        }
        HandshakeFilter.admit(req, res, chain, runtime.openConnections());
    }
}
