package io.postmaster.serialization;

import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class JsonSerializerTest {
    private final JsonSerializer json = new JsonSerializer();

    static final List<Object> ARGS = List.of(1L, "two", 3.5, true, List.of(), Map.of("k", "v"));
    static final Map<String, Object> KWARGS = map("a", List.of(1L, 2L), "b", "x", "n", (Object) null);
    static final Map<String, Object> DICT = map("x", 1L, "nested", map("y", List.of("z")));

    /** One example of every message type, with and without payloads. */
    static Stream<WampMessage> everyMessage() {
        return Stream.of(
                new Hello("realm1", map("roles", map("caller", Map.of()))),
                new Welcome(9007199254740992L, DICT),
                new Abort(DICT, "wamp.error.no_such_realm"),
                new Challenge("wampcra", map("challenge", "{}")),
                new Authenticate("c2lnbmF0dXJl", Map.of()),
                new Goodbye(Map.of(), "wamp.close.goodbye_and_out"),
                new WampMessage.Error(48, 7, Map.of(), "com.example.err", null, null),
                new WampMessage.Error(68, 7, DICT, "com.example.err", ARGS, KWARGS),
                new Publish(1, map("acknowledge", true), "com.topic", null, null),
                new Publish(2, Map.of(), "com.topic", ARGS, null),
                new Publish(3, Map.of(), "com.topic", ARGS, KWARGS),
                new Published(3, 123456789L),
                new Subscribe(4, map("match", "prefix"), "com."),
                new Subscribed(4, 55),
                new Unsubscribe(5, 55),
                new Unsubscribed(5, null),
                new Unsubscribed(0, map("subscription", 55L, "reason", "wamp.close.killed")),
                new Event(55, 66, Map.of(), null, null),
                new Event(55, 66, DICT, ARGS, KWARGS),
                new Call(6, Map.of(), "com.proc", ARGS, KWARGS),
                new Call(7, map("timeout", 1000L), "com.proc", null, null),
                new Cancel(7, map("mode", "kill")),
                new Result(6, Map.of(), ARGS, null),
                new Result(6, map("progress", true), null, null),
                new Register(8, Map.of(), "com.proc"),
                new Registered(8, 77),
                new Unregister(9, 77),
                new Unregistered(9, null),
                new Invocation(10, 77, Map.of(), ARGS, KWARGS),
                new Interrupt(10, map("mode", "killnowait")),
                new Yield(10, Map.of(), List.of("ok"), null));
    }

    @Test
    void examplesCoverEveryMessageType() {
        Set<MessageType> covered = everyMessage().map(WampMessage::type).collect(Collectors.toSet());
        assertEquals(EnumSet.allOf(MessageType.class), covered);
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void roundTrip(WampMessage m) throws Exception {
        String text = json.encodeToString(m);
        WampMessage back = json.decode(text);
        assertEquals(m, back, text);
        // and once more through bytes
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(m, json.decode(bytes, 0, bytes.length));
    }

    @Test
    void wireFormIsTheSpecArray() throws Exception {
        assertEquals("[16,1,{\"acknowledge\":true},\"com.topic\"]",
                json.encodeToString(new Publish(1, map("acknowledge", true), "com.topic", null, null)));
        assertEquals("[36,55,66,{},[],{\"a\":1}]",
                json.encodeToString(new Event(55, 66, Map.of(), null, map("a", 1L))));
        assertEquals("[50,6,{}]", json.encodeToString(new Result(6, Map.of(), List.of(), Map.of())),
                "empty args and kwargs are left out");
    }

    @Test
    void binaryFollowsTheJsonConvention() throws Exception {
        byte[] raw = {0, 1, 2, (byte) 0xff, 'a'};
        String text = json.encodeToString(new Event(1, 2, Map.of(), List.of(raw), null));
        assertTrue(text.contains("\"\\u0000AAEC/2E=\""), text);
        Event back = (Event) json.decode(text);
        assertArrayEquals(raw, (byte[]) back.args().get(0));
    }

    @Test
    void numbersKeepTheirValue() throws Exception {
        Event e = (Event) json.decode("[36,1,2,{},[9007199254740993,-9223372036854775808,18446744073709551616,1.5e300,-0.0]]");
        assertEquals(9007199254740993L, e.args().get(0));
        assertEquals(Long.MIN_VALUE, e.args().get(1));
        assertEquals(new BigInteger("18446744073709551616"), e.args().get(2));
        assertEquals(1.5e300, e.args().get(3));
        assertEquals(-0.0, e.args().get(4));
        assertEquals("[36,1,2,{},[9007199254740993,-9223372036854775808,18446744073709551616,1.5E300,-0.0]]",
                json.encodeToString(e));
    }

    @Test
    void unicodeSurvives() throws Exception {
        String s = "grüße, 世界, 🚀, \"quoted\"\n";
        Event e = (Event) json.decode(json.encodeToString(new Event(1, 2, Map.of(), List.of(s), null)));
        assertEquals(s, e.args().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", " ", "{}", "null", "42", "\"text\"", "[]", "[\"1\"]", "[1.5]", "[99]", "[7]", "[-1]",
            "[1, \"realm1\"]",                      // HELLO without details
            "[1, \"realm1\", []]",                  // details not a dict
            "[1, 5, {}]",                           // realm not a string
            "[1, \"realm1\", {}, 4]",               // extra element
            "[1, \"realm1\", {}] trailing",
            "[1, \"realm1\", {}][1]",
            "[32, 1, {}, \"t\"",                    // truncated
            "[32, -1, {}, \"t\"]",                  // negative ID
            "[32, 9007199254740993, {}, \"t\"]",    // ID above 2^53
            "[32, 1.0, {}, \"t\"]",                 // ID not an integer
            "[32, 99999999999999999999999, {}, \"t\"]",
            "[16, 1, {}, \"t\", {}]",               // args not a list
            "[16, 1, {}, \"t\", [], []]",           // kwargs not a dict
            "[16, 1, {}, \"t\", [], {}, 1]",        // too many
            "[16, 1, {1: 2}, \"t\"]",               // non-string key
            "[16, 1, {}, \"t\", [\"\\u0000!!notbase64\"]]",
            "[70, 1, {}, [\"a\"], {\"k\":}]",
            "[3, {}]",
            "[18446744073709551616]",
    })
    void malformedInputIsRejectedWithoutException(String text) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> json.decode(text));
        assertNotNull(e.getMessage());
    }

    @Test
    void deepNestingIsRejected() {
        String deep = "[16,1,{},\"t\"," + "[".repeat(100) + "]".repeat(100) + "]";
        assertThrows(MalformedMessageException.class, () -> json.decode(deep));
        String ok = "[16,1,{},\"t\"," + "[".repeat(StreamingCodec.MAX_DEPTH) + "]".repeat(StreamingCodec.MAX_DEPTH) + "]";
        assertDoesNotThrow(() -> json.decode(ok));
    }

    @Test
    void randomGarbageNeverThrowsAnythingElse() {
        java.util.Random r = new java.util.Random(42);
        String valid = json.encodeToString(new Call(6, map("x", 1L), "com.proc", ARGS, KWARGS));
        for (int i = 0; i < 20_000; i++) {
            char[] c = valid.toCharArray();
            int edits = 1 + r.nextInt(4);
            for (int k = 0; k < edits; k++) {
                c[r.nextInt(c.length)] = (char) (r.nextInt(96) + 32);
            }
            String mutated = new String(c, 0, r.nextInt(c.length + 1));
            try {
                json.decode(mutated);
            } catch (MalformedMessageException expected) {
                // fine
            } catch (RuntimeException e) {
                fail("unexpected " + e + " for " + mutated);
            }
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
