package io.postmaster.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeWebSocketTest {

    @Test
    void undertowsOwnApiServesTheRoutersPathByDefault() {
        assertTrue(PostmasterConfig.defaults().nativeWebSocket().undertow());
    }

    @Test
    void itCanBeTurnedOff() {
        assertFalse(NativeWebSocket.from(Map.of(NativeWebSocket.UNDERTOW, "false")::get).undertow());
    }

    @Test
    void aBadValueNamesItsKey() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> NativeWebSocket.from(Map.of(NativeWebSocket.UNDERTOW, "sometimes")::get));
        assertTrue(e.getMessage().contains(NativeWebSocket.UNDERTOW), e.getMessage());
    }
}
