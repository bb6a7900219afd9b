package io.postmaster.endpoint;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/** A timer task that throws (a call timeout, a deferred close) is logged at WARNING, not lost in its future. */
class TimerFailuresTest {

    @Test
    void aFailedTimerTaskIsLoggedAndASuccessfulOneIsNot() {
        List<LogRecord> records = new ArrayList<>();
        Logger logger = Logger.getLogger(PostmasterRuntime.class.getName());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(h);
        try {
            FutureTask<Void> ok = new FutureTask<>(() -> { }, null);
            ok.run();
            PostmasterRuntime.timerFailed(ok, null);
            assertTrue(records.isEmpty());
            FutureTask<Void> failed = new FutureTask<>(() -> {
                throw new OutOfMemoryError("simulated");
            }, null);
            failed.run();
            PostmasterRuntime.timerFailed(failed, null);
            assertEquals(1, records.size());
            assertEquals(Level.WARNING, records.get(0).getLevel());
            assertInstanceOf(OutOfMemoryError.class, records.get(0).getThrown());
        } finally {
            logger.removeHandler(h);
        }
    }
}
