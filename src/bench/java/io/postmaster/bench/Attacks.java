package io.postmaster.bench;

import io.postmaster.testing.RawWebSocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

import static io.postmaster.bench.Procs.intProp;
import static io.postmaster.bench.Procs.prop;

/**
 * The attacks of the hostile soak. Each is bounded in count and time and stops by itself; each drives the phases of
 * its {@link Hostile.Run} ({@code attacking}, {@code holding}, {@code leaving}) and states what the attacker got. A
 * refusal by the router (ERROR, ABORT, a close, a refused handshake) is recorded as the outcome; nothing the router
 * answers makes an attack throw.
 */
final class Attacks {
    static final List<String> NAMES = List.of("prefix-subs", "paused-subscriber", "retained", "many-subs",
            "many-regs", "many-calls", "hello-bloat", "wildcard-dots", "callee-drop", "testament-storm",
            "login-guessing", "slowloris", "conn-flood");

    private final LoadClient.Pool pool;
    private final URI uri;
    private final InetAddress attacker;

    Attacks(LoadClient.Pool pool, URI uri, InetAddress attacker) {
        this.pool = pool;
        this.uri = uri;
        this.attacker = attacker;
    }

    void run(String name, Hostile.Run r) throws Exception {
        switch (name) {
            case "prefix-subs" -> prefixSubs(r);
            case "paused-subscriber" -> pausedSubscriber(r);
            case "retained" -> retained(r);
            case "many-subs" -> manyRequests(r, intProp("hostile.many-subs.count", 100_000), "subscriptions", 33,
                    i -> "[32," + i + ",{},\"hostile.sub." + i + "\"]");
            case "many-regs" -> manyRequests(r, intProp("hostile.many-regs.count", 100_000), "registrations", 65,
                    i -> "[64," + i + ",{},\"hostile.reg." + i + "\"]");
            case "many-calls" -> manyCalls(r);
            case "hello-bloat" -> helloBloat(r);
            case "wildcard-dots" -> wildcardDots(r);
            case "callee-drop" -> calleeDrop(r);
            case "testament-storm" -> testamentStorm(r);
            case "login-guessing" -> loginGuessing(r);
            case "slowloris" -> slowloris(r);
            case "conn-flood" -> connFlood(r);
            default -> throw new IllegalArgumentException("unknown scenario " + name);
        }
    }

    // ------------------------------------------------------------------------------------------ the attacks

    /**
     * One session makes many prefix subscriptions, then publishes to a topic none of them matches (every publication
     * is matched against every pattern), then drops: the victim's latency in each stage, and how long a new
     * SUBSCRIBE from another session waits while the router tears the subscriptions down.
     */
    private void prefixSubs(Hostile.Run r) throws Exception {
        int n = intProp("hostile.prefix-subs.count", 30_000);
        double publishSeconds = Double.parseDouble(prop("hostile.prefix-subs.publish-seconds", "5"));
        LoadClient a = join();
        r.attacking("subscribe");
        Tally subs = flood(a, n, 1000, i -> "[32," + i + ",{\"match\":\"prefix\"},\"hostile.prefix." + i + "\"]",
                33, 60);
        r.attacking("publish");
        Tally pubs = floodFor(a, publishSeconds, 10, i -> "[16," + (n + i) + ",{\"acknowledge\":true},"
                + "\"hostile.unmatched.topic\",[1]]", 17);
        r.holding();
        LoadClient probe = join();
        r.leaving();
        a.close();
        // a new SUBSCRIBE every 100 ms from another session while the router cleans up: the longest wait is the stall
        double longest = subscribeWhileQuieting(r, probe);
        probe.close();
        r.outcome(subs.describe("prefix subscriptions") + "; then " + String.format(Locale.ROOT, "%.0f", pubs.ok
                / Math.max(0.001, pubs.seconds)) + " acknowledged publications/s (" + pubs.describe("publications")
                + "); on its disconnect a new SUBSCRIBE from another session waited up to "
                + String.format(Locale.ROOT, "%.2f s", longest / 1000));
    }

