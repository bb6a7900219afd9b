package io.postmaster.serialization;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Plain JSON read into the values a wamp.2.json message decodes to, whatever wrote it. */
class JsonValuesTest {

    @Test
    void numbersKeepTheirKind() throws Exception {
        assertEquals(Map.of("n", 5L, "d", 2.5, "big", new BigInteger("123456789012345678901234567890"),
                        "l", List.of(true, "s"), "o", Map.of()),
                JsonValues.parse("{\"n\":5,\"d\":2.5,\"big\":123456789012345678901234567890,\"l\":[true,\"s\"],\"o\":{}}"));
        assertEquals(5L, JsonValues.parse("5"), "what a JSON-B result of 5 reads back as, on every server");
        assertNull(JsonValues.parse("null"));
    }

    @Test
    void badTextIsRefused() {
        for (String bad : List.of("", "{", "[1,", "{\"a\":1} x", "{\"a\"}", "1e999", "[".repeat(100) + "]".repeat(100))) {
            assertThrows(MalformedMessageException.class, () -> JsonValues.parse(bad), bad);
        }
    }
}
