package io.postmaster.config;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class MetaAccessTest {

    @Test
    void secureByDefault() {
        MetaAccess m = PostmasterConfig.defaults().metaAccess();
        assertEquals(16, m.testamentMax());
        assertEquals(16 * 1024, m.testamentMaxBytes());
        assertEquals(MetaAccess.Realm.DEFAULT, m.realm("realm1"));
        assertFalse(m.realm("realm1").metaKill());
        assertEquals(Set.of(), m.realm("realm1").peerAddressRoles());
        assertEquals(MetaAccess.Realm.DEFAULT, m.realm("not.served"));
    }

    @Test
    void settingsAreReadPerRealm() {
        MetaAccess m = MetaAccess.from(Map.of(
                "postmaster.realms", "a,b",
                "postmaster.realm.a.meta-kill", "true",
                "postmaster.realm.b.peer-address-roles", "admin, ops",
                "postmaster.testament-max", "3",
                "postmaster.testament-max-bytes", "0")::get);
        assertEquals(new MetaAccess.Realm(true, Set.of()), m.realm("a"));
        assertEquals(new MetaAccess.Realm(false, Set.of("admin", "ops")), m.realm("b"));
        assertEquals(3, m.testamentMax());
        assertEquals(0, m.testamentMaxBytes());
    }

    @Test
    void badValuesNameTheKey() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> MetaAccess.from(Map.of("postmaster.testament-max", "-1")::get));
        assertTrue(e.getMessage().contains("postmaster.testament-max"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MetaAccess.from(Map.of("postmaster.testament-max-bytes", "lots")::get));
        assertTrue(e.getMessage().contains("postmaster.testament-max-bytes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MetaAccess.from(Map.of("postmaster.realm.realm1.meta-kill", "yes")::get));
        assertTrue(e.getMessage().contains("postmaster.realm.realm1.meta-kill"), e.getMessage());
    }
}
