package io.postmaster.v1;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** CURIE prefixes: resolution and their bounds by count and characters. */
class PrefixesTest {

    @Test
    void resolvesCuriesAndPassesFullUris() {
        Prefixes p = new Prefixes(4, 1000, 16);
        assertNull(p.define("calc", "http://example.com/simple/calc#"));
        assertEquals("http://example.com/simple/calc#add", p.resolve("calc:add").uri());
        assertEquals("http://example.com/x#y", p.resolve("http://example.com/x#y").uri());
        assertEquals("com.example.x", p.resolve("com.example.x").uri());
        assertEquals(Prefixes.UNKNOWN_PREFIX, p.resolve("nope:add").problem());
        assertEquals(Prefixes.MALFORMED_CURIE, p.resolve("bad prefix:add").problem());
        assertEquals(Prefixes.MALFORMED_CURIE, p.resolve(":add").problem());
    }

    @Test
    void boundedByCountAndCharacters() {
        Prefixes p = new Prefixes(2, 40, 16);
        assertNull(p.define("a", "http://a/"));
        assertNull(p.define("b", "http://b/"));
        assertNotNull(p.define("c", "http://c/"), "a third prefix");
        assertNull(p.define("a", "http://aa/"), "redefining one takes no new slot");
        assertNotNull(p.define("b", "http://" + "x".repeat(40)), "past the characters");
        assertEquals(2, p.size());
    }
}
