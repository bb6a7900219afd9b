package io.postmaster.cluster;

import io.postmaster.router.match.MatchPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The mirror of other nodes' interest: each node once per publication, and no gap while a node's set is reloaded. */
class RemoteInterestTest {
    private static List<Long> nodes(RemoteInterest i, String topic) {
        List<Long> out = new ArrayList<>();
        i.forEachNode(topic, out::add);
        return out;
    }

    @Test
    void aNodeWithOverlappingSubscriptionsIsNamedOnce() {
        RemoteInterest i = new RemoteInterest();
        i.add(7, MatchPolicy.EXACT, "com.x.y");
        i.add(7, MatchPolicy.PREFIX, "com.x");
        i.add(7, MatchPolicy.WILDCARD, "com..y");
        i.add(8, MatchPolicy.PREFIX, "com.");
        assertEquals(Set.of(7L, 8L), Set.copyOf(nodes(i, "com.x.y")));
        assertEquals(2, nodes(i, "com.x.y").size());
        assertEquals(List.of(8L), nodes(i, "com.z"));
        i.dropNode(8);
        assertEquals(List.of(), nodes(i, "com.z"));
    }

    @Test
    void reloadingANodesSetNeverHidesAnEntryItKeeps() throws Exception {
        RemoteInterest i = new RemoteInterest();
        i.add(7, MatchPolicy.EXACT, "com.t");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger misses = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                if (nodes(i, "com.t").isEmpty()) {
                    misses.incrementAndGet();
                }
            }
        });
        reader.start();
        for (int n = 0; n < 20_000; n++) {
            i.replace(7, Set.of(RemoteInterest.key(MatchPolicy.EXACT, "com.t"),
                    RemoteInterest.key(MatchPolicy.PREFIX, "org." + (n % 3))));
        }
        stop.set(true);
        reader.join();
        assertEquals(0, misses.get(), "publications routed while the set was reloaded would have been lost");
    }

    @Test
    void aNodeAskingForEverythingIsNamedOnceForEveryTopicAndNeverMissedWhileSwitching() {
        RemoteInterest i = new RemoteInterest();
        i.add(7, MatchPolicy.EXACT, "com.t");
        i.add(8, MatchPolicy.EXACT, "com.t");
        i.replace(7, Set.of(RemoteInterest.EVERYTHING));
        assertEquals(Set.of(7L, 8L), Set.copyOf(nodes(i, "com.t")));
        assertEquals(2, nodes(i, "com.t").size(), "each node once");
        assertEquals(List.of(7L), nodes(i, "org.anything"));
        assertEquals(1, i.size(7));
        i.replace(7, Set.of(RemoteInterest.key(MatchPolicy.EXACT, "com.t")));
        assertEquals(List.of(), nodes(i, "org.nothing"), "precise again");
        assertEquals(Set.of(7L, 8L), Set.copyOf(nodes(i, "com.t")));
        i.replace(7, Set.of(RemoteInterest.EVERYTHING));
        i.dropNode(7);
        assertEquals(List.of(), nodes(i, "org.anything"));
        assertEquals(0, i.size(7));
    }
}
