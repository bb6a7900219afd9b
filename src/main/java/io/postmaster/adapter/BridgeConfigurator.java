package io.postmaster.adapter;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.logging.RateLimitedLog;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Handshake rules of the seed-protocol endpoints: the origin allow-list ({@code postmaster.allowed-origins}, as for
 * {@code /ws}) and the peer's address from {@link BridgeFilter} into the session's user properties (portable where
 * the properties are a copy per connection, as WebSocket 2.1 requires; see the endpoint package's
 * {@code Transports}).
 */
public class BridgeConfigurator extends ServerEndpointConfig.Configurator {
    private static final Logger LOG = Logger.getLogger(BridgeConfigurator.class.getName());
    private static final RateLimitedLog REFUSED_ORIGIN = new RateLimitedLog(LOG, Level.INFO);
    private static final String PEER_ADDRESS = "io.postmaster.adapter.peerAddress";
    private static final String PEER_HOST = "io.postmaster.adapter.peerHost";

    @Override
    public boolean checkOrigin(String origin) {
        boolean ok = CDI.current().select(PostmasterConfig.class).get().originAllowed(origin);
        if (!ok) {
            REFUSED_ORIGIN.log(() -> "seed-protocol handshake refused: origin "
                    + (origin.length() > 100 ? origin.substring(0, 100) + "…" : origin) + " is not allowed");
        }
        return ok;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        String peer = BridgeFilter.handshakePeer();
        if (peer != null) {
            sec.getUserProperties().put(PEER_ADDRESS, peer);
        }
        String host = BridgeFilter.handshakeHost();
        if (host != null) {
            sec.getUserProperties().put(PEER_HOST, host);
        }
    }

    /** The peer's host address alone, or null where the container did not say. */
    public static String peerHost(Session ws) {
        Object h = ws.getUserProperties().get(PEER_HOST);
        return h != null ? h.toString() : null;
    }

    /** The peer's address as {@code host:port}, or {@code "unknown"}. */
    public static String peerAddress(Session ws) {
        Object a = ws.getUserProperties().get(PEER_ADDRESS);
        return a != null ? a.toString() : "unknown";
    }
}
