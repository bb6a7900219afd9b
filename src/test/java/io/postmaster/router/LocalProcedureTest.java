package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.spi.WampException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/** Server-side procedures as in-process callees: results, errors that do not leak, and the declared access rule. */
class LocalProcedureTest extends RouterFixture {
    ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        router.close();
        executor.shutdownNow();
    }

    void start() {
        PostmasterConfig config = PostmasterConfig.from(k -> null);
        Extensions open = ClaimedAuthids.of(config);
        start(config, new Extensions(open.authenticators(), open.authmethods(),
                open.permissions(), open.authorizer(), open.listener(), executor));
        router.registerLocal("realm1", "com.local.add", s -> true,
                (caller, args, kwargs) -> List.of((Long) args.get(0) + (Long) args.get(1), caller.authid()));
        router.registerLocal("realm1", "com.local.fail", s -> true, (caller, args, kwargs) -> {
            throw new WampException("com.example.error.custom", List.of("why"), Map.of("k", 1L));
        });
        router.registerLocal("realm1", "com.local.bug", s -> true, (caller, args, kwargs) -> {
            throw new IllegalStateException("internal secret");
        });
        router.registerLocal("realm1", "com.local.admins", s -> s.authrole().equals("admin"),
                (caller, args, kwargs) -> List.of("ok"));
    }

    @Override
    TestPeer join(String authid) {
        return join("realm1", authid, Map.of("roles", Map.of("caller", Map.of())), authid);
    }

    @Test
    void resultsErrorsAndAccess() {
        start();
        TestPeer p = join("joe");
        p.in(new Call(1, Map.of(), "com.local.add", List.of(2L, 3L), null));
        assertEquals(List.of(5L, "joe"), p.next(Result.class).args(), "result, and the caller is known");

        p.in(new Call(2, Map.of(), "com.local.fail", List.of(), null));
        WampMessage.Error e = p.next(WampMessage.Error.class);
        assertEquals("com.example.error.custom", e.error());
        assertEquals(List.of("why"), e.args());
        assertEquals(Map.of("k", 1L), e.kwargs());

        p.in(new Call(3, Map.of(), "com.local.bug", List.of(), null));
        WampMessage.Error bug = p.next(WampMessage.Error.class);
        assertEquals(ErrorUris.RUNTIME_ERROR, bug.error());
        assertFalse(bug.toString().contains("secret"), "internal errors never leak");

        p.in(new Call(4, Map.of(), "com.local.admins", List.of(), null));
        assertEquals(ErrorUris.NOT_AUTHORIZED, p.next(WampMessage.Error.class).error(), "role anonymous is not admin");

        p.in(new Register(5, Map.of(), "com.local.add"));
        assertEquals(ErrorUris.PROCEDURE_ALREADY_EXISTS, p.next(WampMessage.Error.class).error());
    }

    @Test
    void aDuplicateOrUnknownRealmFailsAtRegistration() {
        start();
        assertThrows(IllegalArgumentException.class,
                () -> router.registerLocal("realm1", "com.local.add", s -> true, (c, a, k) -> null));
        assertThrows(IllegalArgumentException.class,
                () -> router.registerLocal("nope", "com.x", s -> true, (c, a, k) -> null));
    }

    @Test
    void aProcedureThatFailsOnEveryCallWritesABoundedNumberOfLogLines() {
        start();
        List<LogRecord> warnings = new ArrayList<>();
        Logger logger = Logger.getLogger(LocalCallee.class.getName());
        Handler h = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
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
            TestPeer p = join("joe");
            for (int i = 1; i <= 200; i++) {
                p.in(new Call(i, Map.of(), "com.local.bug", List.of(), null));
                assertEquals(ErrorUris.RUNTIME_ERROR, p.next(WampMessage.Error.class).error(), "each call is answered");
            }
            synchronized (h) {
                assertTrue(warnings.size() <= RateLimitedLog.DEFAULT_BURST + 1,
                        "200 failed calls wrote " + warnings.size() + " lines");
            }
        } finally {
            logger.removeHandler(h);
        }
    }
}
