package io.postmaster.bridge;

import io.postmaster.endpoint.ContainerLogins;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Lets a bridge request log in with the server's own users: the bridge's path carries no security constraint (bearer
 * tokens are checked by the bridge itself), so BASIC credentials a request brings are authenticated here, before
 * Jakarta REST reads the principal (see {@link ContainerLogins}). Wrong credentials get the server's 401.
 */
@WebFilter(urlPatterns = "/bridge/*", asyncSupported = true)
public class BridgeLoginFilter extends HttpFilter {
    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (ContainerLogins.authenticate(req, res)) {
            chain.doFilter(req, res);
        }
    }
}
