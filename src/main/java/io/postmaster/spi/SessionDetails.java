package io.postmaster.spi;

import java.util.Map;

/**
 * Who a joined session is: what WELCOME told it, plus its transport. Immutable.
 *
 * @param sessionId    the WAMP session ID
 * @param realm        the realm joined
 * @param authid       the authenticated ID (random for anonymous sessions that named none)
 * @param authrole     the role, which selects the session's permissions
 * @param authmethod   {@code anonymous}, {@code ticket}, {@code wampcra}, {@code cryptosign} or a custom method
 * @param authprovider who vouched for the identity, e.g. {@code static} (the configuration) or a bean's name
 * @param authextra    extra facts from the authenticator, sent in WELCOME
 * @param transport    the transport's facts
 */
public record SessionDetails(long sessionId, String realm, String authid, String authrole, String authmethod,
                             String authprovider, Map<String, Object> authextra, TransportDetails transport) {
    public SessionDetails {
        authextra = authextra == null ? Map.of() : Map.copyOf(authextra);
    }
}
