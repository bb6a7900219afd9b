package io.postmaster.operator;

import io.postmaster.router.Realm;
import io.postmaster.router.Router;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The router's health in MicroProfile Health's terms: {@code started} (the router is up), {@code live} (its threads
 * answer), {@code ready} (it takes new sessions). Each answer is a list of named checks, UP when all are; rendered as
 * {@code {"status":"UP","checks":[{"name":…,"status":…,"data":{…}}]}}. Free of Jakarta EE (the servlet only
 * writes what this computes).
 */
public final class Health {

    /** One named check. */
    public record Check(String name, boolean up, Map<String, Object> data) {
        public Check {
            data = data == null ? Map.of() : Map.copyOf(data);
        }
    }

    /** An answer: UP when every check is. */
    public record Report(List<Check> checks) {
        public Report {
            checks = List.copyOf(checks);
        }

        public boolean up() {
            return checks.stream().allMatch(Check::up);
        }

        /** MicroProfile Health's JSON. */
        public String json() {
            StringBuilder b = new StringBuilder(256);
            b.append("{\"status\":\"").append(up() ? "UP" : "DOWN").append("\",\"checks\":[");
            for (int i = 0; i < checks.size(); i++) {
                Check c = checks.get(i);
                b.append(i == 0 ? "" : ",").append("{\"name\":");
                string(b, c.name());
                b.append(",\"status\":\"").append(c.up() ? "UP" : "DOWN").append("\",\"data\":{");
                int j = 0;
                for (Map.Entry<String, Object> e : new java.util.TreeMap<>(c.data()).entrySet()) {
                    b.append(j++ == 0 ? "" : ",");
                    string(b, e.getKey());
                    b.append(':');
                    Object v = e.getValue();
                    if (v instanceof Number || v instanceof Boolean) {
                        b.append(v);
                    } else {
                        string(b, String.valueOf(v));
                    }
                }
                b.append("}}");
            }
            return b.append("]}").toString();
        }

        private static void string(StringBuilder b, String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                switch (ch) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (ch < 0x20) {
                            b.append(String.format("\\u%04x", (int) ch));
                        } else {
                            b.append(ch);
                        }
                    }
                }
            }
            b.append('"');
        }
    }

    private final Router router;
    private final Executor executor;
    private final Executor timers;
    private final Duration liveTimeout;
    /**
     * The liveness probes in flight, one per pool: requests that come while one runs wait for it instead of adding
     * tasks, so polling {@code /health/live} adds at most one task to each pool at a time.
     */
    private final AtomicReference<CompletableFuture<Long>> executorProbe = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Long>> timerProbe = new AtomicReference<>();

    /**
     * @param executor    the extensions' executor (application code)
     * @param timers      the router's timer thread (HELLO and call timeouts)
     * @param liveTimeout how long a probe task may take to run
     */
    public Health(Router router, Executor executor, Executor timers, Duration liveTimeout) {
        this.router = router;
        this.executor = executor;
        this.timers = timers;
        this.liveTimeout = liveTimeout;
    }

    /** Started: the router is up and serves its realms. */
    public Report started() {
        return new Report(List.of(new Check("router-started", true, Map.of("realms", router.realms().size()))));
    }

    /** Live: a task on the extensions' executor, and one on the timer thread, run within the bound. */
    public Report live() {
        return new Report(List.of(answers("application-threads", executor, executorProbe),
                answers("timer-thread", timers, timerProbe)));
    }

    /**
     * Ready: not draining, the executor can take work, and every {@link ReadinessCheck} is up (a check that throws is
     * down).
     */
    public Report ready(ExecutorStats executorStats, Iterable<ReadinessCheck> more) {
        int sessions = 0;
        for (Realm r : router.realms()) {
            sessions += r.sessionCount();
        }
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("draining", !router.draining(), Map.of("draining", router.draining(),
                "callsInFlight", router.callsInFlight(), "sessions", sessions)));
        checks.add(new Check("executor", !executorStats.saturated(), Map.of("queued", executorStats.queued(),
                "capacity", executorStats.capacity(), "rejections", executorStats.rejections())));
        for (ReadinessCheck c : more) {
            try {
                Check answer = c.check();
                checks.add(answer == null ? new Check(c.name(), false, Map.of("error", "no answer")) : answer);
            } catch (RuntimeException e) {
                checks.add(new Check(c.name(), false, Map.of("error", e.getClass().getSimpleName())));
            }
        }
        return new Report(checks);
    }

    private Check answers(String name, Executor where, AtomicReference<CompletableFuture<Long>> probe) {
        CompletableFuture<Long> p = probe.get();
        if (p == null || p.isDone()) {
            CompletableFuture<Long> fresh = new CompletableFuture<>();
            if (probe.compareAndSet(p, fresh)) {
                start(fresh, where);
            }
            p = probe.get();
        }
        try {
            long ns = p.get(liveTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Check(name, true, Map.of("answeredWithinMs", Math.max(0, ns / 1_000_000)));
        } catch (TimeoutException e) {
            return new Check(name, false, Map.of("answeredWithinMs", "none within " + liveTimeout.toMillis()));
        } catch (ExecutionException e) {
            return new Check(name, false, Map.of("error", String.valueOf(e.getCause().getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(name, false, Map.of("error", "interrupted"));
        }
    }

    private static void start(CompletableFuture<Long> p, Executor where) {
        long t0 = System.nanoTime();
        try {
            where.execute(() -> p.complete(System.nanoTime() - t0));
        } catch (RejectedExecutionException e) {
            p.completeExceptionally(new RejectedExecutionException("the task was refused: the queue is full"));
        }
    }

    /** The data of a check as a map in insertion order (for callers that build their own). */
    public static Map<String, Object> data(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        return m;
    }
}
