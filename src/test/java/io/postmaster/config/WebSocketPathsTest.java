package io.postmaster.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebSocketPathsTest {

    @Test
    void defaultIsWsWithItsResumeAlias() {
        WebSocketPaths p = PostmasterConfig.defaults().websocket();
        assertEquals("/ws", p.path());
        assertEquals("/ws-resume", p.resumePath());
    }

    @Test
    void aPathOfSeveralSegmentsIsTaken() {
        WebSocketPaths p = WebSocketPaths.from(Map.of("postmaster.websocket.path", " /wamp/v2.router ")::get);
        assertEquals("/wamp/v2.router", p.path());
        assertEquals("/wamp/v2.router-resume", p.resumePath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "/", "/ws/", "//ws", "/a b", "/ws?x=1", "/ws#f", "/{realm}", "/../ws", "/./ws",
            "/.hidden", "/ws/*", "/é", "/admin/ws2", "/Admin", "/bridge", "/health/live", "/metrics",
            "/webrocket/x"})
    void aPathThatCannotBeServedFailsWithTheKeyNamed(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebSocketPaths.from(Map.of("postmaster.websocket.path", bad)::get));
        assertTrue(e.getMessage().startsWith("postmaster.websocket.path must"), e.getMessage());
    }

    @Test
    void aVeryLongPathIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new WebSocketPaths("/" + "a".repeat(128)));
        assertEquals(128, new WebSocketPaths("/" + "a".repeat(127)).path().length());
    }
}
