package io.postmaster.v1;

import io.postmaster.config.V1Settings.UriMapping;
import io.postmaster.message.Uris;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v1 ↔ v2 URI mapping: readable, valid under the realm's rule, and a bijection. */
class V1UrisTest {
    final V1Uris loose = new V1Uris(List.of(new UriMapping("http://example.com/simple/calc#", "com.example.calc.")),
            Uris.Rule.LOOSE);
    final V1Uris strict = new V1Uris(List.of(), Uris.Rule.STRICT);

    @Test
    void fullUrlsGoUnderV1() {
        assertEquals("v1.http_3a._.example_2ecom.simple.calc_23add", strict.toV2("http://example.com/simple/calc#add"));
        assertEquals("v1.http_3a._.example_2ecom.event_23myTopic",
                loose.toV2("http://example.com/event#myTopic"));
        assertEquals("v1.http_3a._.example_2ecom.event_23my_54opic",
                strict.toV2("http://example.com/event#myTopic"), "strict: upper case is escaped");
        assertTrue(Uris.valid(strict.toV2("http://x.org/a b/ü#€"), Uris.Rule.STRICT));
    }

    @Test
    void explicitMappingsComeFirst() {
        assertEquals("com.example.calc.add", loose.toV2("http://example.com/simple/calc#add"));
        assertEquals("http://example.com/simple/calc#add", loose.toV1("com.example.calc.add"));
        assertEquals("com.example.calc._", loose.toV2("http://example.com/simple/calc#"));
        assertEquals("com.example.calc.a.b", loose.toV2("http://example.com/simple/calc#a/b"));
    }

    @Test
    void v2UrisPassAsTheyAre() {
        assertEquals("com.myapp.topic", loose.toV2("com.myapp.topic"));
        assertEquals("com.myapp.topic", loose.toV1("com.myapp.topic"));
        assertEquals("v1.v1_2efoo", loose.toV2("v1.foo"), "the v1. namespace is not taken as it is");
        assertEquals("v1.foo", loose.toV1("v1.v1_2efoo"));
    }

    @Test
    void roundTripsBothWays() {
        for (String v1 : List.of("http://example.com/simple/calc#add", "http://a.b/c//d/", "urn:x:y", "plain",
                "https://例え.jp/トピック#1", "http://example.com/simple/calc#", "http://example.com/simple/calc#x y",
                "a_b", "com.x.y", "v1.http_3a", "_", "ws://h/_5f")) {
            for (V1Uris u : List.of(loose, strict)) {
                String v2 = u.toV2(v1);
                if (v2 != null) {
                    assertEquals(v1, u.toV1(v2), v1 + " → " + v2);
                    assertTrue(Uris.valid(v2, u == loose ? Uris.Rule.LOOSE : Uris.Rule.STRICT), v2);
                }
            }
        }
    }

    @Test
    void nonCanonicalV2UrisHaveNoV1Name() {
        assertEquals("v1.http_2F", strict.toV1("v1.http_2F"), "upper-case hex is not canonical");
        assertEquals("v1.a_61", strict.toV1("v1.a_61"), "an escaped letter is not canonical");
        assertEquals("v1.a_2f", strict.toV1("v1.a_2f"), "an escaped slash is not canonical");
        assertEquals("v1.a_c3", strict.toV1("v1.a_c3"), "broken UTF-8");
        assertEquals("v1.a_", strict.toV1("v1.a_"), "a cut escape");
        assertEquals("v1.http_3a._.example_2ecom.simple.calc_23x",
                loose.toV1("v1.http_3a._.example_2ecom.simple.calc_23x"),
                "a mapped URI's v1. form is not canonical: the mapping names it");
    }

    @Test
    void tooLongOrUnencodableHasNone() {
        assertNull(strict.toV2("http://x/" + "é".repeat(400)), "past 1024 characters once escaped");
        assertNull(strict.toV2("http://x/\uD800"), "a lone surrogate");
    }
}
