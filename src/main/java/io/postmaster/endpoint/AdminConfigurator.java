package io.postmaster.endpoint;

import io.postmaster.config.AdminConsole;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Handshake rules for the admin console's WebSocket ({@code /admin/ws}), on top of those of {@code /ws}: the
 * container has already authenticated the request (the WAR's security constraint on {@code /admin/*}); this records
 * the user for the connection only if the container also says the user is in role
 * {@value AdminConsole#CONTAINER_ROLE} and the handshake comes from the console's own origin (a page of another
 * site must not ride on the credentials a browser remembers). {@link AdminEndpoint} closes a connection without a
 * recorded user. The origin allow-list of {@code /ws} does not apply: the console is always same-origin.
 */
public class AdminConfigurator extends WampConfigurator {
    /** The session user property holding the admitted container user. */
    static final String USER = "io.postmaster.admin.user";

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true; // decided in modifyHandshake, which also sees the Host header
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        super.modifyHandshake(sec, request, response);
        Principal p = request.getUserPrincipal();
        if (p != null && request.isUserInRole(AdminConsole.CONTAINER_ROLE)
                && sameOrigin(header(request.getHeaders(), "Origin"), header(request.getHeaders(), "Host"))) {
            sec.getUserProperties().put(USER, p.getName());
        } else {
            sec.getUserProperties().remove(USER);
        }
    }

    /** The container user admitted at the handshake, or null. */
    static String admittedUser(Session ws) {
        return ws.getUserProperties().get(USER) instanceof String s && !s.isEmpty() ? s : null;
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (name.equalsIgnoreCase(e.getKey()) && e.getValue() != null && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /**
     * Whether a handshake with this {@code Origin} comes from a page served by this host: no Origin at all (not a
     * browser: nothing rides on a browser's remembered credentials), or one whose host and port are the request's
     * {@code Host} (the scheme may differ behind a TLS-terminating proxy).
     */
    static boolean sameOrigin(String origin, String host) {
        if (origin == null) {
            return true;
        }
        if (host == null) {
            return false;
        }
        try {
            URI o = URI.create(origin.trim());
            String authority = o.getRawAuthority();
            if (authority == null || o.getScheme() == null) {
                return false;
            }
            String scheme = o.getScheme().toLowerCase(Locale.ROOT);
            String h = host.trim().toLowerCase(Locale.ROOT);
            String a = authority.toLowerCase(Locale.ROOT);
            return a.equals(h) || a.equals(withoutDefaultPort(h, scheme)) || withoutDefaultPort(a, scheme).equals(h);
        } catch (IllegalArgumentException e) {
            return false; // "null" and other origins that are no URI
        }
    }

    private static String withoutDefaultPort(String authority, String scheme) {
        String port = scheme.equals("https") ? ":443" : ":80";
        return authority.endsWith(port) ? authority.substring(0, authority.length() - port.length()) : authority;
    }
}
