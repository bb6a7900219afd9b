package io.postmaster.endpoint;

import io.postmaster.config.OutboundLimits;
import io.postmaster.message.WampMessage;
import io.postmaster.metrics.Metrics;
import io.postmaster.router.Peer;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.Outgoing;
import io.postmaster.serialization.Serializers;
import io.postmaster.testing.RawWebSocket;
import jakarta.websocket.PongMessage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** {@link FramedLink} over a socket simulated in memory: what it writes, when it tells senders, how it closes. */
class FramedLinkTest {

    /** A socket that takes at most {@code window} octets per write (all if 0) and records them. */
    static final class FakeTransport implements FramedLink.Transport {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
        volatile int window;
        int writes;
        volatile boolean writeWanted;
        volatile boolean readsResumed;
        volatile boolean open = true;
        /** The peer has closed its side: reads find the end of the stream. */
        volatile boolean eof;
        final List<Runnable> scheduled = Collections.synchronizedList(new ArrayList<>());
        FramedLink link;

        @Override
        public synchronized int read(ByteBuffer into) {
            if (inbound.isEmpty()) {
                return eof ? -1 : 0;
            }
            int n = 0;
            while (!inbound.isEmpty() && into.remaining() >= inbound.peek().length) {
                byte[] b = inbound.poll();
                into.put(b);
                n += b.length;
            }
            return n;
        }

        @Override
        public boolean readsUntilEmpty() {
            return false;
        }

        /**
         * Undertow's write timeout (WildFly's listener write-timeout, 90 s by default) as its conduit keeps it: armed
         * by every write, cleared by {@link #suspendWrites}; a write once it has run out closes the connection.
         */
        boolean writeTimeoutArmed;
        boolean writeTimedOut;

        /** The write timeout's time passes: if armed, the next write fails. */
        synchronized void writeTimeoutElapses() {
            writeTimedOut = writeTimeoutArmed;
        }

        @Override
        public synchronized int write(ByteBuffer from) throws IOException {
            if (writeTimedOut) {
                close();
                throw new ClosedChannelException();
            }
            writes++;
            int n = window == 0 ? from.remaining() : Math.min(window, from.remaining());
            byte[] b = new byte[n];
            from.get(b);
            written.write(b, 0, n);
            writeTimeoutArmed |= n > 0;
            return n;
        }

        @Override
        public boolean flush() {
            return true;
        }

        @Override
        public void resumeReads() {
            readsResumed = true;
        }

        @Override
        public void suspendReads() {
            readsResumed = false;
        }

        @Override
        public void resumeWrites() {
            writeWanted = true;
        }

        @Override
        public synchronized void suspendWrites() {
            writeWanted = false;
            writeTimeoutArmed = false;
            writeTimedOut = false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                link.ended();
            }
        }

        @Override
        public void schedule(Runnable task, long ms) {
            scheduled.add(task);
        }

        synchronized byte[] bytes() {
            return written.toByteArray();
        }