    /**
     * A subscriber that stops reading (a small TCP receive window, then no reads at all) while another session
     * publishes large events to its topic: what the router keeps queued for it; on resuming, what it still gets.
     */
    private void pausedSubscriber(Hostile.Run r) throws Exception {
        int events = intProp("hostile.paused.events", 1200);
        int kib = intProp("hostile.paused.event-kib", 256);
        RawWebSocket sub = new RawWebSocket(uri, attacker, 16 * 1024, 10_000, "wamp.2.json");
        try {
            sub.sendText("[1,\"" + Hostile.REALM + "\"," + LoadClient.ROLES + "]");
            expect(sub.readText(), 2, "WELCOME");
            sub.sendText("[32,1,{},\"hostile.paused\"]");
            expect(sub.readText(), 33, "SUBSCRIBED");
            LoadClient pub = join();
            String payload = "x".repeat(kib * 1024);
            r.attacking("publish");
            Tally t = flood(pub, events, 8, i -> "[16," + i + ",{\"acknowledge\":true},\"hostile.paused\",[\""
                    + payload + "\"]]", 17, 30);
            Scenarios.sleep(1);
            r.holding();
            // resume reading: what did the router keep for the paused subscriber?
            sub.setReadTimeout(5000);
            int received = 0;
            String end = "still connected";
            try {
                while (received < events) {
                    String m = sub.readText();
                    if (LoadClient.type(m) == 36) {
                        received++;
                    }
                }
            } catch (RawWebSocket.Closed c) {
                end = c.getMessage();
            } catch (java.net.SocketTimeoutException e) {
                end = "no more events for 5 s";
            }
            r.leaving();
            sub.abort();
            pub.close();
            r.outcome("publisher: " + t.describe(kib + " KiB publications") + "; the paused subscriber, reading again, "
                    + "received " + received + " of " + t.ok + " events (" + end + ")");
        } finally {
            sub.abort();
        }
    }

