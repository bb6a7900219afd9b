package io.postmaster.cluster;

import io.postmaster.message.WampMessage;
import io.postmaster.router.Connection;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import io.postmaster.serialization.Outgoing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An in-memory WAMP client of one router (one node): what the router sends it, in order. */
public final class Client implements Peer {
    public final LinkedBlockingQueue<WampMessage> received = new LinkedBlockingQueue<>();
    private final String name;
    private Connection connection;
    long session;
    private long request;

    private Client(String name) {
        this.name = name;
    }

    /** A client joined to realm1 of {@code router}. */
    public static Client join(Router router, String name) throws InterruptedException {
        Client c = new Client(name);
        c.connection = router.connect(c);
        c.connection.onMessage(new WampMessage.Hello("realm1", Map.of("roles",
                Map.of("publisher", Map.of(), "subscriber", Map.of()))));
        c.session = c.next(WampMessage.Welcome.class).session();
        return c;
    }

    /** Subscribes and returns the subscription ID. */
    public long subscribe(String topic, String match) throws InterruptedException {
        connection.onMessage(new WampMessage.Subscribe(++request, match == null ? Map.of() : Map.of("match", match),
                topic));
        return next(WampMessage.Subscribed.class).subscription();
    }

    public void publish(String topic, Map<String, Object> options, List<Object> args) {
        connection.onMessage(new WampMessage.Publish(++request, options, topic, args, null));
    }

    @SuppressWarnings("unchecked")
    <T extends WampMessage> T next(Class<T> type) throws InterruptedException {
        WampMessage m = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, name + ": nothing received, expected " + type.getSimpleName());
        assertTrue(type.isInstance(m), name + ": expected " + type.getSimpleName() + ", got " + m);
        return (T) m;
    }

    /** Asserts nothing more arrives within {@code ms}. */
    void nothingMore(long ms) throws InterruptedException {
        assertNull(received.poll(ms, TimeUnit.MILLISECONDS), name + ": unexpected message");
    }

    @Override
    public void send(Outgoing message) {
        received.add(message.message());
    }

    @Override
    public void close(int code, String reason) {
        connection.onTransportClosed();
    }

    @Override
    public TransportInfo transport() {
        return new TransportInfo(name, "wamp.2.json");
    }
}
