package io.postmaster.endpoint;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which handshakes the server's own WebSocket API serves ({@link NativeWebSockets}), and that they reach it only
 * through {@link HandshakeFilter}'s checks, with the handshake's address recorded as for the JSR-356 upgrade.
 */
class NativeWebSocketsTest {

    @Test
    void theFirstSubprotocolTheRouterSpeaksDecidesAsTheConfiguratorNegotiates() {
        assertTrue(NativeWebSockets.negotiatesV2("wamp.2.json", false));
        assertTrue(NativeWebSockets.negotiatesV2("mqtt, wamp.2.msgpack, wamp", true), "v2 offered before v1");
        assertTrue(NativeWebSockets.negotiatesV2("wamp, wamp.2.cbor", false), "v1 off: its name is no offer");
        assertFalse(NativeWebSockets.negotiatesV2("wamp, wamp.2.json", true), "v1 first, and served: JSR-356");
        assertFalse(NativeWebSockets.negotiatesV2("foo, wamp.2.bogus", true));
        assertFalse(NativeWebSockets.negotiatesV2(null, true));
    }

    @Test
    void aWampV2HandshakeOnTheRoutersPathIsUpgradedByTheNativeApiWithItsPeerRecorded() throws Exception {
        Recording fast = new Recording(true);
        List<String> chain = new ArrayList<>();
        filter(fast).doFilter(request("/ws", "wamp.2.json"), response(), (rq, rs) -> chain.add("jsr"));
        assertEquals(List.of("upgrade 10.1.2.3:4567"), fast.calls);
        assertEquals(List.of(), chain, "the JSR-356 upgrade is not run");
        assertNull(HandshakeFilter.handshakePeer(), "nothing is left on the thread");
    }

    @Test
    void otherPathsAndWampV1StayWithJsr356() throws Exception {
        for (String[] c : new String[][] {{"/ws-resume", "wamp.2.json"}, {"/admin/ws", "wamp.2.json"},
                {"/ws", "wamp, wamp.2.json"}}) {
            Recording fast = new Recording(true);
            List<String> chain = new ArrayList<>();
            filter(fast).doFilter(request(c[0], c[1]), response(), (rq, rs) -> chain.add("jsr"));
            assertEquals(List.of(), fast.calls, c[0] + " offering " + c[1]);
            assertEquals(List.of("jsr"), chain, c[0] + " offering " + c[1]);
        }
    }

    @Test
    void aHandshakeTheNativeApiCannotCompleteFallsBackToJsr356() throws Exception {
        Recording fast = new Recording(false);
        List<String> chain = new ArrayList<>();
        filter(fast).doFilter(request("/ws", "wamp.2.json"), response(), (rq, rs) -> chain.add("jsr"));
        assertEquals(List.of("upgrade 10.1.2.3:4567"), fast.calls);
        assertEquals(List.of("jsr"), chain);
    }

    private static HandshakeFilter filter(NativeWebSockets fast) {
        return new HandshakeFilter() {
            @Override
            NativeWebSockets nativeWebSockets() {
                return fast;
            }
        };
    }

    /** Takes what the negotiation gives v2, as Undertow's does; records each upgrade and the peer seen then. */
    private static final class Recording implements NativeWebSockets {
        final List<String> calls = new ArrayList<>();
        final boolean completes;

        Recording(boolean completes) {
            this.completes = completes;
        }

        @Override
        public boolean takes(HttpServletRequest req) {
            return NativeWebSockets.negotiatesV2(req.getHeader("Sec-WebSocket-Protocol"), true);
        }

        @Override
        public boolean upgrade(HttpServletRequest req, HttpServletResponse res) {
            calls.add("upgrade " + HandshakeFilter.handshakePeer());
            return completes;
        }

        @Override
        public int open() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private static HttpServletRequest request(String path, String protocols) {
        return (HttpServletRequest) Proxy.newProxyInstance(NativeWebSocketsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, args) -> switch (m.getName()) {
                    case "getHeader" -> "Upgrade".equalsIgnoreCase((String) args[0]) ? "websocket"
                            : "Sec-WebSocket-Protocol".equalsIgnoreCase((String) args[0]) ? protocols : null;
                    case "getHeaders" -> Collections.enumeration(
                            "Sec-WebSocket-Protocol".equalsIgnoreCase((String) args[0]) ? List.of(protocols)
                                    : List.<String>of());
                    case "getServletPath" -> path;
                    case "getPathInfo", "getUserPrincipal", "getAttribute" -> null;
                    case "getRemoteAddr" -> "10.1.2.3";
                    case "getRemotePort" -> 4567;
                    case "toString" -> "request";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static HttpServletResponse response() {
        return (HttpServletResponse) Proxy.newProxyInstance(NativeWebSocketsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, args) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
