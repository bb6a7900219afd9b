package io.postmaster.webrocket;

import io.postmaster.endpoint.HandshakeFilter;
import io.postmaster.endpoint.PostmasterRuntime;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The per-address limit and the peer's address for the webrocket handshakes, as for {@code /ws} (see
 * {@link HandshakeFilter#admit}); no WAMP subprotocol is asked for.
 */
@WebFilter(urlPatterns = "/webrocket/*", asyncSupported = true)
public class WebrocketFilter extends HttpFilter {
    @Inject
    PostmasterRuntime runtime;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            chain.doFilter(req, res);
            return;
        }
        HandshakeFilter.admit(req, res, chain, runtime.openConnections());
    }
}
