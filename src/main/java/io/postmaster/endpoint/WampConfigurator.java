package io.postmaster.endpoint;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.v1.V1Gateway;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Handshake rules for {@code /ws} (and every other WebSocket endpoint: the seed protocols' and the aliases): the
 * origin allow-list ({@code postmaster.allowed-origins}), subprotocol
 * negotiation in the client's order of preference (WAMP v1's {@code wamp} only while {@code postmaster.v1.enabled}), and the peer's address for the session (see {@link Transports}).
 */
public class WampConfigurator extends ServerEndpointConfig.Configurator {
    private static final Logger LOG = Logger.getLogger(WampConfigurator.class.getName());
    private static final RateLimitedLog REFUSED_ORIGIN = new RateLimitedLog(LOG, Level.INFO);

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        boolean ok = CDI.current().select(PostmasterConfig.class).get().originAllowed(originHeaderValue);
        if (!ok) {
            REFUSED_ORIGIN.log(() -> "WebSocket handshake refused: origin " + truncate(originHeaderValue)
                    + " is not allowed");
        }
        return ok;
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }

    /** Whether WAMP v1 clients are served ({@code postmaster.v1.enabled}). */
    private static boolean v1Enabled() {
        return CDI.current().select(PostmasterConfig.class).get().v1().enabled();
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        Transports.recordPeer(sec.getUserProperties());
        java.security.Principal p = request.getUserPrincipal();
        if (p != null && !(sec.getUserProperties().get(Transports.LOGIN) instanceof io.postmaster.router.Peer.ContainerLogin
                l && l.principal() != null)) {
            // A login the filter did not see (a container that upgrades before filters run): the handshake has it.
            java.util.Set<String> held = new java.util.LinkedHashSet<>();
            for (String r : CDI.current().select(PostmasterConfig.class).get().server().logins().containerRoles()) {
                if (request.isUserInRole(r)) {
                    held.add(r);
                }
            }
            sec.getUserProperties().put(Transports.LOGIN,
                    new io.postmaster.router.Peer.ContainerLogin(p.getName(), held, null));
        }
    }

    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        // The client's order of preference decides, as the WAMP spec asks.
        for (String r : requested) {
            if (supported.contains(r) && (!V1Gateway.SUBPROTOCOL.equals(r) || v1Enabled())) {
                return r;
            }
        }
        return "";
    }
}
