package io.postmaster.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaLimitsTest {

    @Test
    void theDefaultListIsAsManyIdsAsFitInTheLargestMessage() {
        assertEquals(61_677, PostmasterConfig.defaults().metaLimits().sessionListMax(), "1 MiB / 17 bytes per ID");
        assertEquals(1_000, PostmasterConfig.from(Map.of(PostmasterConfig.MAX_MESSAGE_SIZE, "17064")::get)
                .metaLimits().sessionListMax(), "it follows postmaster.max-message-size");
        // the longest list of the longest IDs, as JSON, fits in the message size
        int max = MetaLimits.idsFitting(1 << 20);
        String json = "[50,9007199254740992,{},[[" + "9007199254740992,".repeat(max - 1) + "9007199254740992]]]";
        assertTrue(json.length() <= 1 << 20, json.length() + " bytes");
    }

    @Test
    void itCanBeLoweredButNotRaisedPastTheMessageSize() {
        assertEquals(100, MetaLimits.from(Map.of(MetaLimits.SESSION_LIST_MAX, "100")::get, 1 << 20).sessionListMax());
        var tooMany = assertThrows(IllegalArgumentException.class,
                () -> MetaLimits.from(Map.of(MetaLimits.SESSION_LIST_MAX, "61678")::get, 1 << 20));
        assertTrue(tooMany.getMessage().contains(MetaLimits.SESSION_LIST_MAX)
                && tooMany.getMessage().contains(PostmasterConfig.MAX_MESSAGE_SIZE), tooMany.getMessage());
        var none = assertThrows(IllegalArgumentException.class,
                () -> MetaLimits.from(Map.of(MetaLimits.SESSION_LIST_MAX, "0")::get, 1 << 20));
        assertTrue(none.getMessage().contains(MetaLimits.SESSION_LIST_MAX), none.getMessage());
    }
}
