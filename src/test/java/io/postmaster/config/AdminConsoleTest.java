package io.postmaster.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AdminConsoleTest {

    @Test
    void defaultsServeTheConsoleWithTheContainerRoleAsAuthrole() {
        AdminConsole a = PostmasterConfig.defaults().admin();
        assertTrue(a.enabled());
        assertEquals("postmaster-admin", a.authrole());
    }

    @Test
    void settingsAreReadAndChecked() {
        AdminConsole a = AdminConsole.from(Map.of("postmaster.admin.enabled", "false",
                "postmaster.admin.authrole", "ops_1")::get);
        assertFalse(a.enabled());
        assertEquals("ops_1", a.authrole());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdminConsole.from(Map.of("postmaster.admin.authrole", "a b")::get));
        assertTrue(e.getMessage().contains("postmaster.admin.authrole"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> AdminConsole.from(Map.of("postmaster.admin.enabled", "yes")::get));
    }
}
