package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage.Abort;
import io.postmaster.message.WampMessage.Hello;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What a client can make the router write to its log: protocol violations and HELLO timeouts cost the attacker a
 * connection each, and must not cost the router a log line each (a flood wrote 16.7 MB of log in 12 minutes).
 */
class ConnectionLogTest extends RouterFixture {
    private static final int ATTEMPTS = 200;
    private final Logger logger = Logger.getLogger(Connection.class.getName());
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public synchronized void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() {
        logger.addHandler(handler);
        start(Map.of("postmaster.hello-timeout-ms", "50"));
    }

    @AfterEach
    void stop() {
        logger.removeHandler(handler);
        router.close();
    }

    private synchronized long infoLines() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.INFO.intValue()).count();
    }

    /** The close code the router gave the peer, waiting up to 5 s for it. */
    private static int closeCode(TestPeer p) {
        await(() -> p.closeCode != 0, "the HELLO timer closes " + p.transport().peerAddress()); // on the timer thread
        return p.closeCode;
    }

    @Test
    void aFloodOfProtocolViolationsWritesABoundedNumberOfLines() {
        for (int i = 0; i < ATTEMPTS; i++) {
            TestPeer p = TestPeer.connect(router, "v" + i);
            p.in(new Hello("realm1", Map.of())); // no roles: a protocol violation
            assertEquals(ErrorUris.PROTOCOL_VIOLATION, p.next(Abort.class).reason(), "each one is still answered");
        }
        assertTrue(infoLines() <= RateLimitedLog.DEFAULT_BURST + 1,
                ATTEMPTS + " violations wrote " + infoLines() + " lines");
    }

    @Test
    void aFloodOfHelloTimeoutsWritesABoundedNumberOfLines() throws Exception {
        List<TestPeer> silent = new ArrayList<>();
        for (int i = 0; i < ATTEMPTS; i++) {
            silent.add(TestPeer.connect(router, "s" + i));
        }
        for (TestPeer p : silent) {
            assertEquals(1008, closeCode(p), "each one is still closed");
        }
        assertTrue(infoLines() <= RateLimitedLog.DEFAULT_BURST + 1,
                ATTEMPTS + " HELLO timeouts wrote " + infoLines() + " lines");
    }
}
