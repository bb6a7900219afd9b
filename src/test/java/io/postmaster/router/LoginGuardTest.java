package io.postmaster.router;

import io.postmaster.config.LoginLimits;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The login guard's counting, without a router: limits, delays, what a success clears, bounded tables. */
class LoginGuardTest {
    static final long SECOND = 1_000_000_000L;

    static LoginGuard guard(Map<String, String> settings) {
        return new LoginGuard(LoginLimits.from(settings::get));
    }

    @Test
    void pendingLoginsPerAddressAndPerAuthidAreLimited() {
        LoginGuard g = guard(Map.of("postmaster.login.max-pending-per-address", "2",
                "postmaster.login.max-pending-per-authid", "1"));
        LoginGuard.Permit a = g.admit("10.0.0.1:1", "r", "joe", 0).permit();
        assertNotNull(a);
        assertNotNull(g.admit("10.0.0.1:2", "r", "ann", 0).permit());
        assertEquals("logins in progress from the address at the limit", g.admit("10.0.0.1:3", "r", "bob", 0).refusal());
        assertEquals("logins in progress for the authid at the limit", g.admit("10.0.0.2:1", "r", "joe", 0).refusal());
        assertNotNull(g.admit("10.0.0.2:1", "other-realm", "joe", 0).permit(), "authids count per realm");
        a.release();
        a.release(); // once only
        assertNotNull(g.admit("10.0.0.2:1", "r", "joe", 0).permit());
        assertNull(g.admit("10.0.0.3:1", "r", "joe", 0).permit(), "a second release did not free another place");
    }

    @Test
    void attemptsPerSecondAreLimited() {
        LoginGuard g = guard(Map.of("postmaster.login.rate-per-address", "3"));
        for (int i = 0; i < 3; i++) {
            g.admit("10.0.0.1:1", "r", "u" + i, 0).permit().release();
        }
        assertEquals("login rate of the address exceeded", g.admit("10.0.0.1:1", "r", "u9", 0).refusal());
        assertNotNull(g.admit("10.0.0.1:1", "r", "u9", SECOND / 3 + 1).permit(), "a token back after 1/3 s");
    }

    @Test
    void failuresAreDelayedMoreAndMoreAndOnlyASuccessForTheAuthidClearsItsCount() {
        LoginGuard g = guard(Map.of());
        long[] delays = new long[4];
        for (int i = 0; i < 4; i++) {
            LoginGuard.Permit p = g.admit("10.0.0.1:1", "r", "joe", i * SECOND).permit();
            delays[i] = p.failed(i * SECOND);
            p.release();
        }
        assertArrayEquals(new long[] {0, 200, 600, 1400}, delays);
        // joe succeeds from another address: joe's count is cleared, the first address's is not
        LoginGuard.Permit ok = g.admit("10.0.0.2:1", "r", "joe", 5 * SECOND).permit();
        ok.succeeded();
        ok.release();
        LoginGuard.Permit again = g.admit("10.0.0.1:1", "r", "ann", 6 * SECOND).permit();
        assertEquals(3000, again.failed(6 * SECOND), "the address's failures remain");
        again.release();
        LoginGuard.Permit fresh = g.admit("10.0.0.3:1", "r", "joe", 7 * SECOND).permit();
        assertEquals(0, fresh.failed(7 * SECOND), "joe's failures were cleared by joe's success");
        // after a quiet minute the address starts over
        LoginGuard.Permit later = g.admit("10.0.0.1:1", "r", "bob", 70 * SECOND).permit();
        assertEquals(0, later.failed(70 * SECOND));
    }

    @Test
    void theTablesStayBoundedWhateverKeysClientsChoose() {
        Map<String, String> s = new HashMap<>();
        s.put("postmaster.login.max-tracked", "16");
        s.put("postmaster.login.rate-per-address", "100000");
        LoginGuard g = guard(s);
        for (int i = 0; i < 1000; i++) {
            LoginGuard.Permit p = g.admit("10.0." + (i / 250) + "." + (i % 250) + ":1", "r", "x".repeat(1000) + i,
                    i).permit();
            assertNotNull(p);
            p.failed(i);
            p.release();
        }
        int[] tracked = g.tracked();
        assertTrue(tracked[0] <= 16 && tracked[1] <= 16, "tracked " + tracked[0] + " addresses, " + tracked[1]);
        // entries with logins in progress are never forgotten: a full table of them refuses new keys
        LoginGuard h = guard(s);
        for (int i = 0; i < 16; i++) {
            assertNotNull(h.admit("10.1.0." + i + ":1", "r", null, 0).permit());
        }
        assertNotNull(h.admit("10.1.1.1:1", "r", null, 0).refusal());
    }

    @Test
    void anIpv6ClientCountsPerSlash64() {
        assertEquals(LoginGuard.addressKey("[2001:db8:1:2::1]:5000"), LoginGuard.addressKey("[2001:db8:1:2:ffff::9]:1"));
        assertNotEquals(LoginGuard.addressKey("[2001:db8:1:2::1]:5000"), LoginGuard.addressKey("[2001:db8:1:3::1]:5000"));
        assertEquals("10.0.0.1", LoginGuard.addressKey("10.0.0.1:5000"));
        assertEquals("10.0.0.1", LoginGuard.addressKey("[::ffff:10.0.0.1]:5000"));
        assertEquals("no-address", LoginGuard.addressKey("no-address"));
    }

    @Test
    void loginsFromAnUnknownAddressCountOnlyPerAuthid() {
        LoginGuard g = guard(Map.of("postmaster.login.max-pending-per-address", "1"));
        assertNotNull(g.admit("unknown", "r", "joe", 0).permit());
        assertNotNull(g.admit("unknown", "r", "ann", 0).permit(), "not one shared count for every unknown address");
        LoginGuard.Permit p = g.admit("unknown", "r", null, 0).permit();
        assertEquals(0, p.failed(0));
        p.release();
    }
}
