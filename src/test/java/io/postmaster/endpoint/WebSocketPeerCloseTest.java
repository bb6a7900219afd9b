package io.postmaster.endpoint;

import io.postmaster.config.OutboundLimits;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Peer;
import io.postmaster.serialization.JsonSerializer;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A container whose {@code Session.close} blocks (Open Liberty's may, until the close frame is written) must never
 * hold up the thread that asks for the close: that thread may be routing another session's message (a meta API kill
 * closes its targets inline), and a routing thread that waits delays that session's RESULT.
 */
class WebSocketPeerCloseTest {
    private final CountDownLatch closeMayReturn = new CountDownLatch(1);
    private final CountDownLatch closeCalled = new CountDownLatch(1);
    private final AtomicReference<Thread> closingThread = new AtomicReference<>();
    private final ExecutorService caller = Executors.newSingleThreadExecutor();
    private final ExecutorService closer = Executors.newSingleThreadExecutor();

    @AfterEach
    void release() {
        closeMayReturn.countDown();
        caller.shutdownNow();
        closer.shutdownNow();
    }

    /** An async remote that completes every send on the calling thread, as a container may for a small frame. */
    private RemoteEndpoint.Async inlineRemote() {
        return (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("send") && args != null && args.length == 2
                            && args[1] instanceof SendHandler h) {
                        h.onResult(new SendResult());
                    }
                    return null;
                });
    }

    /** A session whose close blocks until the test lets it return. */
    private Session blockingClose() {
        RemoteEndpoint.Async remote = inlineRemote();
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> remote;
                    case "getId" -> "ws-1";
                    case "isOpen" -> true;
                    case "close" -> {
                        closingThread.set(Thread.currentThread());
                        closeCalled.countDown();
                        closeMayReturn.await();
                        yield null;
                    }
                    default -> null;
                });
    }

    private WebSocketPeer peer() {
        return new WebSocketPeer(blockingClose(), new JsonSerializer(), 100, OutboundLimits.from(k -> null),
                new OutboundBudget(Long.MAX_VALUE), Runnable::run, closer,
                new Peer.TransportInfo("127.0.0.1:1", "wamp.2.json"), false);
    }

    @Test
    void aCloseWithNothingQueuedDoesNotBlockTheCaller() throws Exception {
        WebSocketPeer p = peer();
        Future<?> asked = caller.submit(() -> p.close(1000, "session killed"));
        asked.get(5, TimeUnit.SECONDS); // fails with a TimeoutException while the container's close blocks the caller
        assertTrue(closeCalled.await(5, TimeUnit.SECONDS), "the container's close was called");
        assertNotSame(callerThread(), closingThread.get());
    }

    @Test
    void aCloseAfterAGoodbyeThatCompletesInlineDoesNotBlockTheCaller() throws Exception {
        WebSocketPeer p = peer();
        Future<?> asked = caller.submit(() -> {
            p.send(new WampMessage.Goodbye(Map.of(), ErrorUris.GOODBYE_AND_OUT));
            p.close(1000, "session killed");
        });
        asked.get(5, TimeUnit.SECONDS);
        assertTrue(closeCalled.await(5, TimeUnit.SECONDS), "the container's close was called");
        assertNotSame(callerThread(), closingThread.get());
    }

    private Thread callerThread() throws Exception {
        return caller.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
    }
}
