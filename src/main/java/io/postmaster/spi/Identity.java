package io.postmaster.spi;

import java.util.Map;

/**
 * The outcome of a successful authentication: who the session is.
 *
 * @param authid       the authenticated ID
 * @param authrole     the role the session gets
 * @param authprovider who vouched for it ({@code static}, {@code dynamic}, a bean's name …)
 * @param authextra    extra facts for WELCOME.Details.authextra and the authorizer; never put secrets here
 */
public record Identity(String authid, String authrole, String authprovider, Map<String, Object> authextra) {
    public Identity {
        if (authid == null || authid.isEmpty() || authrole == null || authrole.isEmpty()) {
            throw new IllegalArgumentException("an identity needs an authid and an authrole");
        }
        authprovider = authprovider == null ? "static" : authprovider;
        authextra = authextra == null ? Map.of() : Map.copyOf(authextra);
    }
}
