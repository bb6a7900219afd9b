package io.postmaster.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The WAMP v1 settings: defaults, realms, mappings, and a clear message for each bad value. */
class V1SettingsTest {

    @Test
    void defaults() {
        V1Settings s = PostmasterConfig.defaults().v1();
        assertTrue(s.enabled());
        assertEquals("realm1", s.realm());
        assertEquals(List.of("realm1"), s.realms());
        assertEquals(V1Settings.AnonymousCalls.SERVER_PROCEDURES, s.anonymousCalls());
        assertEquals(64, s.maxPrefixes());
        assertEquals(16 * 1024, s.maxPrefixBytes());
        assertEquals(512, s.maxUriChars());
        assertEquals(64, s.maxIdChars());
        assertTrue(s.uriMappings().isEmpty());
    }

    @Test
    void realmsAndMappings() {
        Map<String, String> m = new HashMap<>();
        m.put("postmaster.realms", "a,b");
        m.put("postmaster.v1.realm", "b");
        m.put("postmaster.v1.anonymous-calls", "role");
        m.put("postmaster.realm.a.v1-uri-map", "http://x.org/calc#=org.x.calc., http://x.org/ev#=org.x.ev.");
        V1Settings s = V1Settings.from(m::get);
        assertEquals("b", s.realm());
        assertEquals(List.of("b"), s.realms());
        assertEquals(V1Settings.AnonymousCalls.ROLE, s.anonymousCalls());
        assertEquals(List.of(new V1Settings.UriMapping("http://x.org/calc#", "org.x.calc."),
                new V1Settings.UriMapping("http://x.org/ev#", "org.x.ev.")), s.mappings("a"));
    }

    @Test
    void badValuesNameTheKey() {
        for (Map.Entry<String, String> bad : List.of(
                Map.entry("postmaster.v1.realm", "nope"),
                Map.entry("postmaster.v1.realms", "realm1,nope"),
                Map.entry("postmaster.v1.anonymous-calls", "everything"),
                Map.entry("postmaster.v1.max-prefixes", "-1"),
                Map.entry("postmaster.v1.max-id-chars", "3"),
                Map.entry("postmaster.realm.realm1.v1-uri-map", "http://x/#=no-dot"),
                Map.entry("postmaster.realm.realm1.v1-uri-map", "http://x/#=wamp.x."),
                Map.entry("postmaster.realm.realm1.v1-uri-map", "http://x/#=a.,http://x/#y=b."))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> V1Settings.from(Map.of(bad.getKey(), bad.getValue())::get), bad.toString());
            assertTrue(e.getMessage().contains(bad.getKey().startsWith("postmaster.realm.") ? "v1-uri-map"
                    : bad.getKey()), e.getMessage());
        }
    }
}
