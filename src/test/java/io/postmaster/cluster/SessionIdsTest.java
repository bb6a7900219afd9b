package io.postmaster.cluster;

import io.postmaster.message.Ids;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session IDs of different slots never clash, and every ID is a valid WAMP ID spread over the whole range. */
class SessionIdsTest {
    static boolean distinct(Collection<Long> ids) {
        return new HashSet<>(ids).size() == ids.size();
    }

    @Test
    void theSameRandomPartInEverySlotGivesDifferentValidIds() {
        for (long r : new long[] {0, 1, 12345, (1L << SessionIds.RANDOM_BITS) - 1}) {
            Set<Long> ids = new HashSet<>();
            for (int slot = 0; slot < SessionIds.SLOTS; slot++) {
                long id = SessionIds.id(slot, r);
                assertTrue(Ids.valid(id), "valid: " + id);
                ids.add(id);
            }
            assertEquals(SessionIds.SLOTS, ids.size(), "no two slots give the same ID");
        }
    }

    @Test
    void theSlotOfAnIdIsReadBack() {
        SessionIds ids = new SessionIds();
        for (int slot : new int[] {0, 1, 7, 4095}) {
            for (int i = 0; i < 100; i++) {
                assertEquals(slot, SessionIds.slotOf(ids.next(slot)));
            }
        }
    }

    @Test
    void idsOfOneSlotAreSpreadOverTheWholeRange() {
        SessionIds ids = new SessionIds();
        int high = 0;
        for (int i = 0; i < 1000; i++) {
            if (ids.next(7) > Ids.MAX / 2) {
                high++;
            }
        }
        assertTrue(high > 400 && high < 600, "about half above 2^52, got " + high);
        assertTrue(distinct(List.of(SessionIds.id(1, 5), SessionIds.id(2, 5), SessionIds.id(1, 6))));
    }
}
