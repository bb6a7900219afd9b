package io.postmaster.endpoint;

import jakarta.websocket.Session;

import java.util.Map;

/**
 * What JSR-356 does not say portably about a connection, found out in one place, for every WebSocket endpoint (the
 * handshake passed {@link HandshakeFilter#admit} and {@link WampConfigurator}).
 */
public final class Transports {
    /** The session user property holding the peer's address. */
    static final String PEER_ADDRESS = "io.postmaster.peerAddress";
    /** The session user property holding the peer's host address alone (no port), what connections count by. */
    static final String PEER_HOST = "io.postmaster.peerHost";
    /** The session user property holding what the server vouched for on the handshake. */
    static final String LOGIN = "io.postmaster.containerLogin";

    private Transports() {
    }

    /**
     * Called from {@link WampConfigurator#modifyHandshake}: JSR-356 has no API for the peer's address, so it is taken
     * from the servlet request by {@link HandshakeFilter}, on the thread that runs the handshake, and put into the
     * handshake's user properties, which become the session's. That is portable where (a) the container runs
     * servlet filters before its upgrade and (b) the properties seen in {@code modifyHandshake} are a copy per
     * connection, which WebSocket 2.1 (Jakarta EE 10) requires. PeerAddressIT checks it on each supported server:
     * WildFly 39, Payara 6, TomEE 9 (Tomcat 10.0, a WebSocket 2.0 implementation that copies them per connection
     * too) and Open Liberty 25 with websocket-2.1 — Liberty's websocket-2.0 starts every session with empty user
     * properties, so there the address is lost ({@code "unknown"}); src/main/liberty/features.xml enables 2.1.
     */
    static void recordPeer(Map<String, Object> handshakeProperties) {
        String peer = HandshakeFilter.handshakePeer();
        if (peer != null) {
            handshakeProperties.put(PEER_ADDRESS, peer);
        }
        String host = HandshakeFilter.handshakeHost();
        if (host != null) {
            handshakeProperties.put(PEER_HOST, host);
        }
        io.postmaster.router.Peer.ContainerLogin login = HandshakeFilter.handshakeLogin();
        if (login != null) {
            handshakeProperties.put(LOGIN, login);
        }
    }

    /** What the server vouched for on the handshake ({@link ContainerLogins}); nothing where the filter did not run. */
    static io.postmaster.router.Peer.ContainerLogin login(Session ws) {
        return ws.getUserProperties().get(LOGIN) instanceof io.postmaster.router.Peer.ContainerLogin l
                ? l : io.postmaster.router.Peer.ContainerLogin.NONE;
    }

    /** The peer's host address without the port, or null where the container did not say. */
    public static String peerHost(Session ws) {
        Object h = ws.getUserProperties().get(PEER_HOST);
        return h != null ? h.toString() : null;
    }

    /** The peer's address as {@code host:port} ({@code [v6]:port}), or {@code "unknown"}. */
    public static String peerAddress(Session ws) {
        Object a = ws.getUserProperties().get(PEER_ADDRESS);
        return a != null ? a.toString() : "unknown";
    }

    static String format(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
