package io.postmaster.webrocket;

import io.postmaster.adapter.BridgeFilter;
import io.postmaster.endpoint.PostmasterRuntime;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** The per-address limit and the peer's address for the webrocket handshakes (see {@link BridgeFilter}). */
@WebFilter(urlPatterns = "/webrocket/*", asyncSupported = true)
public class WebrocketFilter extends BridgeFilter {
    @Inject
    PostmasterRuntime runtime;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            chain.doFilter(req, res);
            return;
        }
        handshake(req, res, chain, runtime.openConnections());
    }
}
