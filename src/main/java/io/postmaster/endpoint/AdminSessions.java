package io.postmaster.endpoint;

import io.postmaster.config.AdminConsole;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Extensions;
import io.postmaster.spi.Action;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;
import io.postmaster.spi.Permission;
import io.postmaster.spi.Permissions;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a session opened on the admin console's WebSocket ({@link AdminEndpoint}) becomes an admin session, and why no
 * other session can.
 *
 * <p>The container authenticated the user in role {@value AdminConsole#CONTAINER_ROLE} before the handshake. The
 * endpoint then rewrites each HELLO it receives: authmethod {@value #AUTHMETHOD} only, authid the container's user
 * name, and in {@code authextra} a {@link Grant} — a Java object that no decoder produces, so a client of {@code /ws}
 * (or RawSocket, or WAMP v1) cannot put one in its HELLO, whatever it sends. The authenticator of that method admits
 * exactly the HELLOs carrying a grant; the others are refused like a wrong password. The admin session gets
 * {@link #PERMISSIONS} on every realm: the meta API (calls, meta events) and the kill procedures, nothing else — not
 * the application's procedures or topics. Its permissions and decisions are the router's own: an application's
 * {@code PermissionProvider} and {@code Authorizer} beans are not asked for it.
 */
final class AdminSessions {
    /** The authmethod of admin sessions, as the meta API shows it. */
    static final String AUTHMETHOD = "postmaster-admin";
    /** The key of the grant in the rewritten HELLO's {@code authextra}. */
    private static final String GRANT = "io.postmaster.admin.grant";
    /** What an admin session may do on any realm: read the meta API, hear its events, kill sessions. */
    static final Permissions PERMISSIONS = new Permissions(List.of(
            new Permission("wamp.", Permission.Match.PREFIX, EnumSet.of(Action.CALL, Action.SUBSCRIBE), false),
            // named on purpose: the meta API grants killing only to a rule that names those procedures
            new Permission("wamp.session.kill", Permission.Match.PREFIX, EnumSet.of(Action.CALL), false)));

    private AdminSessions() {
    }

    /** The container user a HELLO is rewritten for: created by {@link AdminEndpoint} only. */
    record Grant(String user) {
    }

    /**
     * The HELLO an admin connection's client sent, as the router gets it: the client's realm and roles, the admin
     * method, the container user as authid and the grant. Other messages pass unchanged.
     */
    static WampMessage rewrite(WampMessage m, String user) {
        if (!(m instanceof WampMessage.Hello h)) {
            return m;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        Object roles = h.details().get("roles");
        if (roles != null) {
            details.put("roles", roles);
        }
        details.put("authmethods", List.of(AUTHMETHOD));
        details.put("authid", user);
        details.put("authextra", Map.of(GRANT, new Grant(user)));
        return new WampMessage.Hello(h.realm(), details);
    }

    /**
     * {@code extensions} with admin sessions added: the method allowed on every realm, its authenticator (which no
     * application bean replaces), its fixed permissions and decisions.
     */
    static Extensions install(Extensions ext, AdminConsole admin) {
        if (!admin.enabled()) {
            return ext;
        }
        Map<String, Authenticator> authenticators = new LinkedHashMap<>(ext.authenticators());
        authenticators.put(AUTHMETHOD, new Method(admin.authrole()));
        var inner = ext.authmethods();
        var permissions = ext.permissions();
        var authorizer = ext.authorizer();
        return new Extensions(Map.copyOf(authenticators), realm -> {
            Set<String> methods = new HashSet<>(inner.apply(realm));
            methods.add(AUTHMETHOD);
            return methods;
        }, s -> AUTHMETHOD.equals(s.authmethod()) ? PERMISSIONS : permissions.permissions(s),
                (s, p, uri, a) -> AUTHMETHOD.equals(s.authmethod()) ? p.decide(uri, a)
                        : authorizer.authorize(s, p, uri, a),
                ext.listener(), ext.executor(), ext.publishInterceptors(), ext.callInterceptors());
    }

    /** Admits a HELLO that carries a grant, as the grant's user with the admin role; refuses any other. */
    private record Method(String authrole) implements Authenticator {
        @Override
        public String authmethod() {
            return AUTHMETHOD;
        }

        @Override
        public AuthResult hello(HelloDetails hello) {
            if (hello.authextra().get(GRANT) instanceof Grant g && g.user() != null && !g.user().isEmpty()) {
                return AuthResult.accept(new Identity(g.user(), authrole, "container", Map.of()));
            }
            return AuthResult.deny(AUTHMETHOD + " is only for the admin console's WebSocket (<context>/admin/ws)");
        }

        @Override
        public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                       Map<String, Object> extra) {
            return AuthResult.deny(AUTHMETHOD + " issues no challenge");
        }
    }
}
