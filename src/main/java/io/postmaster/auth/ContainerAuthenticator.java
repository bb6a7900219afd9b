package io.postmaster.auth;

import io.postmaster.config.ContainerAuth;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;

import java.util.Map;

/**
 * Authmethod {@code container}: the session is the principal the application server authenticated on the WebSocket
 * handshake (a BASIC or FORM login of the web application, Jakarta Security, OIDC), with the realm role its container
 * roles map to ({@code postmaster.realm.<realm>.container.roles}). The authid the client claims is ignored: the
 * server's login is the proof. No challenge is issued.
 */
public final class ContainerAuthenticator implements Authenticator {
    /** The method's name in HELLO. */
    public static final String METHOD = "container";
    /** The {@code authprovider} of its sessions. */
    static final String PROVIDER = "container";

    private final ContainerAuth settings;

    public ContainerAuthenticator(ContainerAuth settings) {
        this.settings = settings;
    }

    public String authmethod() {
        return METHOD;
    }

    public AuthResult hello(HelloDetails hello) {
        String principal = hello.transport().principal();
        if (principal == null) {
            return AuthResult.deny("the WebSocket handshake carried no principal the server authenticated (log in to"
                    + " the web application first, e.g. with HTTP BASIC on the handshake)");
        }
        String role = settings.of(hello.realm()).roleOf(hello.transport().principalRoles());
        if (role == null) {
            return AuthResult.deny("principal '" + shown(principal) + "' holds none of the container roles mapped to"
                    + " a role of realm " + hello.realm() + " (postmaster.realm." + hello.realm() + ".container.roles)");
        }
        return AuthResult.accept(new Identity(principal, role, PROVIDER, Map.of()));
    }

    public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge challenge, String signature,
                                   Map<String, Object> extra) {
        return AuthResult.deny("container issues no challenge");
    }

    static String shown(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
