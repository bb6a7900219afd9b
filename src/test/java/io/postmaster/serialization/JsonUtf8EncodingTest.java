package io.postmaster.serialization;

import io.postmaster.message.WampMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link JsonSerializer#encodeToUtf8} keeps generators from one message to the next: each message's octets must be
 * exactly its own JSON text — nothing of the message before, no separator, whatever came before (a long message, a
 * failed one, other threads at the same time).
 */
class JsonUtf8EncodingTest {
    private final JsonSerializer json = JsonSerializer.utf8Frames();
    private final JsonSerializer text = new JsonSerializer();

    private byte[] expected(WampMessage m) {
        return text.encodeToString(m).getBytes(StandardCharsets.UTF_8);
    }

    private static List<WampMessage> messages() {
        return List.of(
                new WampMessage.Invocation(1, 2, Map.of(), List.of(1), null),
                new WampMessage.Result(3, Map.of(), List.of("ü € 😀", 1.5, true), Map.of("k", List.of(Map.of()))),
                new WampMessage.Welcome(4, Map.of("roles", Map.of("broker", Map.of()))),
                new WampMessage.Event(5, 6, Map.of(), null, null),
                new WampMessage.Error(48, 7, Map.of(), "wamp.error.no_such_procedure", null, null));
    }

    @Test
    void eachMessageIsItsOwnTextOnly() {
        for (int round = 0; round < 3; round++) {
            for (WampMessage m : messages()) {
                assertArrayEquals(expected(m), json.encodeToUtf8(m), m.toString());
            }
        }
    }

    @Test
    void aLongMessageLeavesNothingForTheNext() {
        WampMessage big = new WampMessage.Result(9, Map.of(), List.of("x".repeat(200_000)), null);
        WampMessage kept = new WampMessage.Result(10, Map.of(), List.of("y".repeat(20_000)), null); // several blocks
        WampMessage small = messages().get(0);
        for (WampMessage m : List.of(small, big, small, kept, small, kept, big, small)) {
            assertArrayEquals(expected(m), json.encodeToUtf8(m));
        }
    }

    @Test
    void aMessageThatFailsLeavesNothingForTheNext() {
        WampMessage bad = new WampMessage.Result(9, Map.of(), List.of("half", new Object()), null);
        WampMessage small = messages().get(0);
        assertArrayEquals(expected(small), json.encodeToUtf8(small));
        assertThrows(IllegalArgumentException.class, () -> json.encodeToUtf8(bad));
        for (int i = 0; i < 10; i++) { // whichever kept generator comes next
            assertArrayEquals(expected(small), json.encodeToUtf8(small));
        }
    }

    @Test
    void threadsEncodingAtOnceGetTheirOwnMessages() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(12); // more threads than generators are kept
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                int thread = t;
                results.add(pool.submit((Callable<Integer>) () -> {
                    for (int i = 0; i < 2_000; i++) {
                        WampMessage m = new WampMessage.Result(thread * 1_000_000L + i, Map.of(),
                                List.of("thread " + thread, i), null);
                        byte[] got = json.encodeToUtf8(m);
                        if (!java.util.Arrays.equals(expected(m), got)) {
                            throw new AssertionError(new String(got, StandardCharsets.UTF_8));
                        }
                    }
                    return 2_000;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(2_000, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
