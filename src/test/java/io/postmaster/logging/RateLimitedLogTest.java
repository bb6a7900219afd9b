package io.postmaster.logging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitedLogTest {
    private final Logger logger = Logger.getLogger("test.ratelimited." + System.nanoTime());
    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void capture() {
        logger.setUseParentHandlers(false);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @AfterEach
    void release() {
        for (Handler h : logger.getHandlers()) {
            logger.removeHandler(h);
        }
    }

    @Test
    void writesTheBurstThenCountsWhatItLeavesOut() {
        RateLimitedLog log = new RateLimitedLog(logger, Level.INFO, 3, 3_000, now::get);
        for (int i = 0; i < 100; i++) {
            int n = i;
            log.log(() -> "line " + n);
        }
        assertEquals(List.of("line 0", "line 1", "line 2"), lines);
        assertEquals(97, log.suppressed());

        now.addAndGet(1_000); // one line's worth of budget back
        log.log(() -> "later");
        assertEquals("later (97 similar lines not logged before this one)", lines.get(3));
        assertEquals(0, log.suppressed());
        log.log(() -> "too soon");
        assertEquals(4, lines.size());
    }

    @Test
    void aQuietPeriodRestoresTheWholeBurstButNoMore() {
        RateLimitedLog log = new RateLimitedLog(logger, Level.INFO, 2, 2_000, now::get);
        log.log(() -> "a");
        log.log(() -> "b");
        now.addAndGet(1_000_000);
        for (int i = 0; i < 5; i++) {
            log.log(() -> "c");
        }
        assertEquals(4, lines.size());
        assertEquals(3, log.suppressed());
    }

    @Test
    void aSuppressedLineIsNeverBuilt() {
        RateLimitedLog log = new RateLimitedLog(logger, Level.INFO, 1, 1_000, now::get);
        log.log(() -> "first");
        log.log(() -> {
            throw new AssertionError("built a suppressed line");
        });
        assertEquals(1, log.suppressed());
    }

    @Test
    void aDisabledLevelCostsNothingAndCountsNothing() {
        logger.setLevel(Level.WARNING);
        RateLimitedLog log = new RateLimitedLog(logger, Level.INFO, 1, 1_000, now::get);
        log.log(() -> "x");
        log.log(() -> "y");
        assertTrue(lines.isEmpty());
        assertEquals(0, log.suppressed());
    }
}
