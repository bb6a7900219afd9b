package io.postmaster.endpoint;

import jakarta.websocket.Session;

/** What JSR-356 does not say portably about a connection, found out per server in one place. */
final class Transports {
    private Transports() {
    }

    /**
     * The peer's address, or {@code "unknown"}. JSR-356 has no API for it; Tyrus (Payara, GlassFish) puts it in
     * the session's user properties under the key below.
     */
    static String peerAddress(Session ws) {
        Object a = ws.getUserProperties().get("jakarta.websocket.endpoint.remoteAddress");
        return a != null ? a.toString() : "unknown";
    }
}
