package io.postmaster.endpoint;

import io.postmaster.config.NativeWebSocket;
import io.postmaster.testing.RawWebSocket;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /ws} over the Servlet API's HTTP upgrade: the handshake's values ({@link ServletUpgradeWebSockets}), the
 * setting's default per server, and a connection's reads and writes through non-blocking streams that are ready or
 * not ({@link ServletUpgradeConnection} under a real {@link FramedLink}).
 */
class ServletUpgradeTest {

    @Test
    void theAcceptValueIsRfc6455s() {
        // RFC 6455 section 1.3's example
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", ServletUpgradeWebSockets.accept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void aKeyMustBeBase64OfSixteenOctets() {
        assertTrue(ServletUpgradeWebSockets.validKey("dGhlIHNhbXBsZSBub25jZQ=="));
        assertFalse(ServletUpgradeWebSockets.validKey(null));
        assertFalse(ServletUpgradeWebSockets.validKey(""));
        assertFalse(ServletUpgradeWebSockets.validKey("not base64!"));
        assertFalse(ServletUpgradeWebSockets.validKey("dGhlIHNhbXBsZSBub25j"), "15 octets");
    }

    @Test
    void theConnectionHeaderMustAskForTheUpgrade() {
        assertTrue(ServletUpgradeWebSockets.asksForUpgrade(java.util.Collections.enumeration(List.of("Upgrade"))));
        assertTrue(ServletUpgradeWebSockets.asksForUpgrade(
                java.util.Collections.enumeration(List.of("keep-alive, upgrade"))));
        assertTrue(ServletUpgradeWebSockets.asksForUpgrade(
                java.util.Collections.enumeration(List.of("keep-alive", "Upgrade"))), "in a second header");
        assertFalse(ServletUpgradeWebSockets.asksForUpgrade(
                java.util.Collections.enumeration(List.of("keep-alive"))));
        assertFalse(ServletUpgradeWebSockets.asksForUpgrade(
                java.util.Collections.enumeration(List.of("upgrader"))));
        assertFalse(ServletUpgradeWebSockets.asksForUpgrade(null));
    }

    /** A GET handshake with {@code headers} (one value each); a response that fails if anything is done to it. */
    private static boolean upgrade(Map<String, String> headers) throws IOException {
        jakarta.servlet.http.HttpServletRequest req = (jakarta.servlet.http.HttpServletRequest)
                java.lang.reflect.Proxy.newProxyInstance(ServletUpgradeTest.class.getClassLoader(),
                        new Class<?>[] {jakarta.servlet.http.HttpServletRequest.class}, (p, m, a) -> switch (
                                m.getName()) {
                            case "getMethod" -> "GET";
                            case "getHeader" -> headers.get((String) a[0]);
                            case "getHeaders" -> headers.containsKey((String) a[0])
                                    ? java.util.Collections.enumeration(List.of(headers.get((String) a[0])))
                                    : java.util.Collections.emptyEnumeration();
                            default -> throw new AssertionError("not expected: " + m.getName());
                        });
        jakarta.servlet.http.HttpServletResponse res = (jakarta.servlet.http.HttpServletResponse)
                java.lang.reflect.Proxy.newProxyInstance(ServletUpgradeTest.class.getClassLoader(),
                        new Class<?>[] {jakarta.servlet.http.HttpServletResponse.class}, (p, m, a) -> {
                            throw new AssertionError("the response is the JSR-356 endpoint's: " + m.getName());
                        });
        return new ServletUpgradeWebSockets(null, null, null, null).upgrade(req, res);
    }

    @Test
    void aHandshakeThisPathCannotCompleteGoesOnToTheJsr356EndpointUntouched() throws IOException {
        Map<String, String> good = Map.of("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version", "13", "Connection", "Upgrade", "Upgrade", "websocket");
        for (Map.Entry<String, String> broken : List.of(Map.entry("Sec-WebSocket-Version", "8"),
                Map.entry("Sec-WebSocket-Key", "short"), Map.entry("Connection", "keep-alive"))) {
            Map<String, String> h = new java.util.HashMap<>(good);
            h.put(broken.getKey(), broken.getValue());
            assertFalse(upgrade(h), broken.toString());
        }
        Map<String, String> noKey = new java.util.HashMap<>(good);
        noKey.remove("Sec-WebSocket-Key");
        assertFalse(upgrade(noKey), "no key");
    }

    @Test
    void theClientsFirstWampV2SubprotocolIsChosen() {
        assertEquals("wamp.2.msgpack",
                ServletUpgradeWebSockets.negotiate("mqtt, wamp.2.msgpack, wamp.2.json").subprotocol());
        assertEquals("wamp.2.json", ServletUpgradeWebSockets.negotiate("wamp,wamp.2.json").subprotocol());
        assertNull(ServletUpgradeWebSockets.negotiate("wamp, wamp.2.bogus"));
        assertNull(ServletUpgradeWebSockets.negotiate(null));
    }

