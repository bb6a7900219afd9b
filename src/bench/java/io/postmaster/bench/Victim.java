package io.postmaster.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The polite bystander of a hostile scenario: one callee registers an echo procedure and one caller calls it at a
 * modest fixed rate, while a prober joins the realm anew (WebSocket handshake, HELLO, WELCOME) a few times a second.
 * Call and join latencies are recorded by phase (before, during the attack, while the attacker leaves, after); while
 * the harness measures the heap (a full GC, which pauses the router) the victim is paused and records nothing.
 *
 * <p>A call still unanswered {@link #SETTLE_MS} after the figures are taken counts as unanswered and with its age
 * so far as its latency (a lower bound), so a realm that stalls shows in p99 and max, not as missing samples.
 */
final class Victim implements AutoCloseable {
    /** How long a call in flight when the figures are taken may still take before it counts as unanswered. */
    static final long SETTLE_MS = 5_000;
    /** Latency samples of one phase, milliseconds. */
    static final class Samples {
        private final List<Double> ms = new ArrayList<>();
        int errors;
        int unanswered;
        /** Of the unanswered calls, those whose INVOCATION the callee did get (lost on the way back). */
        int unansweredAtCallee;
        int failedJoins;
        String firstFailure;

        synchronized void add(double v) {
            ms.add(v);
        }

        synchronized void fail(String why) {
            failedJoins++;
            if (firstFailure == null) {
                firstFailure = why;
            }
        }

        synchronized int count() {
            return ms.size();
        }

        synchronized double percentile(double p) {
            if (ms.isEmpty()) {
                return Double.NaN;
            }
            double[] s = ms.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(s);
            return s[(int) Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100.0 * s.length) - 1))];
        }

        synchronized double max() {
            return ms.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        /** "p50/p99/max ms (n)" and what went wrong. */
        String summary() {
            if (count() == 0 && errors == 0 && unanswered == 0) {
                return "–";
            }
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s / %s / %s", ms(percentile(50)),
                    ms(percentile(99)), ms(max())));
            if (unanswered > 0) {
                b.append(", ").append(unanswered).append(" unanswered (").append(unansweredAtCallee)
                        .append(" reached the callee)");
            }
            if (errors > 0) {
                b.append(", ").append(errors).append(" errors");
            }
            if (failedJoins > 0) {
                b.append(", ").append(failedJoins).append(" failed (").append(firstFailure).append(')');
            }
            return b.toString();
        }
    }

    static String ms(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private final LoadClient.Pool pool;
    private final URI uri;
    private final String realm;
    private final String procedure;
    private final LoadClient callee;
    private final LoadClient caller;
    /** Calls in flight: request ID -> {send time (ns), phase index}. */
    private final Map<Long, long[]> inFlight = new ConcurrentHashMap<>();
    private final List<String> phaseNames = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Samples> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Samples> joins = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Index of the phase being recorded, -1 while paused. */
    private volatile int phase = -1;
    private volatile boolean running = true;
    private final Thread pacer;
    private final Thread prober;
    private final AtomicInteger request = new AtomicInteger();
    /** Request IDs of the calls whose INVOCATION reached the callee (the caller sends its request ID as argument). */
    private final java.util.Set<Long> atCallee;

    private Victim(LoadClient.Pool pool, URI uri, String realm, String procedure, LoadClient callee, LoadClient caller,
                   java.util.Set<Long> atCallee, int callsPerSecond, double joinsPerSecond) {
        this.atCallee = atCallee;
        this.pool = pool;
        this.uri = uri;
        this.realm = realm;
        this.procedure = procedure;
        this.callee = callee;
        this.caller = caller;
        caller.handler(this::onReply);
        pacer = new Thread(() -> pace(callsPerSecond), "victim-caller");
        pacer.setDaemon(true);
        prober = new Thread(() -> probe(joinsPerSecond), "victim-joins");
        prober.setDaemon(true);
    }

    /** Connects the callee and the caller; the procedure name is unique per victim. */
    static Victim start(LoadClient.Pool pool, URI uri, String realm, String procedure, int callsPerSecond,
                        double joinsPerSecond) throws Exception {
        LoadClient callee = LoadClient.connect(pool, uri, realm, (c, m) -> { }).get(30, TimeUnit.SECONDS);
        CompletableFuture<Void> registered = new CompletableFuture<>();
        java.util.Set<Long> atCallee = ConcurrentHashMap.newKeySet();
        callee.handler((c, m) -> {
            int type = LoadClient.type(m);
            if (type == 68) { // [INVOCATION, Request, Registration, Details, Arguments]
                atCallee.add(LoadClient.longAt(m, 4, 0));
                c.send("[70," + LoadClient.longAt(m, 1, -1) + ",{},[1]]");
            } else if (type == 65) {
                registered.complete(null);
            } else if (type == 8) {
                registered.completeExceptionally(new IllegalStateException("victim REGISTER failed: " + m));
            }
        });
        callee.send("[64,1,{},\"" + procedure + "\"]");
        registered.get(30, TimeUnit.SECONDS);
        LoadClient caller = LoadClient.connect(pool, uri, realm, (c, m) -> { }).get(30, TimeUnit.SECONDS);
        Victim v = new Victim(pool, uri, realm, procedure, callee, caller, atCallee, callsPerSecond, joinsPerSecond);
        v.pacer.start();
        v.prober.start();
        return v;
    }

    /** Starts recording a new phase named {@code name}. */
    synchronized void phase(String name) {
        phaseNames.add(name);
        calls.add(new Samples());
        joins.add(new Samples());
        phase = phaseNames.size() - 1;
    }

    /** Stops calling and joining until the next {@link #phase}. */
    void pause() {
        phase = -1;
    }

    /** Calls of every phase whose name starts with {@code prefix}, together. */
    synchronized Samples calls(String prefix) {
        return merged(calls, prefix);
    }

    synchronized Samples joins(String prefix) {
        return merged(joins, prefix);
    }

    private Samples merged(List<Samples> of, String prefix) {
        settle();
        Samples out = new Samples();
        for (int i = 0; i < phaseNames.size(); i++) {
            if (phaseNames.get(i).startsWith(prefix)) {
                Samples s = of.get(i);
                synchronized (s) {
                    out.ms.addAll(s.ms);
                    out.errors += s.errors;
                    out.unanswered += s.unanswered;
                    out.unansweredAtCallee += s.unansweredAtCallee;
                    if (s.firstFailure != null && out.firstFailure == null) {
                        out.firstFailure = s.firstFailure;
                    }
                    out.failedJoins += s.failedJoins;
                }
            }
        }
        return out;
    }

    /**
     * Gives the calls in flight when the scenario takes its figures {@link #SETTLE_MS} to be answered (at the victim's
     * rate some are always on their way, and one sent a moment ago is not lost), then counts each still unanswered,
     * with its age as its latency (once).
     */
    synchronized void settle() {
        Set<Long> waiting = new HashSet<>(inFlight.keySet());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
        while (System.nanoTime() < deadline && waiting.stream().anyMatch(inFlight::containsKey)) {
            LockSupport.parkNanos(5_000_000);
        }
        long now = System.nanoTime();
        for (Map.Entry<Long, long[]> e : inFlight.entrySet()) {
            if (waiting.contains(e.getKey()) && inFlight.remove(e.getKey()) != null) {
                Samples s = calls.get((int) e.getValue()[1]);
                s.add((now - e.getValue()[0]) / 1e6);
                synchronized (s) {
                    s.unanswered++;
                    if (atCallee.contains(e.getKey())) {
                        s.unansweredAtCallee++;
                    }
                }
            }
        }
    }

    /** Age of the oldest call still in flight, in ms (0 if none). */
    double oldestInFlightMs() {
        long now = System.nanoTime();
        long oldest = now;
        for (long[] v : inFlight.values()) {
            oldest = Math.min(oldest, v[0]);
        }
        return (now - oldest) / 1e6;
    }

    /** Why the victim's own sessions were cut, or null if both are still connected. */
    String cut() {
        if (!callee.closed && !caller.closed) {
            return null;
        }
        LoadClient c = caller.closed ? caller : callee;
        return (c == caller ? "caller" : "callee") + " cut: " + c.closeCode + " " + c.closeReason;
    }

    private void onReply(LoadClient c, String m) {
        int type = LoadClient.type(m);
        if (type != 50 && type != 8) {
            return;
        }
        long req = LoadClient.longAt(m, type == 50 ? 1 : 2, -1);
        long[] sent = inFlight.remove(req);
        if (sent == null) {
            return;
        }
        Samples s = calls.get((int) sent[1]);
        if (type == 50) {
            s.add((System.nanoTime() - sent[0]) / 1e6);
        } else {
            synchronized (s) {
                s.errors++;
            }
        }
    }

    private void pace(int rate) {
        long start = System.nanoTime();
        long sent = 0;
        while (running) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
            int p = phase;
            while (sent < due) {
                sent++;
                if (p >= 0 && !caller.closed) {
                    long req = request.incrementAndGet();
                    inFlight.put(req, new long[] {System.nanoTime(), p});
                    caller.send("[48," + req + ",{},\"" + procedure + "\",[" + req + "]]");
                }
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private void probe(double perSecond) {
        long intervalNs = (long) (1e9 / Math.max(0.01, perSecond));
        while (running) {
            long t0 = System.nanoTime();
            int p = phase;
            if (p >= 0) {
                try {
                    LoadClient c = LoadClient.connect(pool, uri, realm, (x, m) -> { }).get(10, TimeUnit.SECONDS);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    c.close();
                    joins.get(p).add(ms);
                } catch (Exception e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    joins.get(p).fail(cause instanceof java.util.concurrent.TimeoutException ? "no WELCOME in 10 s"
                            : String.valueOf(cause.getMessage()));
                }
            }
            long wait = intervalNs - (System.nanoTime() - t0);
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        phase = -1;
        try {
            pacer.join(2000);
            prober.join(12_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        caller.close();
        callee.close();
    }

    String procedure() {
        return procedure;
    }
}
