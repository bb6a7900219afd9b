package io.postmaster.config;

import io.postmaster.message.Uris;
import io.postmaster.spi.Action;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** A realm defined at runtime is read by the configuration's own rules, and anything else is refused by name. */
class RealmDefinitionTest {

    @Test
    void anEmptyDefinitionIsAnOpenRealmLikeRealm1() {
        RealmDefinition d = RealmDefinition.parse("com.example.open", Map.of());
        assertEquals(new RealmConfig("com.example.open", true, Uris.Rule.LOOSE, Map.of()), d.realm());
        assertEquals(Set.of("anonymous"), d.auth().authmethods());
        assertTrue(d.auth().roles().get("anonymous").decide("com.x", Action.CALL).allowed());
    }

    @Test
    void usersRolesAndRoutingSettingsAreReadAsInTheConfiguration() {
        RealmDefinition d = RealmDefinition.parse("com.example.shop", Map.of(
                "anonymous", "false", "uri-check", "strict", "history", "com.example.t=5",
                "roles", "user", "role.user.permissions", "com.example. prefix call",
                "users", "joe", "user.joe.role", "user", "user.joe.ticket", "pbkdf2-sha256$1$AA==$AA=="));
        assertFalse(d.realm().anonymous());
        assertEquals(Uris.Rule.STRICT, d.realm().uriRule());
        assertEquals(Map.of("com.example.t", 5), d.realm().history());
        assertEquals(Set.of("ticket", "wampcra", "cryptosign", "wamp-scram"), d.auth().authmethods());
        assertTrue(d.auth().roles().get("user").decide("com.example.x", Action.CALL).allowed());
        assertFalse(d.auth().roles().get("user").decide("com.example.x", Action.PUBLISH).allowed());
        assertEquals("user", d.auth().users().get("joe").role());
    }

    @Test
    void refusalsNameWhatIsWrong() {
        assertRefused("not a valid realm URI", "bad..name", Map.of());
        assertRefused("not a valid realm URI", "x".repeat(RealmDefinition.NAME_MAX_CHARS + 1), Map.of());
        assertRefused("unknown setting 'anonymus'", "com.example.r", Map.of("anonymus", "true"));
        assertRefused("unknown setting 'meta-kill'", "com.example.r", Map.of("meta-kill", "true"));
        assertRefused("role 'admin' is not in roles [user]", "com.example.r",
                Map.of("roles", "user", "role.admin.permissions", "* prefix all"));
        assertRefused("user 'eve' is not in users []", "com.example.r", Map.of("user.eve.role", "user"));
        assertRefused("postmaster.realm.com.example.r.user.joe.role must name", "com.example.r",
                Map.of("users", "joe"));
        assertRefused("must be true or false", "com.example.r", Map.of("anonymous", "yes"));
        assertRefused("needs the prefix match", "com.example.r",
                Map.of("roles", "x", "role.x.permissions", "* exact all"));
    }

    private static void assertRefused(String because, String name, Map<String, String> settings) {
        var e = assertThrows(IllegalArgumentException.class, () -> RealmDefinition.parse(name, settings));
        assertTrue(e.getMessage().contains(because), e.getMessage());
    }

    @Test
    void theBoundLeavesRoomForTheConfiguredRealms() {
        assertEquals(64, PostmasterConfig.defaults().runtimeRealms().max());
        assertEquals(65536, PostmasterConfig.defaults().runtimeRealms().definitionMaxBytes());
        var e = assertThrows(IllegalArgumentException.class, () -> PostmasterConfig.from(Map.of(
                "postmaster.realms", "a,b,c", "postmaster.realms-max", "2")::get));
        assertTrue(e.getMessage().contains("postmaster.realms-max (2) is below the 3 realms"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PostmasterConfig.from(Map.of(
                "postmaster.realm-definition-max-bytes", "10")::get));
    }
}
