package io.postmaster.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

class UrisTest {

    @ParameterizedTest(name = "{0}: loose={1} strict={2}")
    @CsvSource(delimiter = '|', value = {
            "com.example.topic     | true  | true",
            "a                     | true  | true",
            "com.Example.Topic     | true  | false",
            "com.example-x.topic   | true  | false",
            "com.ex€mple           | true  | false",
            "com..topic            | false | false",
            ".com.topic            | false | false",
            "com.topic.            | false | false",
            "'com.ex ample'        | false | false",
            "com.ex#ample          | false | false",
            "'com.tab\tx'          | false | false",
    })
    void concreteUris(String uri, boolean loose, boolean strict) {
        assertEquals(loose, Uris.valid(uri, Uris.Rule.LOOSE));
        assertEquals(strict, Uris.valid(uri, Uris.Rule.STRICT));
    }

    @Test
    void lengthAndComponentsAreBounded() {
        String longest = "a".repeat(Uris.MAX_LENGTH);
        assertTrue(Uris.valid(longest, Uris.Rule.LOOSE));
        assertFalse(Uris.valid(longest + "b", Uris.Rule.LOOSE));
        String deepest = "a" + ".a".repeat(Uris.MAX_COMPONENTS - 1);
        assertTrue(Uris.valid(deepest, Uris.Rule.STRICT));
        assertFalse(Uris.valid(deepest + ".a", Uris.Rule.STRICT));
        // a wildcard of dots: every component empty, so only the count stops it
        assertTrue(Uris.check(".".repeat(Uris.MAX_COMPONENTS - 1), Uris.Rule.LOOSE, false, true));
        assertFalse(Uris.check(".".repeat(Uris.MAX_COMPONENTS), Uris.Rule.LOOSE, false, true));
        assertFalse(Uris.check(".".repeat(1 << 20), Uris.Rule.LOOSE, false, true));
        assertFalse(Uris.check("a.".repeat(Uris.MAX_COMPONENTS), Uris.Rule.LOOSE, true, false));
    }

    @Test
    void emptyAndNullAreInvalid() {
        assertFalse(Uris.valid("", Uris.Rule.LOOSE));
        assertFalse(Uris.valid(null, Uris.Rule.LOOSE));
    }

    @Test
    void patternsMayHaveEmptyComponents() {
        assertTrue(Uris.check("com.example.", Uris.Rule.STRICT, true, false));
        assertFalse(Uris.check("com..example", Uris.Rule.STRICT, true, false));
        assertTrue(Uris.check("com..example", Uris.Rule.STRICT, false, true));
        assertTrue(Uris.check("..", Uris.Rule.LOOSE, false, true));
    }

    @Test
    void idsAreInRange() {
        for (int i = 0; i < 10_000; i++) {
            assertTrue(Ids.valid(Ids.random()));
            assertTrue(Ids.valid(Ids.secureRandom()));
        }
        assertFalse(Ids.valid(0));
        assertTrue(Ids.valid(Ids.MAX));
        assertFalse(Ids.valid(Ids.MAX + 1));
    }

    @Test
    void messageTypeCodesAreTheSpecs() {
        assertEquals(MessageType.HELLO, MessageType.of(1));
        assertEquals(MessageType.YIELD, MessageType.of(70));
        assertNull(MessageType.of(7));
        assertNull(MessageType.of(71));
        assertNull(MessageType.of(-1));
        assertEquals(24, MessageType.values().length);
    }
}
