package io.postmaster.auth;

import io.postmaster.config.AuthConfig;
import io.postmaster.spi.Action;
import io.postmaster.spi.Permissions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Authorization precedence, pinned table by table: exact › longer prefix › shorter prefix › wildcard; deny by default. */
class PermissionsTest {
    static final Permissions RULES = AuthConfig.parsePermissions("test",
            "com.example..update wildcard subscribe;"
            + " * prefix subscribe;"
            + " com.example. prefix call,subscribe,publish;"
            + " com.example.admin. prefix none;"
            + " com.example.admin.status exact call;"
            + " com.example.open. prefix all,disclose;"
            + " com..update wildcard publish;"
            + " org..x.. wildcard call");

    @ParameterizedTest(name = "{1} {0} → {2}")
    @CsvSource({
            // uri,                           action,    allowed   (why)
            "com.example.add2,                 CALL,      true",   // prefix com.example.
            "com.example.add2,                 REGISTER,  false",  // the prefix rule decides alone: no register
            "com.example.admin.kill,           CALL,      false",  // longer prefix com.example.admin. (none) wins
            "com.example.admin.kill,           SUBSCRIBE, false",  // ... even over '*' subscribe
            "com.example.admin.status,         CALL,      true",   // exact beats every prefix
            "com.example.admin.status,         PUBLISH,   false",  // exact decides alone
            "com.example.open.x,               REGISTER,  true",   // all
            "com.example.foo.update,           SUBSCRIBE, true",   // prefix com.example. beats the wildcard
            "com.example.foo.update,           REGISTER,  false",
            "com.other.update,                 PUBLISH,   false",  // '*' prefix (subscribe only) beats wildcard com..update
            "com.other.update,                 SUBSCRIBE, true",
            "net.x,                            SUBSCRIBE, true",   // '*' matches everything
            "net.x,                            CALL,      false",  // deny by default
    })
    void precedence(String uri, Action action, boolean allowed) {
        assertEquals(allowed, RULES.decide(uri, action).allowed());
    }

    @Test
    void wildcardsApplyWhenNoPrefixMatches() {
        Permissions p = AuthConfig.parsePermissions("test",
                "com..update wildcard publish; com.a.update wildcard none; org..x.. wildcard call");
        assertTrue(p.decide("com.b.update", Action.PUBLISH).allowed());
        assertFalse(p.decide("com.a.update", Action.PUBLISH).allowed(), "more fixed components win");
        assertFalse(p.decide("com.b.c.update", Action.PUBLISH).allowed(), "a wildcard matches one component");
        assertTrue(p.decide("org.a.x.b.c", Action.CALL).allowed());
        assertFalse(p.decide("org.a.y.b.c", Action.CALL).allowed());
        assertFalse(p.decide("anything", Action.CALL).allowed(), "deny by default");
    }

    @Test
    void emptyPermissionsDenyEverything() {
        for (Action a : Action.values()) {
            assertFalse(Permissions.NONE.decide("com.example", a).allowed());
        }
    }

    @Test
    void discloseComesFromTheDecidingRule() {
        assertTrue(RULES.decide("com.example.open.x", Action.CALL).disclose());
        assertFalse(RULES.decide("com.example.add2", Action.CALL).disclose());
    }

    @Test
    void badRulesFailWithTheKeyNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AuthConfig.parsePermissions("postmaster.realm.r.role.x.permissions", "com.x exact fly"));
        assertTrue(e.getMessage().contains("postmaster.realm.r.role.x.permissions"));
        assertThrows(IllegalArgumentException.class, () -> AuthConfig.parsePermissions("k", "com.x sorta call"));
        assertThrows(IllegalArgumentException.class, () -> AuthConfig.parsePermissions("k", "* exact call"));
        assertThrows(IllegalArgumentException.class, () -> AuthConfig.parsePermissions("k", "com.x call"));
    }
}
