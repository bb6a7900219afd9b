package io.postmaster.testing;

import io.postmaster.message.WampMessage;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.serialization.Serializer;
import io.postmaster.serialization.Serializers;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * A WAMP-over-RawSocket client on a blocking socket, octet by octet as the spec writes them, for tests that must
 * also send what no client library would (bad handshakes, reserved bits, oversize frames). Not thread-safe: one test
 * thread drives it.
 */
public final class RawSocketTestClient implements AutoCloseable {
    /** Frame types. */
    public static final int MESSAGE = 0;
    public static final int PING = 1;
    public static final int PONG = 2;

    /** One frame as received. */
    public record Received(int type, byte[] payload) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private Serializer serializer;
    /** The largest message the router accepts, from its handshake reply. */
    private int routerMaxLength;

    private RawSocketTestClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(5_000);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens a TCP connection from {@code local} (null: any local address); no handshake yet. */
    public static RawSocketTestClient connect(String host, int port, InetAddress local) throws IOException {
        Socket s = new Socket();
        if (local != null) {
            s.bind(new InetSocketAddress(local, 0));
        }
        s.connect(new InetSocketAddress(host, port), 5_000);
        return new RawSocketTestClient(s);
    }

    /** Connects and completes the handshake for serializer {@code id} (1 JSON, 2 MessagePack, 3 CBOR), 16 MiB. */
    public static RawSocketTestClient open(String host, int port, int serializerId) throws IOException {
        RawSocketTestClient c = connect(host, port, null);
        byte[] reply = c.handshake(0xF0 | serializerId);
        if ((reply[0] & 0xFF) != 0x7F || (reply[1] & 0x0F) != serializerId) {
            c.close();
            throw new IOException("handshake refused: " + hex(reply));
        }
        return c;
    }

    /** Connects, handshakes and joins {@code realm} (WELCOME received). */
    public static RawSocketTestClient join(String host, int port, int serializerId, String realm) throws Exception {
        RawSocketTestClient c = open(host, port, serializerId);
        c.send(new WampMessage.Hello(realm, WampTestClient.ROLES));
        c.next(WampMessage.Welcome.class);
        return c;
    }

    /** Sends {@code 0x7F, second, 0, 0} and reads the 4-octet reply. */
    public byte[] handshake(int second) throws IOException {
        return handshake(new byte[] {0x7F, (byte) second, 0, 0});
    }

    /** Sends the 4 octets given and reads the 4-octet reply; on success, takes the serializer it names. */
    public byte[] handshake(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        byte[] reply = new byte[4];
        in.readFully(reply);
        int id = reply[1] & 0x0F;
        if ((reply[0] & 0xFF) == 0x7F && id != 0) {
            serializer = Serializers.forRawSocket(id);
            routerMaxLength = 1 << (9 + ((reply[1] >> 4) & 0x0F));
        }
        return reply;
    }

    public Serializer serializer() {
        return serializer;
    }

    public int routerMaxLength() {
        return routerMaxLength;
    }

    public void send(WampMessage m) throws IOException {
        sendFrame(MESSAGE, ((Frame.Binary) serializer.encode(m)).bytes());
    }

    /** A frame of {@code type} with {@code payload}. */
    public void sendFrame(int type, byte[] payload) throws IOException {
        writePrefix(type, payload.length);
        out.write(payload);
        out.flush();
    }

    /** Only a prefix: the first octet as given, then a 24-bit length. */
    public void sendPrefix(int firstOctet, int length) throws IOException {
        out.write(new byte[] {(byte) firstOctet, (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        out.flush();
    }

    /** Raw octets. */
    public void sendRaw(byte[] octets) throws IOException {
        out.write(octets);
        out.flush();
    }

    private void writePrefix(int type, int length) throws IOException {
        sendPrefix(length == 1 << 24 ? 0x08 | type : type, length == 1 << 24 ? 0 : length);
    }

    /** The next frame, waiting up to {@code ms}. */
    public Received frame(int ms) throws IOException {
        socket.setSoTimeout(ms);
        try {
            return frame();
        } finally {
            socket.setSoTimeout(5_000);
        }
    }

    /** The next frame, waiting up to 5 s. */
    public Received frame() throws IOException {
        byte[] p = new byte[4];
        in.readFully(p);
        int type = p[0] & 0x07;
        int length = (p[1] & 0xFF) << 16 | (p[2] & 0xFF) << 8 | (p[3] & 0xFF);
        if ((p[0] & 0x08) != 0) {
            length = 1 << 24;
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Received(type, payload);
    }

    /** The next WAMP message, answering the router's PINGs on the way. */
    public WampMessage next() throws IOException {
        while (true) {
            Received f = frame();
            if (f.type() == PING) {
                sendFrame(PONG, f.payload());
                continue;
            }
            if (f.type() != MESSAGE) {
                throw new AssertionError("expected a message frame, got type " + f.type());
            }
            try {
                return serializer.decode(f.payload(), 0, f.payload().length);
            } catch (MalformedMessageException e) {
                throw new AssertionError("the router sent an undecodable message", e);
            }
        }
    }

    /** As {@link #next(Class)}, waiting up to {@code ms} (a credential check may take seconds on a loaded machine). */
    public <T extends WampMessage> T next(Class<T> type, int ms) throws IOException {
        socket.setSoTimeout(ms);
        try {
            return next(type);
        } finally {
            socket.setSoTimeout(5_000);
        }
    }

    @SuppressWarnings("unchecked")
    public <T extends WampMessage> T next(Class<T> type) throws IOException {
        WampMessage m = next();
        if (!type.isInstance(m)) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + m);
        }
        return (T) m;
    }

    /**
     * Whether the router ends the connection within {@code ms}, reading (and discarding) whatever comes first: true
     * at the end of the stream or a reset, false if it is still open then.
     */
    public boolean closedWithin(long ms) throws IOException {
        long deadline = System.currentTimeMillis() + ms;
        try {
            while (System.currentTimeMillis() < deadline) {
                socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
                if (in.read() < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException | SocketException e) {
            return true; // reset
        } finally {
            socket.setSoTimeout(5_000);
        }
    }

    /** Octets the router sends before it ends the connection (within 5 s), none expected beyond {@code max}. */
    public byte[] readUntilClosed(int max) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try {
            for (int x; b.size() <= max && (x = in.read()) >= 0; ) {
                b.write(x);
            }
        } catch (SocketException e) {
            // reset: what came before counts
        }
        return b.toByteArray();
    }

    public static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xFF));
        }
        return s.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
