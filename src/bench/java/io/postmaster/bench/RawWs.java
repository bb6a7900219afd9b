package io.postmaster.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal blocking RFC 6455 client on a plain socket, for what the JDK client hides from an attacker: the local
 * address to come from, a small receive buffer, and not reading at all. Text frames only, unfragmented; a close frame
 * from the server becomes {@link Closed}.
 */
final class RawWs implements AutoCloseable {
    /** The server sent a close frame (code, reason) or dropped the connection (code -1). */
    static final class Closed extends IOException {
        final int code;

        Closed(int code, String reason) {
            super(code < 0 ? reason : "closed " + code + (reason.isEmpty() ? "" : " " + reason));
            this.code = code;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /**
     * Connects from {@code local} (any free port), with a receive buffer of {@code receiveBuffer} bytes unless 0, and
     * completes the handshake offering {@code wamp.2.json}.
     */
    RawWs(URI ws, InetAddress local, int receiveBuffer, int timeoutMs) throws IOException {
        socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer); // before connect, so the TCP window is small from the start
            }
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            String request = "GET " + ws.getRawPath() + " HTTP/1.1\r\n"
                    + "Host: " + ws.getHost() + ":" + ws.getPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: wamp.2.json\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("handshake refused: " + head.lines().findFirst().orElse(head));
            }
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    void timeout(int ms) throws IOException {
        socket.setSoTimeout(ms);
    }

    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] f = new byte[payload.length + 14];
        int p = 0;
        f[p++] = (byte) 0x81; // FIN, text
        if (payload.length < 126) {
            f[p++] = (byte) (0x80 | payload.length);
        } else if (payload.length < 65536) {
            f[p++] = (byte) (0x80 | 126);
            f[p++] = (byte) (payload.length >>> 8);
            f[p++] = (byte) payload.length;
        } else {
            f[p++] = (byte) (0x80 | 127);
            for (int s = 56; s >= 0; s -= 8) {
                f[p++] = (byte) ((long) payload.length >>> s);
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        System.arraycopy(mask, 0, f, p, 4);
        p += 4;
        for (int i = 0; i < payload.length; i++) {
            f[p++] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(f, 0, p);
        out.flush();
    }

    /** The next text message; {@link Closed} on a close frame or the end of the stream, a timeout as it comes. */
    String readText() throws IOException {
        while (true) {
            int b0;
            try {
                b0 = in.readUnsignedByte();
            } catch (java.io.EOFException | java.net.SocketException e) {
                throw new Closed(-1, "dropped without a close frame");
            }
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            int opcode = b0 & 0x0f;
            if (opcode == 0x1) {
                return new String(payload, StandardCharsets.UTF_8);
            }
            if (opcode == 0x8) {
                int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)
                        : "";
                throw new Closed(code, reason);
            }
            // ping, pong: skipped (this client never answers pings: it is an attacker)
        }
    }

    /** The next text message, or null if none comes within the socket timeout. */
    String pollText() throws IOException {
        try {
            return readText();
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Drops the connection without a close frame, as a crashed client does. */
    void abort() {
        try {
            socket.setSoLinger(true, 0); // RST
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            out.write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8}); // close 1000
            out.flush();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed during the handshake" + (b.size() == 0 ? "" : ": " + b));
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
                    : c == '\r' ? 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