    @Test
    void onByDefaultOnlyWhereItWasMeasuredToPay() {
        NativeWebSocket unset = NativeWebSocket.from(Map.<String, String>of()::get);
        assertTrue(unset.servletUpgradeOn("Open Liberty/25.0.0.12"));
        assertFalse(unset.servletUpgradeOn("Payara Micro #badassmicrofish (build 1)"));
        assertFalse(unset.servletUpgradeOn("Apache Tomcat (TomEE)/10.0.27 (9.0.0)"));
        assertFalse(unset.servletUpgradeOn(null));
        NativeWebSocket off = NativeWebSocket.from(Map.of(NativeWebSocket.SERVLET_UPGRADE, "false")::get);
        assertFalse(off.servletUpgradeOn("Open Liberty/25.0.0.12"));
        NativeWebSocket on = NativeWebSocket.from(Map.of(NativeWebSocket.SERVLET_UPGRADE, "true")::get);
        assertTrue(on.servletUpgradeOn("Apache Tomcat (TomEE)/10.0.27 (9.0.0)"));
        assertThrows(IllegalArgumentException.class,
                () -> NativeWebSocket.from(Map.of(NativeWebSocket.SERVLET_UPGRADE, "yes")::get));
    }

    // ------------------------------------------------------------------------------------ a connection

    /** The container's side of an upgraded connection: octets to hand over, readiness either way, what was written. */
    static final class Streams implements WebConnection {
        final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
        boolean finished;
        boolean writable = true;
        /** Whether a write leaves the stream not ready (the socket did not take it all). */
        boolean stallAfterWrite;
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        ReadListener reader;
        WriteListener writer;

        final ServletInputStream in = new ServletInputStream() {
            @Override
            public boolean isFinished() {
                return finished && inbound.isEmpty();
            }

            @Override
            public boolean isReady() {
                return !inbound.isEmpty() || finished;
            }

            @Override
            public void setReadListener(ReadListener l) {
                if (reader != null) {
                    throw new IllegalStateException("the read listener is set once");
                }
                reader = l;
            }

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                byte[] head = inbound.poll();
                if (head == null) {
                    if (finished) {
                        return -1;
                    }
                    throw new IllegalStateException("read while not ready");
                }
                int n = Math.min(len, head.length);
                System.arraycopy(head, 0, b, off, n);
                if (n < head.length) {
                    inbound.addFirst(Arrays.copyOfRange(head, n, head.length));
                }
                return n;
            }
        };

