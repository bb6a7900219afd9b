package io.postmaster.router;

import io.postmaster.message.WampMessage;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.Outgoing;
import io.postmaster.serialization.Serializer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory transport: records what the router sends (through a real encode/decode with the peer's serializer,
 * JSON unless given, so the router is tested on the wire form) and how the transport was closed.
 */
final class TestPeer implements Peer {
    private static final JsonSerializer JSON = new JsonSerializer();

    final LinkedBlockingQueue<WampMessage> received = new LinkedBlockingQueue<>();
    /** Every frame sent to this peer, in order: the very objects the router handed over. */
    final List<Frame> frames = Collections.synchronizedList(new ArrayList<>());
    private final Serializer serializer;
    volatile int closeCode;
    volatile String closeReason;
    Connection connection;
    /** Runs on the router's thread at each send, before the message is recorded (for checks of that thread's state). */
    volatile Runnable onSend = () -> { };
    private final String name;

    TestPeer(String name) {
        this(name, JSON);
    }

    TestPeer(String name, Serializer serializer) {
        this.name = name;
        this.serializer = serializer;
    }

    static TestPeer connect(Router router, String name) {
        return connect(router, name, JSON);
    }

    static TestPeer connect(Router router, String name, Serializer serializer) {
        TestPeer p = new TestPeer(name, serializer);
        p.connection = router.connect(p);
        return p;
    }

    @Override
    public void send(Outgoing message) {
        if (closeCode != 0) {
            return;
        }
        onSend.run();
        try {
            Frame f = message.frame(serializer);
            frames.add(f);
            received.add(f instanceof Frame.Text t ? serializer.decode(t.text())
                    : serializer.decode(((Frame.Binary) f).bytes(), 0, ((Frame.Binary) f).bytes().length));
        } catch (MalformedMessageException e) {
            throw new AssertionError("router sent an undecodable message", e);
        }
    }

    /** The messages sent as the router's own burst ({@link Peer#sendPaced}), in order. */
    final List<WampMessage> paced = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void sendPaced(Outgoing message) {
        paced.add(message.message());
        send(message);
    }

    @Override
    public void close(int code, String reason) {
        if (closeCode == 0) {
            closeCode = code;
            closeReason = reason;
            connection.onTransportClosed(); // as the container reports the close back
        }
    }

    @Override
    public TransportInfo transport() {
        return new TransportInfo(name, serializer.subprotocol());
    }

    /** Sends a message to the router, as the endpoint would. */
    void in(WampMessage m) {
        connection.onMessage(m);
    }

    /** The next message the router sent, waiting up to 2 s. */
    WampMessage next() {
        try {
            WampMessage m = received.poll(2, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError(name + ": nothing received");
            }
            return m;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    <T extends WampMessage> T next(Class<T> type) {
        WampMessage m = next();
        if (!type.isInstance(m)) {
            throw new AssertionError(name + ": expected " + type.getSimpleName() + ", got " + m);
        }
        return (T) m;
    }

    /** Asserts nothing more arrives within {@code ms}. */
    void nothingMore(long ms) {
        try {
            WampMessage m = received.poll(ms, TimeUnit.MILLISECONDS);
            if (m != null) {
                throw new AssertionError(name + ": unexpected " + m);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    List<WampMessage> drain() {
        List<WampMessage> out = new ArrayList<>();
        received.drainTo(out);
        return out;
    }
}
