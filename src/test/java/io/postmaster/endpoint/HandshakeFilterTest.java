package io.postmaster.endpoint;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The servlet-side half of the handshake rules: the 400 for a missing subprotocol and the peer address hand-over. */
class HandshakeFilterTest {

    @Test
    void anUpgradeOfferingWampHandsThePeerAddressToTheHandshake() throws Exception {
        Map<String, Object> handshakeProperties = new HashMap<>();
        List<String> seen = new ArrayList<>();
        FilterChain chain = (req, res) -> {
            seen.add(HandshakeFilter.handshakePeer());
            Transports.recordPeer(handshakeProperties); // what WampConfigurator.modifyHandshake does
        };
        new HandshakeFilter().doFilter(request("websocket", "wamp.2.json", "10.1.2.3", 4567), response(null), chain);
        assertEquals(List.of("10.1.2.3:4567"), seen);
        assertEquals("10.1.2.3:4567", handshakeProperties.get(Transports.PEER_ADDRESS));
        assertNull(HandshakeFilter.handshakePeer(), "nothing is left on the thread");
    }

    @Test
    void anIpv6PeerIsBracketed() throws Exception {
        List<String> seen = new ArrayList<>();
        new HandshakeFilter().doFilter(request("websocket", "foo, wamp.2.json", "0:0:0:0:0:0:0:1", 80), response(null),
                (req, res) -> seen.add(HandshakeFilter.handshakePeer()));
        assertEquals(List.of("[0:0:0:0:0:0:0:1]:80"), seen);
    }

    @Test
    void anUpgradeWithoutAWampSubprotocolIsRefusedWith400() throws Exception {
        for (String offered : new String[] {null, "foo", "wamp.2.bogus, mqtt"}) {
            int[] status = {0};
            new HandshakeFilter().doFilter(request("websocket", offered, "127.0.0.1", 1), response(status),
                    (req, res) -> fail("the upgrade went ahead offering " + offered));
            assertEquals(400, status[0], "offering " + offered);
        }
    }

    @Test
    void plainRequestsPassUntouched() throws Exception {
        List<String> seen = new ArrayList<>();
        new HandshakeFilter().doFilter(request(null, null, "127.0.0.1", 1), response(null),
                (req, res) -> seen.add(String.valueOf(HandshakeFilter.handshakePeer())));
        assertEquals(List.of("null"), seen);
    }

    @Test
    void withoutAHandshakeNothingIsRecorded() {
        Map<String, Object> properties = new HashMap<>();
        Transports.recordPeer(properties);
        assertTrue(properties.isEmpty());
    }

    private static HttpServletRequest request(String upgrade, String protocols, String addr, int port) {
        return (HttpServletRequest) Proxy.newProxyInstance(HandshakeFilterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, args) -> switch (m.getName()) {
                    case "getHeader" -> "Upgrade".equalsIgnoreCase((String) args[0]) ? upgrade
                            : "Sec-WebSocket-Protocol".equalsIgnoreCase((String) args[0]) ? protocols : null;
                    case "getHeaders" -> Collections.enumeration(
                            "Sec-WebSocket-Protocol".equalsIgnoreCase((String) args[0]) && protocols != null
                                    ? List.of(protocols) : List.<String>of());
                    case "getRemoteAddr" -> addr;
                    case "getRemotePort" -> port;
                    case "getUserPrincipal", "getAttribute" -> null; // no login, no client certificate
                    case "toString" -> "request";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static HttpServletResponse response(int[] status) {
        return (HttpServletResponse) Proxy.newProxyInstance(HandshakeFilterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, args) -> {
                    if (m.getName().equals("sendError")) {
                        status[0] = (Integer) args[0];
                        return null;
                    }
                    if (m.getName().equals("toString")) {
                        return "response";
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
