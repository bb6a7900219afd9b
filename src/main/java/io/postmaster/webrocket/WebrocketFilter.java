package io.postmaster.webrocket;

import io.postmaster.bridge.BridgeFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Records the peer's address for the webrocket handshakes (see {@link BridgeFilter}). */
@WebFilter(urlPatterns = "/webrocket/*", asyncSupported = true)
public class WebrocketFilter extends BridgeFilter {
    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        withPeer(req, res, chain);
    }
}