        final ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return writable;
            }

            @Override
            public void setWriteListener(WriteListener l) {
                writer = l;
            }

            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            /** Under the stream's monitor, as Open Liberty's upgraded output stream writes. */
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                if (!writable) {
                    throw new IllegalStateException("write while not ready");
                }
                written.write(b, off, len);
                writes.incrementAndGet();
                writable = !stallAfterWrite;
            }
        };

        @Override
        public ServletInputStream getInputStream() {
            return in;
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return out;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }

        List<RawWebSocket.Frame> frames() {
            FramedLinkTest.FakeTransport parse = new FramedLinkTest.FakeTransport();
            parse.written.write(written.toByteArray(), 0, written.size());
            return parse.frames();
        }
    }

    private final Streams streams = new Streams();
    private final ServletUpgradeConnection connection = new ServletUpgradeConnection();
    private final FramedLinkTest.Recorder endpoint = new FramedLinkTest.Recorder();
    private final Set<FramedLink> registry = ConcurrentHashMap.newKeySet();
    private final FramedLink link;

    ServletUpgradeTest() throws IOException {
        connection.streams(streams);
        link = new FramedLink(connection, "127.0.0.1:1", 1 << 20, 30_000, registry);
        connection.listenTo(link);
        link.attach(endpoint);
        link.start();
    }

    private static byte[] text(String s) {
        return RawWebSocket.frame(0x81, s.getBytes(StandardCharsets.UTF_8), true);
    }

    @Test
    void startingTheLinkSetsTheReadListenerOnce() {
        assertEquals(connection, streams.reader);
        assertEquals(connection, streams.writer);
        connection.resumeReads(); // again: no second listener (the stream would refuse it)
    }

    @Test
    void aMessageSplitAcrossReadsArrivesWholeAndReadingStopsWhenTheStreamIsNotReady() {
        byte[] frame = text("[1,\"realm1\",{}]");
        streams.inbound.add(Arrays.copyOfRange(frame, 0, 5));
        streams.inbound.add(Arrays.copyOfRange(frame, 5, frame.length));
        streams.inbound.add(text("second"));
        connection.onDataAvailable();
        assertEquals(List.of("text [1,\"realm1\",{}]", "text second"), endpoint.seen);
        assertTrue(streams.inbound.isEmpty());
        assertTrue(connection.isOpen());
    }

    @Test
    void writesGoOutWhileTheStreamIsReadyAndTheRestWhenTheContainerSaysItCanGoOn() {
        FramedLinkTest.Told first = new FramedLinkTest.Told();
        FramedLinkTest.Told second = new FramedLinkTest.Told();
        streams.stallAfterWrite = true;
        link.sendText("one", first);
        link.sendText("two", second); // the stream is not ready: it waits
        assertEquals(1, streams.writes.get());
        assertTrue(first.ok());
        assertTrue(second.results.isEmpty(), "not told before it is written");
        streams.stallAfterWrite = false;
        streams.writable = true;
        connection.onWritePossible();
        assertEquals(2, streams.writes.get());
        assertTrue(second.ok());
        List<RawWebSocket.Frame> frames = streams.frames();
        assertEquals(2, frames.size());
        assertArrayEquals("one".getBytes(StandardCharsets.UTF_8), frames.get(0).payload());
        assertArrayEquals("two".getBytes(StandardCharsets.UTF_8), frames.get(1).payload());
    }

    @Test
    void thePeersCloseIsAnsweredThenTheConnectionClosedOnce() {
        streams.inbound.add(RawWebSocket.frame(0x88, new byte[] {0x03, (byte) 0xE8}, true));
        connection.onDataAvailable();
        List<RawWebSocket.Frame> frames = streams.frames();
        assertEquals(1, frames.size());
        assertEquals(0x8, frames.get(0).opcode());
        assertEquals(1, streams.closes.get());
        assertFalse(connection.isOpen());
        assertTrue(endpoint.closedCalls.get() > 0, "the endpoint is told");
        connection.destroy(); // the container's end after ours: nothing more
        assertEquals(1, streams.closes.get());
        assertTrue(registry.isEmpty(), "the link left the open connections");
    }

    @Test
    void theEndOfTheStreamClosesTheConnection() {
        streams.finished = true;
        connection.onDataAvailable();
        assertFalse(connection.isOpen());
        assertEquals(1, streams.closes.get());
        assertTrue(registry.isEmpty());
        FramedLinkTest.Told late = new FramedLinkTest.Told();
        link.sendText("late", late);
        assertEquals(0, streams.writes.get(), "nothing is written after the end");
    }

    @Test
    void aProtocolErrorIsAnsweredWith1002() {
        streams.inbound.add(RawWebSocket.frame(0x81, "unmasked".getBytes(StandardCharsets.UTF_8), false));
        connection.onDataAvailable();
        List<RawWebSocket.Frame> frames = streams.frames();
        assertEquals(1, frames.size());
        assertEquals(0x8, frames.get(0).opcode());
        assertEquals(1002, ((frames.get(0).payload()[0] & 0xFF) << 8) | (frames.get(0).payload()[1] & 0xFF));
        assertEquals(1, streams.closes.get());
        assertTrue(endpoint.seen.isEmpty());
    }

    /**
     * Open Liberty calls a write listener holding the output stream's monitor (which its write takes too) while
     * another thread may be writing under the link's lock, waiting for that monitor: the call must not wait for the
     * link's lock there. Run like that, both threads would wait for ever.
     */
    private void aWriteListenerCallUnderTheStreamsMonitor(Runnable call) throws Exception {
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try {
            connection.prepare(new ServletUpgradeWebSockets(null, null, null, timers), null, "127.0.0.1:1", null,
                    null, false);
            FramedLinkTest.Told told = new FramedLinkTest.Told();
            Thread writer = new Thread(() -> link.sendText("one", told), "writer");
            writer.setDaemon(true);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                synchronized (streams.out) {
                    writer.start();
                    while (writer.getState() != Thread.State.BLOCKED) { // holds the link's lock, waits for the stream
                        Thread.sleep(1);
                    }
                    call.run();
                }
                writer.join();
            }, "the container's call waited for the link's lock");
            assertTrue(told.ok(), "the writer's frame went out");
            timers.submit(() -> null).get(10, TimeUnit.SECONDS); // what the call handed on has run
        } finally {
            timers.shutdownNow();
        }
    }

    @Test
    void onWritePossibleUnderTheStreamsMonitorGoesOnElsewhere() throws Exception {
        aWriteListenerCallUnderTheStreamsMonitor(connection::onWritePossible);
        assertTrue(connection.isOpen());
        assertEquals(1, streams.frames().size());
    }

    @Test
    void aWriteErrorUnderTheStreamsMonitorClosesElsewhere() throws Exception {
        aWriteListenerCallUnderTheStreamsMonitor(() -> connection.onError(new IOException("broken pipe")));
        assertFalse(connection.isOpen());
        assertEquals(1, streams.closes.get());
        assertTrue(registry.isEmpty(), "the link left the open connections");
    }

    @Test
    void theContainersEndUnderTheStreamsMonitorEndsTheLinkElsewhere() throws Exception {
        aWriteListenerCallUnderTheStreamsMonitor(connection::destroy);
        assertFalse(connection.isOpen());
        assertTrue(registry.isEmpty(), "the link left the open connections");
    }

    @Test
    void aCallUnderTheStreamsMonitorOnceTheRouterStoppedReturnsAndLeavesTheCloseToTheStop() throws Exception {
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        stopped.shutdown();
        connection.prepare(new ServletUpgradeWebSockets(null, null, null, stopped), null, "127.0.0.1:1", null, null,
                false);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            synchronized (streams.out) {
                connection.onError(new IOException("broken pipe")); // refused by the scheduler: not thrown here
            }
        });
        assertTrue(connection.isOpen(), "the application's stop closes it");
        assertEquals(0, streams.closes.get());
    }
}