    /** Many topics each with a large retained event: what the realm keeps after the publisher has gone. */
    private void retained(Hostile.Run r) throws Exception {
        int topics = intProp("hostile.retained.topics", 200);
        int bytes = intProp("hostile.retained.event-bytes", 1_000_000);
        String payload = "r".repeat(bytes);
        LoadClient pub = join();
        r.attacking("publish");
        Tally t = flood(pub, topics, 4, i -> "[16," + i + ",{\"retain\":true,\"acknowledge\":true},\"hostile.retained."
                + i + "\",[\"" + payload + "\"]]", 17, 30);
        r.holding();
        r.leaving();
        pub.close();
        r.awaitQuiet(30);
        // is the retained event still served to a newcomer after its publisher left?
        LoadClient late = join();
        CompletableFuture<String> got = new CompletableFuture<>();
        late.handler((c, m) -> {
            int type = LoadClient.type(m);
            if (type == 36) {
                got.complete("yes");
            } else if (type == 8) {
                got.complete("refused: " + LoadClient.stringAt(m, 4));
            }
        });
        late.send("[32,1,{\"get_retained\":true},\"hostile.retained.1\"]");
        String kept;
        try {
            kept = got.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            kept = "no";
        }
        late.close();
        r.outcome(t.describe("retained " + (bytes / 1000) + " kB publications") + "; a newcomer still gets the retained "
                + "event after the publisher left: " + kept);
        // afterwards (once the heap after is measured), replace them with small ones so the next scenario starts clean
        r.cleanup(() -> {
            try {
                LoadClient c = join();
                flood(c, topics, 50, i -> "[16," + i + ",{\"retain\":true,\"acknowledge\":true},\"hostile.retained."
                        + i + "\",[]]", 17, 30);
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** One session makes {@code n} subscriptions or registrations, as fast as they are answered. */
    private void manyRequests(Hostile.Run r, int n, String noun, int okType, LongFunction<String> message)
            throws Exception {
        LoadClient a = join();
        r.attacking(noun);
        Tally t = flood(a, n, 1000, message, okType, 60);
        r.holding();
        r.leaving();
        a.close();
        r.outcome(t.describe(noun) + String.format(Locale.ROOT, " in %.1f s", t.seconds));
    }

    /** One session calls a procedure whose callee (the attacker's too) never answers, {@code n} times. */
    private void manyCalls(Hostile.Run r) throws Exception {
        int n = intProp("hostile.many-calls.count", 100_000);
        LoadClient callee = join();
        AtomicInteger invocations = new AtomicInteger();
        register(callee, "hostile.sink", m -> invocations.incrementAndGet());
        LoadClient caller = join();
        Tally t = new Tally();
        caller.handler((c, m) -> t.onMessage(m, -1));
        r.attacking("call");
        long t0 = System.nanoTime();
        for (long i = 1; i <= n && !caller.closed; i++) {
            caller.send("[48," + i + ",{},\"hostile.sink\",[" + i + "]]");
            t.sent.incrementAndGet();
        }
        // until every call reached the callee or was refused, or nothing moves for 5 s
        waitFor(() -> invocations.get() + t.errors.get() >= n || caller.closed, 5,
                () -> invocations.get() + t.errors.get());
        t.seconds = (System.nanoTime() - t0) / 1e9;
        r.holding();
        t.closeOf(caller);
        r.leaving();
        caller.close();
        callee.close();
        r.outcome(String.format(Locale.ROOT, "%,d calls sent, %,d pending at the callee (INVOCATIONs), %s", n,
                invocations.get(), t.refusals("calls")));
    }

    /**
     * Connections each sending a HELLO of about {@code bytes} whose announced features are all distinct, then leaving:
     * what stays in the heap after they have all gone.
     */
    private void helloBloat(Hostile.Run r) throws Exception {
        int connections = intProp("hostile.hello-bloat.connections", 300);
        int bytes = intProp("hostile.hello-bloat.bytes", 1_000_000);
        Outcomes o = new Outcomes();
        r.attacking("hello");
        for (int c = 0; c < connections; c++) {
            StringBuilder hello = new StringBuilder(bytes + 64).append("[1,\"").append(Hostile.REALM)
                    .append("\",{\"roles\":{\"caller\":{\"features\":{");
            int f = 0;
            while (hello.length() < bytes - 40) {
                hello.append(f == 0 ? "" : ",").append("\"c").append(c).append('f').append(f++).append("\":true");
            }
            hello.append("}}}}]");
            try (RawWebSocket ws = new RawWebSocket(uri, attacker, 0, 30_000, "wamp.2.json")) {
                ws.sendText(hello.toString());
                String m = ws.readText();
                o.add(LoadClient.type(m) == 2 ? "WELCOME" : describeAnswer(m));
            } catch (RawWebSocket.Closed e) {
                o.add(e.getMessage());
            } catch (IOException e) {
                o.add(e.toString());
            }
        }
        r.leaving();
        r.outcome(connections + " connections with a " + (bytes / 1000) + " kB HELLO of distinct features, each left "
                + "after the answer: " + o);
    }

    /** One session subscribes with wildcard URIs made of nothing but dots, each about {@code bytes} long. */
    private void wildcardDots(Hostile.Run r) throws Exception {
        int n = intProp("hostile.wildcard-dots.count", 20);
        int bytes = intProp("hostile.wildcard-dots.bytes", 1_000_000);
        LoadClient a = join();
        r.attacking("subscribe");
        Tally t = flood(a, n, 1, i -> "[32," + i + ",{\"match\":\"wildcard\"},\"" + ".".repeat((int) (bytes - i))
                + "\"]", 33, 60);
        r.holding();
        r.leaving();
        a.close();
        r.outcome(t.describe((bytes / 1000) + " kB wildcard subscriptions of dots"));
    }

    /**
     * A callee with many pending calls from one caller drops: does the caller get an ERROR for each call, or is it
     * cut by the burst of errors the router itself produces?
     */
    private void calleeDrop(Hostile.Run r) throws Exception {
        int n = intProp("hostile.callee-drop.calls", 20_000);
        LoadClient callee = join();
        AtomicInteger invocations = new AtomicInteger();
        register(callee, "hostile.drop", m -> invocations.incrementAndGet());
        LoadClient caller = join();
        Tally t = new Tally();
        caller.handler((c, m) -> t.onMessage(m, -1));
        r.attacking("call");
        for (long i = 1; i <= n; i++) {
            caller.send("[48," + i + ",{},\"hostile.drop\",[" + i + "]]");
        }
        waitFor(() -> invocations.get() + t.errors.get() >= n || caller.closed, 5,
                () -> invocations.get() + t.errors.get());
        int pending = invocations.get();
        int errorsBefore = t.errors.get();
        r.holding();
        r.leaving();
        callee.close();
        waitFor(() -> t.errors.get() >= n || caller.closed, 5, () -> t.errors.get());
        t.closeOf(caller);
        r.outcome(String.format(Locale.ROOT, "%,d calls pending at the callee when it dropped; the caller then got "
                        + "%,d of %,d ERRORs (%s)%s", pending, t.errors.get() - errorsBefore, pending,
                t.firstError == null ? "none" : t.firstError,
                caller.closed ? ", and was closed: " + t.closed : ", and stayed connected"));
        caller.close();
    }

    /**
     * Many sessions each add testaments on one topic, then all drop at once: do the topic's (reading) subscribers get
     * every event, or are they cut?
     */
    private void testamentStorm(Hostile.Run r) throws Exception {
        int sessions = intProp("hostile.testament.sessions", 400);
        int each = intProp("hostile.testament.per-session", 100);
        int subscribers = intProp("hostile.testament.subscribers", 5);
        List<AtomicInteger> got = new ArrayList<>();
        List<LoadClient> subs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            AtomicInteger g = new AtomicInteger();
            got.add(g);
            LoadClient s = join();
            subscribe(s, "hostile.will");
            s.handler((c, m) -> {
                if (LoadClient.type(m) == 36) {
                    g.incrementAndGet();
                }
            });
            subs.add(s);
        }
        List<LoadClient> wills = new ArrayList<>();
        r.attacking("add_testament");
        long accepted = 0;
        String refused = null;
        for (int i = 0; i < sessions; i++) {
            LoadClient w = join();
            wills.add(w);
            Tally t = flood(w, each, 100, k -> "[48," + k + ",{},\"wamp.session.add_testament\",[\"hostile.will\","
                    + "[" + k + "],{}]]", 50, 30);
            accepted += t.ok;
            if (refused == null && (t.errors.get() > 0 || t.closed != null)) {
                refused = t.refusals("testaments") + " (session " + (i + 1) + ")";
            }
        }
        r.holding();
        r.leaving();
        long expected = accepted;
        wills.forEach(LoadClient::close); // all at once
        waitFor(() -> subs.stream().allMatch(s -> s.closed) || got.stream().allMatch(g -> g.get() >= expected), 5,
                () -> got.stream().mapToLong(AtomicInteger::get).sum());
        int cut = 0;
        String how = null;
        for (LoadClient s : subs) {
            if (s.closed) {
                cut++;
                how = s.closeCode + " " + s.closeReason;
            }
        }
        int min = got.stream().mapToInt(AtomicInteger::get).min().orElse(0);
        int max = got.stream().mapToInt(AtomicInteger::get).max().orElse(0);
        subs.forEach(LoadClient::close);
        r.outcome(String.format(Locale.ROOT, "%,d testaments accepted from %d sessions%s; fired at once: %d of %d "
                        + "subscribers cut%s, each got %,d–%,d of %,d events", accepted, sessions,
                refused == null ? "" : ", " + refused, cut, subscribers, how == null ? "" : " (" + how + ")", min, max,
                expected));
    }

    /**
     * Parallel login guesses against the realm with users, one stage per method: a guess counts as failed when no
     * WELCOME came within 150 ms (an attacker does not wait for the ABORT). The victim's new sessions join realm1.
     */
    private void loginGuessing(Hostile.Run r) throws Exception {
        int parallel = intProp("hostile.login.parallel", 100);
        double seconds = Double.parseDouble(prop("hostile.login.seconds", "10"));
        StringBuilder out = new StringBuilder();
        for (String method : List.of("wampcra", "ticket")) {
            String authid = method.equals("wampcra") ? "peter" : "joe";
            AtomicLong guesses = new AtomicLong();
            AtomicLong aborted = new AtomicLong();
            AtomicLong welcomed = new AtomicLong();
            Outcomes refused = new Outcomes();
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            ExecutorService workers = Executors.newFixedThreadPool(parallel);
            r.attacking(method);
            long t0 = System.nanoTime();
            for (int w = 0; w < parallel; w++) {
                workers.execute(() -> {
                    while (System.nanoTime() < deadline) {
                        guess(method, authid, guesses, aborted, welcomed, refused);
                    }
                });
            }
            workers.shutdown();
            workers.awaitTermination((long) seconds + 30, TimeUnit.SECONDS);
            double s = (System.nanoTime() - t0) / 1e9;
            out.append(out.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT,
                    "%s (authid %s): %.0f guesses/s with %d in parallel (%,d in %.0f s; ABORT within 150 ms for %.0f %%, "
                            + "WELCOME %d)%s", method, authid, guesses.get() / s, parallel, guesses.get(), s,
                    100.0 * aborted.get() / Math.max(1, guesses.get()), welcomed.get(),
                    refused.total() == 0 ? "" : ", no guess possible: " + refused));
            r.note(method + " stage: victim's new sessions on realm1, join ms p50 / p99 / max: "
                    + r.victim.joins("during:" + method).summary());
        }
        r.leaving();
        r.outcome(out.toString());
    }

    private void guess(String method, String authid, AtomicLong guesses, AtomicLong aborted, AtomicLong welcomed,
                       Outcomes refused) {
        try (RawWebSocket ws = new RawWebSocket(uri, attacker, 0, 5000, "wamp.2.json")) {
            ws.sendText("[1,\"authrealm\",{\"roles\":{\"caller\":{}},\"authmethods\":[\"" + method + "\"],\"authid\":\""
                    + authid + "\"}]");
            String challenge;
            try {
                challenge = ws.readText();
            } catch (java.net.SocketTimeoutException e) {
                refused.add("no CHALLENGE within 5 s");
                return;
            }
            if (LoadClient.type(challenge) != 4) {
                refused.add(describeAnswer(challenge));
                return;
            }
            String wrong = method.equals("wampcra")
                    ? java.util.Base64.getEncoder().encodeToString(Long.toString(System.nanoTime()).getBytes())
                    : "guess-" + System.nanoTime();
            ws.sendText("[5,\"" + wrong + "\",{}]");
            guesses.incrementAndGet();
            ws.setReadTimeout(150);
            String answer = ws.pollText();
            if (answer != null && LoadClient.type(answer) == 3) {
                aborted.incrementAndGet();
            } else if (answer != null && LoadClient.type(answer) == 2) {
                welcomed.incrementAndGet();
            }
            ws.abort();
        } catch (RawWebSocket.Closed e) {
            refused.add(e.getMessage());
        } catch (IOException e) {
            refused.add(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /**
     * Sockets that open an HTTP request and send one more header line every few seconds, never finishing it: how long
     * does the server hold them?
     */
    private void slowloris(Hostile.Run r) throws Exception {
        int n = intProp("hostile.slowloris.sockets", 300);
        double interval = Double.parseDouble(prop("hostile.slowloris.interval", "5"));
        double cap = Double.parseDouble(prop("hostile.slowloris.seconds", "60"));
        List<SocketChannel> open = new ArrayList<>();
        List<Double> closedAfter = new ArrayList<>();
        String refused = null;
        r.attacking("hold");
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try {
                SocketChannel ch = SocketChannel.open();
                ch.bind(new InetSocketAddress(attacker, 0));
                ch.socket().connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
                ch.configureBlocking(false);
                ch.write(ByteBuffer.wrap(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                open.add(ch);
            } catch (IOException e) {
                refused = refused == null ? "socket " + (i + 1) + ": " + e : refused;
            }
        }
        int opened = open.size();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        long nextLine = System.nanoTime() + (long) (interval * 1e9);
        int line = 0;
        while (!open.isEmpty() && System.nanoTime() - t0 < cap * 1e9) {
            boolean writeNow = System.nanoTime() >= nextLine;
            if (writeNow) {
                nextLine += (long) (interval * 1e9);
                line++;
            }
            for (var it = open.iterator(); it.hasNext(); ) {
                SocketChannel ch = it.next();
                boolean gone;
                try {
                    buf.clear();
                    gone = ch.read(buf) < 0;
                    if (!gone && writeNow) {
                        ch.write(ByteBuffer.wrap(("X-Slow-" + line + ": " + line + "\r\n")
                                .getBytes(StandardCharsets.US_ASCII)));
                    }
                } catch (IOException e) {
                    gone = true;
                }
                if (gone) {
                    closedAfter.add((System.nanoTime() - t0) / 1e9);
                    it.remove();
                    ch.close();
                }
            }
            Scenarios.sleep(0.25);
        }
        double held = (System.nanoTime() - t0) / 1e9;
        r.holding();
        r.leaving();
        for (SocketChannel ch : open) {
            ch.close();
        }
        Collections.sort(closedAfter);
        String closed = closedAfter.isEmpty() ? "none closed by the server"
                : String.format(Locale.ROOT, "%d closed by the server after %.0f–%.0f s (median %.0f s)",
                closedAfter.size(), closedAfter.get(0), closedAfter.get(closedAfter.size() - 1),
                closedAfter.get(closedAfter.size() / 2));
        r.outcome(String.format(Locale.ROOT, "%d of %d sockets opened, a header line every %.0f s: %s; %d still held "
                        + "at %.0f s (the soak's limit)%s", opened, n, interval, closed, open.size(), held,
                refused == null ? "" : "; " + refused));
    }

    /** One address opens WAMP sessions (handshake, HELLO, WELCOME) up to a bound and keeps them. */
    private void connFlood(Hostile.Run r) throws Exception {
        int n = intProp("hostile.conn-flood.connections", 3000);
        List<RawWebSocket> open = Collections.synchronizedList(new ArrayList<>());
        Outcomes refusals = new Outcomes();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger firstRefusedAt = new AtomicInteger(-1);
        ExecutorService workers = Executors.newFixedThreadPool(8);
        r.attacking("connect");
        long t0 = System.nanoTime();
        for (int w = 0; w < 8; w++) {
            workers.execute(() -> {
                int i;
                while ((i = next.incrementAndGet()) <= n && refusals.total() < 200) {
                    RawWebSocket ws = null;
                    try {
                        ws = new RawWebSocket(uri, attacker, 0, 10_000, "wamp.2.json");
                        ws.sendText("[1,\"" + Hostile.REALM + "\"," + LoadClient.ROLES + "]");
                        String m = ws.readText();
                        if (LoadClient.type(m) == 2) {
                            open.add(ws);
                            continue;
                        }
                        refusals.add(describeAnswer(m));
                    } catch (RawWebSocket.Closed e) {
                        refusals.add(e.getMessage());
                    } catch (IOException e) {
                        refusals.add(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                                + e.getMessage()));
                    }
                    firstRefusedAt.compareAndSet(-1, i);
                    if (ws != null) {
                        ws.abort();
                    }
                }
            });
        }
        workers.shutdown();
        workers.awaitTermination(300, TimeUnit.SECONDS);
        double s = (System.nanoTime() - t0) / 1e9;
        Scenarios.sleep(2);
        r.holding();
        r.leaving();
        int accepted = open.size();
        synchronized (open) {
            open.forEach(RawWebSocket::abort);
        }
        r.outcome(String.format(Locale.ROOT, "%,d of %,d sessions from one address accepted in %.1f s%s", accepted,
                Math.min(n, next.get() - 1), s, refusals.total() == 0 ? ""
                        : "; refused from #" + firstRefusedAt.get() + ": " + refusals));
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** A polite-looking session of the attacker on realm1 (JDK client, from 127.0.0.1). */
    private LoadClient join() throws Exception {
        return LoadClient.connect(pool, uri, Hostile.REALM, (c, m) -> { }).get(30, TimeUnit.SECONDS);
    }

    private static void register(LoadClient c, String procedure, java.util.function.Consumer<String> onInvocation)
            throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        c.handler((x, m) -> {
            int type = LoadClient.type(m);
            if (type == 68) {
                onInvocation.accept(m);
            } else if (type == 65) {
                done.complete(null);
            } else if (type == 8) {
                done.completeExceptionally(new IllegalStateException("REGISTER refused: " + m));
            }
        });
        c.send("[64,1,{},\"" + procedure + "\"]");
        done.get(30, TimeUnit.SECONDS);
    }

    private static void subscribe(LoadClient c, String topic) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        c.handler((x, m) -> {
            int type = LoadClient.type(m);
            if (type == 33) {
                done.complete(null);
            } else if (type == 8) {
                done.completeExceptionally(new IllegalStateException("SUBSCRIBE refused: " + m));
            }
        });
        c.send("[32,1,{},\"" + topic + "\"]");
        done.get(30, TimeUnit.SECONDS);
    }

    /** While the router cleans up after an attacker: a SUBSCRIBE every 100 ms; the longest wait, in ms. */
    private static double subscribeWhileQuieting(Hostile.Run r, LoadClient probe) throws Exception {
        ConcurrentHashMap<Long, Long> sent = new ConcurrentHashMap<>();
        AtomicLong longest = new AtomicLong();
        probe.handler((c, m) -> {
            if (LoadClient.type(m) == 33 || LoadClient.type(m) == 8) {
                Long t = sent.remove(LoadClient.longAt(m, LoadClient.type(m) == 33 ? 1 : 2, -1));
                if (t != null) {
                    longest.accumulateAndGet(System.nanoTime() - t, Math::max);
                }
            }
        });
        AtomicReference<Boolean> running = new AtomicReference<>(true);
        Thread t = new Thread(() -> {
            long i = 0;
            while (running.get()) {
                long req = ++i;
                sent.put(req, System.nanoTime());
                probe.send("[32," + req + ",{},\"hostile.probe." + req + "\"]");
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "subscribe-probe");
        t.start();
        Scenarios.sleep(1); // the router notices the drop
        r.awaitQuiet(90);
        running.set(false);
        t.join();
        waitFor(sent::isEmpty, 10, sent::size);
        long now = System.nanoTime();
        for (Long s : sent.values()) {
            longest.accumulateAndGet(now - s, Math::max); // never answered: at least this long
        }
        return longest.get() / 1e6;
    }

    /** ABORT or GOODBYE with its reason, or ERROR with its URI, or the message's type. */
    static String describeAnswer(String m) {
        int type = LoadClient.type(m);
        return switch (type) {
            case 3 -> "ABORT " + LoadClient.stringAt(m, 2);
            case 6 -> "GOODBYE " + LoadClient.stringAt(m, 2);
            case 8 -> "ERROR " + LoadClient.stringAt(m, 4);
            default -> "message type " + type;
        };
    }

    private static void expect(String m, int type, String what) throws IOException {
        if (LoadClient.type(m) != type) {
            throw new IOException("expected " + what + ", got " + (m.length() > 200 ? m.substring(0, 200) : m));
        }
    }

    interface Condition {
        boolean holds();
    }

    interface Progress {
        long value();
    }

    /** Waits until {@code done} holds, or {@code progress} has not moved for {@code stallSeconds}. */
    static void waitFor(Condition done, double stallSeconds, Progress progress) throws InterruptedException {
        long last = progress.value();
        long lastMove = System.nanoTime();
        while (!done.holds()) {
            Thread.sleep(20);
            long v = progress.value();
            if (v != last) {
                last = v;
                lastMove = System.nanoTime();
            } else if (System.nanoTime() - lastMove > stallSeconds * 1e9) {
                return;
            }
        }
    }

    /**
     * Sends requests {@code 1..n} (message for request ID i), at most {@code window} unanswered: counts answers of
     * type {@code okType} and ERRORs. Stops at a close, after 100 refusals, or when nothing was answered for
     * {@code stallSeconds}.
     */
    static Tally flood(LoadClient c, long n, int window, LongFunction<String> message, int okType, double stallSeconds)
            throws InterruptedException {
        Tally t = new Tally();
        Semaphore permits = new Semaphore(window);
        c.handler((x, m) -> {
            if (t.onMessage(m, okType)) {
                permits.release();
            }
        });
        long t0 = System.nanoTime();
        for (long i = 1; i <= n; i++) {
            if (c.closed || t.errors.get() >= 100) {
                break;
            }
            if (!permits.tryAcquire((long) (stallSeconds * 1000), TimeUnit.MILLISECONDS)) {
                t.stalled = true;
                break;
            }
            t.sent.incrementAndGet();
            c.send(message.apply(i));
        }
        waitFor(() -> permits.availablePermits() == window || c.closed, stallSeconds, t::answered);
        t.seconds = (System.nanoTime() - t0) / 1e9;
        t.closeOf(c);
        return t;
    }

    /** As {@link #flood}, for {@code seconds} instead of a count (request IDs from 1). */
    static Tally floodFor(LoadClient c, double seconds, int window, LongFunction<String> message, int okType)
            throws InterruptedException {
        Tally t = new Tally();
        Semaphore permits = new Semaphore(window);
        c.handler((x, m) -> {
            if (t.onMessage(m, okType)) {
                permits.release();
            }
        });
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        for (long i = 1; System.nanoTime() < end; i++) {
            if (c.closed || t.errors.get() >= 100) {
                break;
            }
            if (!permits.tryAcquire(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
                break;
            }
            t.sent.incrementAndGet();
            c.send(message.apply(i));
        }
        waitFor(() -> permits.availablePermits() == window || c.closed, 10, t::answered);
        t.seconds = (System.nanoTime() - t0) / 1e9;
        t.closeOf(c);
        return t;
    }

    /** What a stream of requests got: accepted, refused (first URI and where), closed. */
    static final class Tally {
        final AtomicLong sent = new AtomicLong();
        volatile long ok;
        final AtomicInteger errors = new AtomicInteger();
        volatile String firstError;
        volatile long firstErrorAfter = -1;
        volatile String closed;
        volatile boolean stalled;
        volatile double seconds;

        /** Counts one message; true if it answers a request (its okType or an ERROR). */
        synchronized boolean onMessage(String m, int okType) {
            int type = LoadClient.type(m);
            if (type == okType) {
                ok++;
                return true;
            }
            if (type == 8) {
                if (errors.getAndIncrement() == 0) {
                    firstError = LoadClient.stringAt(m, 4);
                    firstErrorAfter = ok;
                }
                return true;
            }
            if (type == 3 || type == 6) {
                closed = describeAnswer(m);
            }
            return false;
        }

        long answered() {
            return ok + errors.get();
        }

        void closeOf(LoadClient c) {
            if (c.closed && closed == null) {
                closed = "closed " + c.closeCode + (c.closeReason.isEmpty() ? "" : " \"" + c.closeReason + "\"");
            }
        }

        /** "n of m accepted" and how the rest ended. */
        String describe(String noun) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%,d of %,d %s accepted", ok, sent.get(),
                    noun));
            if (errors.get() > 0 || closed != null || stalled) {
                b.append(", ").append(refusals(noun));
            }
            return b.toString();
        }

        String refusals(String noun) {
            List<String> parts = new ArrayList<>();
            if (errors.get() > 0) {
                parts.add(String.format(Locale.ROOT, "refused with %s after %,d (%,d ERRORs%s)", firstError,
                        firstErrorAfter, errors.get(), errors.get() >= 100 ? ", then stopped" : ""));
            }
            if (closed != null) {
                parts.add(closed + " after " + String.format(Locale.ROOT, "%,d", ok));
            }
            if (stalled) {
                parts.add("no answer for the last request(s): stopped");
            }
            return parts.isEmpty() ? "none of the " + noun + " refused" : String.join(", ", parts);
        }
    }

    /** Counts of distinct outcomes, e.g. "298× WELCOME, 2× closed 1009". */
    static final class Outcomes {
        private final java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();

        synchronized void add(String what) {
            counts.merge(what, 1, Integer::sum);
        }

        synchronized int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public synchronized String toString() {
            StringBuilder b = new StringBuilder();
            counts.entrySet().stream().limit(5).forEach(e -> b.append(b.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%,d× %s", e.getValue(), e.getKey())));
            if (counts.size() > 5) {
                b.append(", …");
            }
            return b.toString();
        }
    }
}
