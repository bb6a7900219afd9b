package io.postmaster.router.match;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Matching and the dealer's precedence, pinned with the spec's own examples ("Calls matching multiple registrations"). */
class UriTableTest {
    final UriTable<String> table = new UriTable<>();

    void put(String uri, MatchPolicy p, String name) {
        synchronized (table) {
            table.getOrCreate(uri, p, () -> name);
        }
    }

    @BeforeEach
    void specRegistrations() {
        put("a1.b2.c3.d4.e55", MatchPolicy.EXACT, "RPC1");
        put("a1.b2.c3", MatchPolicy.PREFIX, "RPC2");
        put("a1.b2.c3.d4", MatchPolicy.PREFIX, "RPC3");
        put("a1.b2..d4.e5", MatchPolicy.WILDCARD, "RPC4");
        put("a1.b2.c3..e5", MatchPolicy.WILDCARD, "RPC5");
        put("a1.b2..d4.e5..g7", MatchPolicy.WILDCARD, "RPC6");
        put("a1.b2..d4..f6.g7", MatchPolicy.WILDCARD, "RPC7");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "a1.b2.c3.d4.e55,       RPC1",
            "a1.b2.c3.d98.e74,      RPC2",
            "a1.b2.c3.d4.e325,      RPC3",
            "a1.b2.c55.d4.e5,       RPC4",
            // The spec's example says RPC5 here ("no prefix match"), but its own rule 2 makes the prefix
            // registration a1.b2.c3.d4 (RPC3) match this URI first; we follow the algorithm.
            "a1.b2.c3.d4.e5,        RPC3",
            "a1.b2.c88.d4.e5.f6.g7, RPC6",
            "a2.b2.c2.d2.e2,        ",
    })
    void bestMatchFollowsTheSpec(String uri, String expected) {
        assertEquals(expected, table.bestMatch(uri));
    }

    @Test
    void wildcardPrecedenceWhenNoPrefixMatches() {
        UriTable<String> t = new UriTable<>();
        synchronized (t) {
            t.getOrCreate("a1.b2..d4.e5", MatchPolicy.WILDCARD, () -> "RPC4");
            t.getOrCreate("a1.b2.c3..e5", MatchPolicy.WILDCARD, () -> "RPC5");
        }
        // the spec's example 5, without the prefix registrations that would win first
        assertEquals("RPC5", t.bestMatch("a1.b2.c3.d4.e5"));
    }

    @Test
    void theBrokerSeesEveryMatch() {
        List<String> seen = new ArrayList<>();
        table.forEachMatch("a1.b2.c3.d4.e5", seen::add);
        assertEquals(List.of("RPC2", "RPC3", "RPC4", "RPC5"), seen.stream().sorted().toList());
        seen.clear();
        table.forEachMatch("a1.b2.c3-x", seen::add);
        assertEquals(List.of("RPC2"), seen, "prefix matching is a string prefix");
    }

    @Test
    void aSinglePatternMatchesByTheSameRules() {
        assertTrue(MatchPolicy.EXACT.matches("a.b", "a.b"));
        assertFalse(MatchPolicy.EXACT.matches("a.b", "a.b.c"));
        assertTrue(MatchPolicy.PREFIX.matches("a.b", "a.b-c"));
        assertFalse(MatchPolicy.PREFIX.matches("a.b", "a.c"));
        assertTrue(MatchPolicy.WILDCARD.matches("a..c", "a.x.c"));
        assertFalse(MatchPolicy.WILDCARD.matches("a..c", "a.x.y.c"));
        assertFalse(MatchPolicy.WILDCARD.matches("a..c", "b.x.c"));
    }

    @Test
    void removeOnlyTheStoredEntry() {
        synchronized (table) {
            assertFalse(table.remove("a1.b2.c3", MatchPolicy.PREFIX, "other"));
            assertTrue(table.remove("a1.b2.c3", MatchPolicy.PREFIX, "RPC2"));
            assertTrue(table.remove("a1.b2..d4.e5", MatchPolicy.WILDCARD, "RPC4"));
        }
        assertNull(table.get("a1.b2.c3", MatchPolicy.PREFIX));
        assertEquals("RPC3", table.bestMatch("a1.b2.c3.d4.e325"));
        assertEquals(List.of("RPC5", "RPC6", "RPC7"), table.entries(MatchPolicy.WILDCARD).stream().sorted().toList());
    }
}
