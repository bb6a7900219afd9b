package io.postmaster.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal RFC 6455 client on a plain socket, for what the JDK client hides: which local address and port the
 * connection comes from. Text frames only, unfragmented.
 */
final class RawWebSocket implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** Connects from {@code local} (any free port) and completes the handshake offering {@code subprotocol}. */
    RawWebSocket(URI ws, InetAddress local, String subprotocol) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(local, 0));
        socket.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), 5000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET " + ws.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + ws.getHost() + ":" + ws.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + head);
        }
    }

    /**
     * Reads until the server closes the connection, within {@code ms}, answering no ping: a peer that reads but never
     * answers pings (most WebSocket clients answer them by themselves).
     *
     * @return the close code the server sent
     * @throws java.net.SocketTimeoutException if the server did not close it in time
     */
    int awaitCloseIgnoringPings(int ms) throws IOException {
        socket.setSoTimeout(ms);
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == 0x9) {
                pingsSeen++;
            } else if (f.opcode() == 0x8) {
                return f.payload().length >= 2 ? (f.payload()[0] & 0xff) << 8 | (f.payload()[1] & 0xff) : 1005;
            }
        }
    }

    private record Frame(int opcode, byte[] payload) {
    }

    /** The next frame from the server (server frames are unmasked). */
    private Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    /** Pings read by {@link #awaitCloseIgnoringPings}. */
    int pingsSeen;

    /** The local end: {@code address:port}, as the server should see its peer. */
    String localAddress() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /** How long {@link #readText()} waits before {@link java.net.SocketTimeoutException} (10 s unless set). */
    void setReadTimeout(int ms) throws IOException {
        socket.setSoTimeout(ms);
    }

    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(0x81); // FIN, text
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            throw new IllegalArgumentException("message too long for this client");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    /** The next text message (server frames are unmasked). */
    String readText() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == 0x1) {
                return new String(f.payload(), StandardCharsets.UTF_8);
            }
            if (f.opcode() == 0x8) {
                throw new IOException("closed by the server");
            }
            // anything else (ping, pong) is skipped
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8}); // close 1000
            out.flush();
        } catch (IOException ignored) {
            // already gone
        }
        socket.close();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed during the handshake: " + b);
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
                    : c == '\r' ? 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
