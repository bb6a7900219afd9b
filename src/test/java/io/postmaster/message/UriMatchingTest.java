package io.postmaster.message;

import io.postmaster.router.match.MatchPolicy;
import io.postmaster.spi.Action;
import io.postmaster.spi.Permission;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The one set of rules by which a pattern matches a URI, pinned case by case, and the proof that both users of it
 * (subscriptions and registrations in the routing tables, permission rules) apply exactly these rules.
 */
class UriMatchingTest {

    @ParameterizedTest(name = "{0} {1} ~ {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "exact    | a.b           | a.b             | true",
            "exact    | a.b           | a.b.c           | false",
            "exact    | a.b           | a.c             | false",
            // prefix matching is on the string, as the spec's examples show
            "prefix   | a.b           | a.b-c           | true",
            "prefix   | a.b           | a.b             | true",
            "prefix   | a.b           | a.c             | false",
            "prefix   | com.a         | com.abc         | true",
            "prefix   | com.a.        | com.abc         | false",
            "prefix   | com.a.        | com.a.b         | true",
            "prefix   | a.b.c.d       | a.b             | false",
            "prefix   | ''            | anything.at.all | true",   // the empty prefix (a permission's '*')
            // wildcards: as many components as the URI, an empty one matches any one component
            "wildcard | a..c          | a.x.c           | true",
            "wildcard | a..c          | a.x.y.c         | false",
            "wildcard | a..c          | b.x.c           | false",
            "wildcard | a..c          | a.b             | false",
            "wildcard | a..c          | a.b.cd          | false",
            "wildcard | ..            | a.b.c           | true",
            "wildcard | a..           | x.b.c           | false",
            "wildcard | a.b.c         | a.b.c           | true",   // a wildcard pattern without a wildcard
            "wildcard | a.b.c         | a.b.x           | false",
            "wildcard | com..update   | com.b.c.update  | false",
            "wildcard | org..x..      | org.a.x.b.c     | true",
            "wildcard | org..x..      | org.a.y.b.c     | false",
            "wildcard | .b.           | a.b.c           | true",
            "wildcard | .b.           | a.bb.c          | false",
            "wildcard | a..c          | a..c            | true",   // an empty URI component (meta API arguments)
            "wildcard | a.            | a.              | true",
            "wildcard | ''            | x               | true",
            "wildcard | ''            | x.y             | false",
    })
    void onePatternMatchesByOneSetOfRules(String kind, String pattern, String uri, boolean expected) {
        boolean actual = switch (kind) {
            case "exact" -> pattern.equals(uri);
            case "prefix" -> Uris.prefixMatches(pattern, uri);
            default -> Uris.wildcardMatches(pattern, uri);
        };
        assertEquals(expected, actual, "the rule itself");
        MatchPolicy policy = MatchPolicy.valueOf(kind.toUpperCase());
        assertEquals(expected, policy.matches(pattern, uri), "a subscription or registration");
        Permission rule = new Permission(pattern, Permission.Match.valueOf(kind.toUpperCase()), Set.of(Action.CALL),
                false);
        assertEquals(expected, rule.matches(uri), "a permission rule");
    }
}
