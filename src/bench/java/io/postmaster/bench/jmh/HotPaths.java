package io.postmaster.bench.jmh;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Connection;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.router.match.UriTable;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.serialization.Outgoing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Micro-benchmarks of the router's hot paths without a container: decode, encode, URI match, and whole routes
 * (CALL → INVOCATION, YIELD → RESULT; PUBLISH → 10 EVENTs) through {@link Connection} with peers that encode what
 * they are sent, as the endpoint does, and drop it.
 *
 * <p>{@code mvn -Pbench -Dbench.main=org.openjdk.jmh.Main -Dbench.args="-f 1 -wi 3 -i 5 HotPaths"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPaths {
    static final JsonSerializer JSON = new JsonSerializer();
    static final JsonSerializer JSON_UTF8 = JsonSerializer.utf8Frames();
    static final String CALL = "[48,7814135,{},\"com.myapp.user.new\",[\"johnny\"],{\"firstname\":\"John\",\"surname\":\"Doe\"}]";
    static final byte[] CALL_UTF8 = CALL.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    static final String PUBLISH = "[16,239714735,{},\"com.myapp.mytopic1\",[\"Hello, world!\"]]";

    WampMessage.Event event;
    UriTable<Object> table;
    Router router;
    ScheduledExecutorService scheduler;
    Discard caller;
    Discard callee;
    Discard publisher;
    WampMessage call;
    WampMessage publish;
    long request;

    /** A transport that encodes each message (once per Outgoing, as a fan-out would) and drops it. */
    static final class Discard implements Peer {
        Connection connection;
        long lastInvocation;
        long sent;

        @Override
        public void send(Outgoing message) {
            Frame f = message.frame(JSON);
            sent += ((Frame.Text) f).text().length();
            if (message.message() instanceof WampMessage.Invocation i) {
                lastInvocation = i.request();
            }
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public TransportInfo transport() {
            return new TransportInfo("bench", JsonSerializer.SUBPROTOCOL);
        }

        void in(String json) throws MalformedMessageException {
            connection.onMessage(JSON.decode(json));
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        event = new WampMessage.Event(5512315355L, 4429313566L, Map.of(), List.of("Hello, world!"), null);
        table = new UriTable<>();
        synchronized (table) {
            for (int i = 0; i < 1000; i++) {
                int n = i;
                table.getOrCreate("com.myapp.topic" + i, MatchPolicy.EXACT, () -> n);
            }
        }
        scheduler = Executors.newSingleThreadScheduledExecutor();
        router = new Router(PostmasterConfig.defaults(), scheduler);
        caller = join();
        callee = join();
        callee.in("[64,1,{},\"com.myapp.user.new\"]");
        publisher = join();
        for (int i = 0; i < 10; i++) {
            join().in("[32,1,{},\"com.myapp.mytopic1\"]");
        }
        call = JSON.decode(CALL);
        publish = JSON.decode(PUBLISH);
    }

    private Discard join() throws MalformedMessageException {
        Discard d = new Discard();
        d.connection = router.connect(d);
        d.in("[1,\"realm1\",{\"roles\":{\"caller\":{},\"callee\":{},\"publisher\":{},\"subscriber\":{}}}]");
        return d;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
        scheduler.shutdownNow();
    }

    @Benchmark
    public WampMessage decodeCall() throws MalformedMessageException {
        return JSON.decode(CALL);
    }

    @Benchmark
    public Frame encodeEvent() {
        return JSON.encode(event);
    }

    /** The same CALL from its UTF-8 octets, as Postmaster's own WebSocket framing and RawSocket decode it. */
    @Benchmark
    public WampMessage decodeCallUtf8() throws MalformedMessageException {
        return JSON.decode(CALL_UTF8, 0, CALL_UTF8.length);
    }

    /** The same EVENT to UTF-8 octets, as own framing and RawSocket send JSON. */
    @Benchmark
    public byte[] encodeEventUtf8() {
        return JSON_UTF8.encodeToUtf8(event);
    }

    @Benchmark
    public void matchExact(Blackhole bh) {
        table.forEachMatch("com.myapp.topic517", bh::consume);
    }

    /** CALL → INVOCATION, YIELD → RESULT: one whole call as the router handles it (decoded input, encoded output). */
    @Benchmark
    public long routeCall() throws MalformedMessageException {
        long r = ++request;
        caller.connection.onMessage(new WampMessage.Call(r, Map.of(), "com.myapp.user.new", List.of("johnny"), null));
        callee.connection.onMessage(new WampMessage.Yield(callee.lastInvocation, Map.of(), List.of("ok"), null));
        return caller.sent;
    }

    /** PUBLISH → EVENT to 10 subscribers (encoded once, sent ten times). */
    @Benchmark
    public long routePublish() {
        publisher.connection.onMessage(publish);
        return publisher.sent;
    }

    /** The whole inbound path of one RPC message pair: decode CALL and route it, decode YIELD and route it. */
    @Benchmark
    public long decodeAndRouteCall() throws MalformedMessageException {
        long r = ++request;
        caller.in("[48," + r + ",{},\"com.myapp.user.new\",[\"johnny\"]]");
        callee.in("[70," + callee.lastInvocation + ",{},[\"ok\"]]");
        return caller.sent;
    }
}