        /** The server frames written so far: opcode and payload each. */
        synchronized List<RawWebSocket.Frame> frames() {
            List<RawWebSocket.Frame> out = new ArrayList<>();
            ByteBuffer b = ByteBuffer.wrap(written.toByteArray());
            while (b.hasRemaining()) {
                int b0 = b.get() & 0xFF;
                int b1 = b.get() & 0xFF;
                assertEquals(0, b1 & 0x80, "server frames are not masked");
                assertEquals(0x80, b0 & 0xF0, "FIN, no RSV bit");
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = b.getShort() & 0xFFFF;
                } else if (len == 127) {
                    len = b.getLong();
                }
                byte[] p = new byte[(int) len];
                b.get(p);
                out.add(new RawWebSocket.Frame(b0 & 0x0F, p));
            }
            return out;
        }
    }

    /** The endpoint's side: what reaches it. */
    static final class Recorder extends WampEndpoint {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger closedCalls = new AtomicInteger();

        @Override
        public void text(String text) {
            seen.add("text " + text);
        }

        @Override
        public void utf8Text(byte[] utf8, int length) {
            text(new String(utf8, 0, length, StandardCharsets.UTF_8));
        }

        @Override
        public void binary(ByteBuffer data) {
            seen.add("binary " + data.remaining());
        }

        @Override
        public void pong(PongMessage pong) {
            seen.add("pong");
        }

        @Override
        void closed() {
            closedCalls.incrementAndGet();
        }
    }

    /** Records what a sender is told. */
    static final class Told implements WebSocketLink.Sent {
        final List<Throwable> results = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch once = new CountDownLatch(1);

        @Override
        public void sent(Throwable failure) {
            results.add(failure == null ? new Throwable("ok") : failure);
            once.countDown();
        }

        boolean ok() {
            return results.size() == 1 && "ok".equals(results.get(0).getMessage());
        }
    }

    private final FakeTransport transport = new FakeTransport();
    private final Recorder endpoint = new Recorder();
    private final Set<FramedLink> registry = ConcurrentHashMap.newKeySet();
    private final FramedLink link = new FramedLink(transport, "127.0.0.1:1", 1 << 20, 30_000, registry);

    {
        transport.link = link;
        link.attach(endpoint);
        link.start();
    }

    private void receive(byte[]... frames) {
        for (byte[] f : frames) {
            synchronized (transport) {
                transport.inbound.add(f);
            }
        }
        link.readable();
    }

    @Test
    void aBatchGoesOutAsOneWriteAndSendersAreToldInOrder() {
        List<Told> told = new ArrayList<>();
        link.startBatch();
        for (int i = 0; i < 3; i++) {
            Told t = new Told();
            told.add(t);
            link.sendText("m" + i, t);
        }
        assertEquals(0, transport.writes, "nothing before the batch ends");
        link.endBatch();
        assertEquals(1, transport.writes);
        List<RawWebSocket.Frame> frames = transport.frames();
        assertEquals(3, frames.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(RawWebSocket.Frame.TEXT, frames.get(i).opcode());
            assertEquals("m" + i, new String(frames.get(i).payload(), StandardCharsets.UTF_8));
            assertTrue(told.get(i).ok());
        }
    }

    @Test
    void partialWritesWaitForReadinessAndTellOnlyWhatIsWhole() {
        transport.window = 5;
        Told big = new Told();
        byte[] payload = new byte[70_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        link.startBatch();
        link.sendBinary(payload, big);
        Told small = new Told();
        link.sendText("after", small);
        link.endBatch();
        assertTrue(transport.writeWanted, "the rest waits for write readiness");
        assertTrue(big.results.isEmpty(), "not told before all of it is written");
        Told third = new Told();
        link.sendText("third", third); // queued behind; no write while waiting
        int writes = transport.writes;
        assertEquals(writes, transport.writes);
        transport.window = 1000;
        int rounds = 0;
        while (transport.writeWanted && rounds++ < 1000) {
            link.writable();
        }
        assertFalse(transport.writeWanted);
        assertTrue(big.ok() && small.ok() && third.ok());
        List<RawWebSocket.Frame> frames = transport.frames();
        assertEquals(3, frames.size());
        assertArrayEquals(payload, frames.get(0).payload(), "64-bit length, every octet in order");
        assertEquals("after", new String(frames.get(1).payload(), StandardCharsets.UTF_8));
    }

    /** JSON reaches this link as the octets of its text (no string in between) and leaves as one text frame each. */
    @Test
    void jsonGoesOutAsTextFramesOfItsUtf8Octets() {
        assertTrue(link.utf8Text());
        JsonSerializer negotiated = (JsonSerializer) Serializers.bySubprotocol(JsonSerializer.SUBPROTOCOL).orElseThrow();
        OutboundLimits limits = OutboundLimits.from(k -> null);
        WebSocketPeer peer = new WebSocketPeer(link, Serializers.forUtf8Text(negotiated), 100, limits,
                new OutboundBudget(limits.totalBytes()), Runnable::run, Runnable::run,
                new Peer.TransportInfo("127.0.0.1:1", JsonSerializer.SUBPROTOCOL), true, new Metrics());
        WampMessage.Result result = new WampMessage.Result(7, Map.of(), List.of("ü € 😀", 1), null);
        WampMessage.Invocation invocation = new WampMessage.Invocation(8, 9, Map.of(), List.of(1), null);
        peer.send(new Outgoing(result));
        peer.send(new Outgoing(invocation));
        List<RawWebSocket.Frame> frames = transport.frames();
        assertEquals(2, frames.size());
        assertEquals(RawWebSocket.Frame.TEXT, frames.get(0).opcode());
        assertEquals(negotiated.encodeToString(result), new String(frames.get(0).payload(), StandardCharsets.UTF_8));
        assertEquals(RawWebSocket.Frame.TEXT, frames.get(1).opcode());
        assertEquals(negotiated.encodeToString(invocation),
                new String(frames.get(1).payload(), StandardCharsets.UTF_8));
    }

    @Test
    void textIsHandedOnAsItsOctetsOnlyWhenValidUtf8() {
        receive(RawWebSocket.frame(0x81, "[\"ü € 😀\"]".getBytes(StandardCharsets.UTF_8), true));
        assertEquals(List.of("text [\"ü € 😀\"]"), endpoint.seen);
        receive(RawWebSocket.frame(0x81, new byte[] {'[', (byte) 0xC3, ']'}, true)); // a lone lead octet
        assertEquals(1, endpoint.seen.size(), "invalid UTF-8 is not handed on");
        List<RawWebSocket.Frame> frames = transport.frames();
        assertEquals(RawWebSocket.Frame.CLOSE, frames.get(frames.size() - 1).opcode());
        byte[] close = frames.get(frames.size() - 1).payload();
        assertEquals(1007, (close[0] & 0xFF) << 8 | (close[1] & 0xFF));
    }

    @Test
    void messagesPingsAndPongsAreRead() {
        receive(RawWebSocket.frame(0x81, "[1]".getBytes(StandardCharsets.UTF_8), true),
                RawWebSocket.frame(0x89, "hi".getBytes(StandardCharsets.UTF_8), true),
                RawWebSocket.frame(0x8A, new byte[0], true),
                RawWebSocket.frame(0x82, new byte[300], true));
        assertEquals(List.of("text [1]", "pong", "binary 300"), endpoint.seen);
        List<RawWebSocket.Frame> frames = transport.frames();
        assertEquals(1, frames.size());
        assertEquals(0xA, frames.get(0).opcode(), "the ping is answered");
        assertEquals("hi", new String(frames.get(0).payload(), StandardCharsets.UTF_8));
    }

    @Test
    void aProtocolErrorClosesWithItsCodeThenTheConnection() {
        receive(RawWebSocket.frame(0x81, "x".getBytes(StandardCharsets.UTF_8), false));
        List<RawWebSocket.Frame> frames = transport.frames();
        assertEquals(1, frames.size());
        assertEquals(RawWebSocket.Frame.CLOSE, frames.get(0).opcode());
        assertEquals(1002, frames.get(0).closeCode());
        assertFalse(transport.open, "TCP closed after the close frame");
        assertFalse(transport.readsResumed);
        assertTrue(endpoint.closedCalls.get() >= 1);
        assertTrue(registry.isEmpty(), "no longer counted as open");
    }

    @Test
    void thePeersCloseIsAnsweredWithItsCode() {
        receive(RawWebSocket.frame(0x88, new byte[] {0x0F, (byte) 0xA1}, true));
        assertEquals(4001, transport.frames().get(0).closeCode());
        assertFalse(transport.open);
        assertTrue(endpoint.closedCalls.get() >= 1);
    }

    @Test
    void ourCloseEndsSendingAndWaitsBrieflyForThePeer() throws IOException {
        Told before = new Told();
        link.sendText("last", before);
        link.close(1008, "outbound queue full");
        assertTrue(before.ok());
        assertEquals(1, endpoint.closedCalls.get(), "the connection counts as closed at once");
        assertTrue(transport.open, "the peer's close is waited for");
        assertEquals(1, transport.scheduled.size(), "but not for ever");
        Told after = new Told();
        link.sendText("too late", after);
        assertEquals(1, after.results.size());
        assertInstanceOf(ClosedChannelException.class, after.results.get(0));
        receive(RawWebSocket.frame(0x81, "ignored".getBytes(StandardCharsets.UTF_8), true),
                RawWebSocket.frame(0x88, new byte[] {0x03, (byte) 0xE8}, true));
        assertEquals(List.of(), endpoint.seen, "nothing is taken after our close");
        List<RawWebSocket.Frame> frames = transport.frames();
        assertEquals(2, frames.size(), "one close frame only");
        assertEquals(1008, frames.get(1).closeCode());
        assertFalse(transport.open, "closed once the peer's close came");
        transport.scheduled.get(0).run(); // the timer finds it closed already
    }

    @Test
    void aStuckPeerIsDroppedByTheCloseTimer() {
        transport.window = 1;
        Told t = new Told();
        link.sendBinary(new byte[100], t);
        link.close(1000, "");
        transport.scheduled.get(0).run();
        assertTrue(transport.open, "a peer still reading what was written before the close gets longer");
        transport.scheduled.get(1).run();
        assertFalse(transport.open);
        assertEquals(1, t.results.size());
        assertInstanceOf(ClosedChannelException.class, t.results.get(0), "what was unwritten fails");
    }

    @Test
    void aPeerThatClosesButDoesNotReadOurReplyIsDroppedByATimer() {
        transport.window = 1;
        Told t = new Told();
        link.sendBinary(new byte[100], t);
        transport.window = 0;
        transport.suspendWrites(); // the socket stays full: the rest and the reply wait
        receive(RawWebSocket.frame(0x88, new byte[] {0x03, (byte) 0xE8}, true));
        assertTrue(transport.open, "the reply waits behind what the peer has not read");
        assertEquals(1, endpoint.closedCalls.get(), "the connection counts as closed at once");
        assertEquals(1, transport.scheduled.size());
        transport.scheduled.get(0).run();
        assertFalse(transport.open);
        assertInstanceOf(ClosedChannelException.class, t.results.get(0));
    }

    @Test
    void aPingFloodWhileNotReadingHoldsOnePong() {
        transport.window = 1;
        link.sendBinary(new byte[10], new Told()); // the socket takes one octet: the rest waits
        for (int i = 0; i < 1000; i++) {
            receive(RawWebSocket.frame(0x89, ("p" + i).getBytes(StandardCharsets.UTF_8), true));
        }
        transport.window = 0;
        link.writable();
        List<RawWebSocket.Frame> frames = transport.frames();
        assertEquals(2, frames.size(), "the binary frame and one pong");
        assertEquals("p999", new String(frames.get(1).payload(), StandardCharsets.UTF_8), "answering the latest");
        receive(RawWebSocket.frame(0x89, "again".getBytes(StandardCharsets.UTF_8), true));
        assertEquals(3, transport.frames().size(), "a ping after that is answered again");
    }

    /**
     * A client whose socket holds a backlog (the server was held up: a loaded machine, a pause) is read a little per
     * readiness event, not all of it at once: what one pass of the I/O thread reads is routed before anything is
     * written (writes are batched per pass), so a pass that read seconds of calls from several callers queued more
     * INVOCATIONs to their callee than {@code postmaster.outbound-queue} and the healthy callee was closed as a slow
     * consumer. Readiness is level-triggered: the rest is read on the next passes, after that pass's writes.
     */
    @Test
    void aBacklogIsReadALittlePerReadinessEventNotAllAtOnce() {
        byte[] call = RawWebSocket.frame(0x81, "[48,1,{},\"bench.echo\",[1]]".getBytes(StandardCharsets.UTF_8), true);
        int backlog = 20_000; // 4 s of calls at 5,000/s: more than postmaster.outbound-queue's 16,384
        for (int i = 0; i < backlog; i++) {
            synchronized (transport) {
                transport.inbound.add(call);
            }
        }
        link.readable();
        int first = endpoint.seen.size();
        assertTrue(first > 0, "something is read");
        assertTrue((long) first * call.length <= 16 * 1024,
                "one event reads at most 16 KiB, not the backlog: " + first + " messages of " + call.length + " octets");
        int events = 1;
        while (endpoint.seen.size() < backlog && events < 10_000) {
            link.readable(); // the socket stays readable: the next passes read the rest
            events++;
        }
        assertEquals(backlog, endpoint.seen.size(), "all of it is read in the end, in order");
    }

    /**
     * A connection that is written nothing for longer than the server's write timeout (a client that only publishes)
     * is not closed at its next message: Undertow's write-timeout conduit counts from the last write until writes are
     * suspended, as Undertow's own channel suspends them once all is written.
     */
    @Test
    void aLongPauseBetweenWritesDoesNotRunIntoTheServersWriteTimeout() {
        Told first = new Told();
        link.sendText("[36,1,2,{},[1]]", first);
        assertTrue(first.ok());
        transport.writeTimeoutElapses(); // 90 s without a write
        Told next = new Told();
        link.sendText("[36,1,3,{},[2]]", next);
        assertTrue(next.ok(), "the next message goes out: " + next.results);
        assertTrue(transport.open);
        assertEquals(2, transport.frames().size());
    }

    @Test
    void theEndOfTheStreamEndsTheConnection() {
        transport.eof = true;
        link.readable();
        assertFalse(transport.open);
        assertTrue(registry.isEmpty());
        assertEquals(1, endpoint.closedCalls.get());
    }

    @Test
    void sendsFromManyThreadsAllGoOutWholeAndInOrderPerThread() throws Exception {
        transport.window = 7;
        int threads = 4;
        int each = 300;
        List<Told> told = Collections.synchronizedList(new ArrayList<>());
        Thread pump = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (transport.writeWanted) {
                    link.writable();
                }
                Thread.onSpinWait();
            }
        });
        pump.start();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread s = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    Told x = new Told();
                    told.add(x);
                    boolean batch = i % 3 == 0;
                    if (batch) {
                        link.startBatch();
                    }
                    link.sendText(id + ":" + i, x);
                    if (batch) {
                        link.endBatch();
                    }
                }
            });
            senders.add(s);
            s.start();
        }
        for (Thread s : senders) {
            s.join();
        }
        try {
            for (Told x : told) {
                assertTrue(x.once.await(10, TimeUnit.SECONDS), "every sender is told");
            }
        } finally {
            pump.interrupt();
            pump.join();
        }
        assertEquals(threads * each, told.size());
        assertTrue(told.stream().allMatch(Told::ok));
        int[] nextOf = new int[threads];
        List<RawWebSocket.Frame> frames = transport.frames();
        assertEquals(threads * each, frames.size());
        for (RawWebSocket.Frame f : frames) {
            String[] p = new String(f.payload(), StandardCharsets.UTF_8).split(":");
            int id = Integer.parseInt(p[0]);
            assertEquals(nextOf[id]++, Integer.parseInt(p[1]));
        }
    }
}
