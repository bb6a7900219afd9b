package io.postmaster.endpoint;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class OpenConnectionsTest {

    @Test
    void anAddressMayOpenUpToTheCapAndAgainOnceOneCloses() {
        OpenConnections open = new OpenConnections(2);
        assertTrue(open.opened("10.0.0.1"));
        assertFalse(open.full("10.0.0.1"));
        assertTrue(open.opened("10.0.0.1"));
        assertTrue(open.full("10.0.0.1"), "the handshake is refused early");
        assertFalse(open.opened("10.0.0.1"), "and one that slipped past is not counted");
        assertTrue(open.opened("10.0.0.2"), "another address is not affected");
        open.closed("10.0.0.1");
        assertTrue(open.opened("10.0.0.1"));
        assertEquals(2, open.count("10.0.0.1"));
    }

    @Test
    void anAddressWithNothingOpenLeavesNoEntry() {
        OpenConnections open = new OpenConnections(5);
        open.opened("10.0.0.1");
        open.closed("10.0.0.1");
        open.closed("10.0.0.1"); // a second close changes nothing
        assertEquals(0, open.count("10.0.0.1"));
        assertTrue(open.opened("10.0.0.1"));
        assertEquals(1, open.count("10.0.0.1"));
    }

    @Test
    void zeroMeansNoLimit() {
        OpenConnections open = new OpenConnections(0);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(open.opened("10.0.0.1"));
        }
        assertFalse(open.full("10.0.0.1"));
    }

    @Test
    void anIpv6HostCountsByItsSlash64() {
        assertEquals(OpenConnections.key("2001:db8:1:2::1"), OpenConnections.key("2001:db8:1:2:ffff:1:2:3"));
        assertEquals(OpenConnections.key("2001:db8:1:2::1"), OpenConnections.key("[2001:db8:1:2::9]"));
        assertNotEquals(OpenConnections.key("2001:db8:1:2::1"), OpenConnections.key("2001:db8:1:3::1"));
        assertEquals(OpenConnections.key("::1"), OpenConnections.key("0:0:0:0:0:0:0:1"));
        assertEquals(OpenConnections.key("fe80::1"), OpenConnections.key("fe80::2%eth0"));
        assertEquals("192.0.2.7", OpenConnections.key("::ffff:192.0.2.7"), "an IPv4-mapped address is IPv4");
        assertEquals("192.0.2.7", OpenConnections.key("192.0.2.7"));
        OpenConnections open = new OpenConnections(1);
        assertTrue(open.opened("2001:db8::1"));
        assertFalse(open.opened("2001:db8::2"), "the same /64");
    }

    @Test
    void anUnknownAddressIsNotCounted() {
        OpenConnections open = new OpenConnections(1);
        assertTrue(open.opened(null));
        assertTrue(open.opened(null));
        assertFalse(open.full(null));
    }

    @Test
    void theConnectionsOfAnAddressAreCountedAsOneStringWhichClosesThem() {
        OpenConnections open = new OpenConnections(3);
        String first = open.openedAs(new String("192.0.2.7"));
        String second = open.openedAs(new String("192.0.2.7"));
        assertSame(first, second, "one string for all connections of the address, not a copy each");
        String v6 = open.openedAs("2001:db8:1:2::1");
        assertSame(v6, open.openedAs("2001:db8:1:2::99"), "the same /64");
        assertEquals(2, open.count("2001:db8:1:2::5"));
        assertNotNull(open.openedAs("192.0.2.7"));
        assertNull(open.openedAs("192.0.2.7"), "over the cap: not counted");
        open.closed(first);
        open.closed(second);
        assertEquals(1, open.count("192.0.2.7"));
        open.closed(v6);
        open.closed(v6);
        assertEquals(0, open.count("2001:db8:1:2::1"));
        assertFalse(open.full("192.0.2.7"));
    }
}
