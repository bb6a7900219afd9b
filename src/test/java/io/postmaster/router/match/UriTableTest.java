package io.postmaster.router.match;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.postmaster.message.Uris;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

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

    /**
     * Precedence beyond the spec's example, one table per case: the registrations, the URI called, the winner.
     * Patterns are {@code e:} exact, {@code p:} prefix, {@code w:} wildcard.
     */
    @ParameterizedTest(name = "{0} | {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "e:a.b.c p:a.b w:a.b.           | a.b.c    | e:a.b.c",   // exact first
            "p:a.b w:a.b. w:a.b.c           | a.b.c    | p:a.b",     // any prefix before any wildcard
            "p:a p:a.b p:a.b.c.d            | a.b.c    | p:a.b",     // the longest matching prefix
            "p:com.a p:com.ab               | com.abc  | p:com.ab",  // a prefix is a string prefix
            "p:com.a. p:com.a               | com.abc  | p:com.a",   // ... so a. does not match ab
            "p:com.a. p:com.a               | com.a.b  | p:com.a.",
            "w:a..c w:.b.c                  | a.b.c    | w:a..c",    // longer first run
            "w:..c w:.b.                    | a.b.c    | w:.b.",     // equal first runs (0), longer second
            "w:a.b. w:a.b.c                 | a.b.c    | w:a.b.c",   // a wildcard pattern without wildcards
            "w:.. w:a..                     | a.b.c    | w:a..",
            "w:.. w:a..                     | x.b.c    | w:..",
            "w:a..c w:a...                  | a.b.c    | w:a..c",    // a wildcard matches one whole component
            "w:a..c                         | a.b.x.c  | ",
            "w:a..c                         | a.b      | ",
            "p:a.b.c.d                      | a.b      | ",
            "e:a.b                          | a.b.c    | ",
    })
    void precedence(String patterns, String uri, String expected) {
        UriTable<String> t = new UriTable<>();
        synchronized (t) {
            for (String p : patterns.trim().split("\\s+")) {
                t.getOrCreate(p.substring(2), policy(p), () -> p);
            }
        }
        assertEquals(expected, t.bestMatch(uri));
        List<String> all = new ArrayList<>();
        t.forEachMatch(uri, all::add);
        for (String p : patterns.trim().split("\\s+")) {
            assertEquals(policy(p).matches(p.substring(2), uri), all.contains(p), p + " in forEachMatch " + all);
        }
    }

    private static MatchPolicy policy(String p) {
        return switch (p.charAt(0)) {
            case 'e' -> MatchPolicy.EXACT;
            case 'p' -> MatchPolicy.PREFIX;
            default -> MatchPolicy.WILDCARD;
        };
    }

    /** {@code n} patterns of each kind, shaped as applications use them. */
    static UriTable<String> table(int n) {
        UriTable<String> t = new UriTable<>();
        synchronized (t) {
            for (int i = 0; i < n; i++) {
                String name = String.valueOf(i);
                t.getOrCreate("com.app." + i, MatchPolicy.EXACT, () -> "e" + name);
                t.getOrCreate("com.app." + i + ".", MatchPolicy.PREFIX, () -> "p" + name);
                t.getOrCreate("com.app." + i + "..update", MatchPolicy.WILDCARD, () -> "w" + name);
                t.getOrCreate(".app.." + i, MatchPolicy.WILDCARD, () -> "v" + name);
            }
        }
        return t;
    }

    private static final UriTable<String> SMALL = table(10);
    private static final UriTable<String> BIG = table(50_000);

    /**
     * Matching costs what the URI costs, not what the table holds: the work for 50,000 patterns of each kind exceeds
     * the work for 10 by at most the URI's length (a trie is deeper where more keys share a prefix), counted in
     * nodes visited, not in time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"com.app.7.x.update", "com.app.7.x", "x.app.y.7", "com.app.7", "com.nothing.here",
            "com.app.49999.x.update"})
    void matchingCostDoesNotGrowWithThePatterns(String uri) {
        UriTable<String> small = SMALL;
        UriTable<String> big = BIG;
        List<String> fromSmall = new ArrayList<>();
        small.forEachMatch(uri, fromSmall::add);
        List<String> fromBig = new ArrayList<>();
        big.forEachMatch(uri, fromBig::add);
        if (!uri.contains("49999")) {
            assertEquals(fromSmall.stream().sorted().toList(), fromBig.stream().sorted().toList());
        }
        int s = small.visits(uri);
        int b = big.visits(uri);
        System.out.printf("%s: %d visits with 10 patterns of each kind, %d with 50,000%n", uri, s, b);
        assertTrue(b <= s + uri.length(), uri + ": " + b + " visits with 50,000 patterns of each kind, " + s
                + " with 10");
    }

    /**
     * The trees against the rules applied one pattern at a time, through many random additions and removals (which
     * split and merge nodes): the same matches, the same best match, and nothing left once everything is removed.
     */
    @Test
    void theTreesAgreeWithTheRulesThroughRandomChanges() {
        Random random = new Random(7);
        UriTable<String> t = new UriTable<>();
        Map<String, String> live = new LinkedHashMap<>(); // "policy-letter:pattern" -> itself
        for (int step = 0; step < 5_000; step++) {
            String p = randomPattern(random);
            synchronized (t) {
                if (live.containsKey(p)) {
                    assertTrue(t.remove(p.substring(2), policy(p), p));
                    live.remove(p);
                } else {
                    assertEquals(p, t.getOrCreate(p.substring(2), policy(p), () -> p));
                    live.put(p, p);
                }
            }
            if (step % 20 == 0) {
                for (int k = 0; k < 10; k++) {
                    String uri = randomUri(random);
                    Set<String> expected = new HashSet<>();
                    for (String q : live.keySet()) {
                        if (policy(q).matches(q.substring(2), uri)) {
                            expected.add(q);
                        }
                    }
                    List<String> got = new ArrayList<>();
                    t.forEachMatch(uri, got::add);
                    assertEquals(expected, new HashSet<>(got), uri);
                    assertEquals(expected.size(), got.size(), uri + ": each match once");
                    assertEquals(bestByTheSpec(expected), t.bestMatch(uri), uri + " among " + expected);
                }
            }
        }
        // The trees hold no more than the live patterns: fewer than two nodes per pattern, labels no longer than
        // the patterns together (a node never keeps a removed pattern alive).
        long[] size = t.treeSize();
        long prefixChars = 0;
        long wildcardComponents = 0;
        int patterns = 0;
        for (String p : live.keySet()) {
            if (p.startsWith("p:")) {
                prefixChars += p.length() - 2;
                patterns++;
            } else if (p.startsWith("w:")) {
                wildcardComponents += p.substring(2).split("\\.", -1).length;
                patterns++;
            }
        }
        assertTrue(size[0] <= 2 + 2L * patterns, size[0] + " nodes for " + patterns + " patterns");
        assertTrue(size[1] <= prefixChars + wildcardComponents, size[1] + " label units for " + prefixChars
                + " characters and " + wildcardComponents + " components");
        synchronized (t) {
            for (String p : live.keySet()) {
                assertTrue(t.remove(p.substring(2), policy(p), p));
            }
        }
        assertTrue(t.isEmpty());
        assertArrayEquals(new long[] {2, 0}, t.treeSize(), "only the two roots are left");
    }

    private static final String[] PIECES = {"a", "b", "ab", "ba", "."};

    private static String randomPattern(Random r) {
        while (true) {
            char kind = "epw".charAt(r.nextInt(3));
            StringBuilder b = new StringBuilder();
            if (kind == 'w') {
                int n = 1 + r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b.append(i > 0 ? "." : "").append(r.nextInt(3) == 0 ? "" : PIECES[r.nextInt(4)]);
                }
            } else {
                int n = 1 + r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    b.append(PIECES[r.nextInt(PIECES.length)]);
                }
            }
            String p = kind + ":" + b;
            if (policy(p).valid(b.toString(), Uris.Rule.LOOSE)) {
                return p;
            }
        }
    }

    private static String randomUri(Random r) {
        int n = 1 + r.nextInt(4);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i > 0 ? "." : "").append(PIECES[r.nextInt(4)]);
        }
        return b.toString();
    }

    /** The spec's algorithm spelled out: exact; longest prefix; wildcard with the longest literal runs, run by run. */
    private static String bestByTheSpec(Set<String> matches) {
        for (String m : matches) {
            if (m.startsWith("e:")) {
                return m;
            }
        }
        String best = matches.stream().filter(m -> m.startsWith("p:"))
                .max(Comparator.comparingInt(String::length)).orElse(null);
        if (best != null) {
            return best;
        }
        for (String m : matches) {
            if (best == null || compareRuns(runs(m.substring(2)), runs(best.substring(2))) > 0) {
                best = m;
            }
        }
        return best;
    }

    private static List<Integer> runs(String pattern) {
        List<Integer> runs = new ArrayList<>();
        int run = 0;
        for (String c : pattern.split("\\.", -1)) {
            if (c.isEmpty()) {
                runs.add(run);
                run = 0;
            } else {
                run++;
            }
        }
        runs.add(run);
        return runs;
    }

    private static int compareRuns(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return Integer.compare(a.get(i), b.get(i));
            }
        }
        return 0;
    }
}
