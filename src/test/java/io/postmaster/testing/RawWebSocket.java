package io.postmaster.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal blocking RFC 6455 client on a plain socket, for what the JDK client hides from a test or an attacker: the
 * local address to come from, a small receive buffer, not reading at all, never answering pings, dropping the
 * connection without a close frame. It sends unfragmented masked text frames and reads any frame. Used by the
 * container suite and by the benchmark and soak commands ({@code src/bench}).
 */
public final class RawWebSocket implements AutoCloseable {
    /** How long connecting and each read wait unless told otherwise. */
    public static final int DEFAULT_TIMEOUT_MS = 10_000;

    /** One frame from the server (server frames are unmasked). */
    public record Frame(int opcode, byte[] payload) {
        public static final int TEXT = 0x1;
        public static final int CLOSE = 0x8;
        public static final int PING = 0x9;

        /** The code of a close frame; 1005 (no code) if it carries none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        /** The reason of a close frame, or the text of a text frame. */
        String reason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    /** What {@link #readFrame(int)} returns once the server ended the connection (end of stream or reset). */
    public static final Frame END = new Frame(-1, new byte[0]);

    /** The server sent a close frame (its code and reason) or dropped the connection (code -1). */
    public static final class Closed extends IOException {
        private final int code;

        Closed(int code, String reason) {
            super(code < 0 ? reason : "closed " + code + (reason.isEmpty() ? "" : " " + reason));
            this.code = code;
        }

        /** The close code the server sent; -1 if it dropped the connection without a close frame. */
        public int code() {
            return code;
        }
    }

    /** Whether the frame {@link #nextFrame} read last ended its message (FIN). */
    private boolean lastFin = true;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int pingsSeen;

    /** Connects from {@code local} (any free port) and completes the handshake offering {@code subprotocol}. */
    public RawWebSocket(URI ws, InetAddress local, String subprotocol) throws IOException {
        this(ws, local, 0, DEFAULT_TIMEOUT_MS, subprotocol);
    }

    /**
     * Connects from {@code local} (any address if null; any free port), with a receive buffer of
     * {@code receiveBuffer} bytes unless 0 (set before connecting, so that the TCP window is small from the start),
     * and completes the handshake offering {@code subprotocol}. {@code timeoutMs} bounds connecting and each read.
     *
     * @throws IOException "handshake refused: " and the server's status line if it does not switch protocols
     */
    public RawWebSocket(URI ws, InetAddress local, int receiveBuffer, int timeoutMs, String subprotocol)
            throws IOException {
        this(ws, local, receiveBuffer, timeoutMs, subprotocol, new byte[0]);
    }

    /**
     * Completes the handshake offering {@code subprotocol}, with {@code withHandshake} (frames, say) written in the
     * same write as the handshake's request, before its response is read: a client that does not wait for the
     * response to send its first frames.
     */
    public RawWebSocket(URI ws, String subprotocol, byte[] withHandshake) throws IOException {
        this(ws, null, 0, DEFAULT_TIMEOUT_MS, subprotocol, withHandshake);
    }

    private RawWebSocket(URI ws, InetAddress local, int receiveBuffer, int timeoutMs, String subprotocol,
                         byte[] withHandshake) throws IOException {
        socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            if (local != null) {
                socket.bind(new InetSocketAddress(local, 0));
            }
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
                    + "Sec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n";
            byte[] head = request.getBytes(StandardCharsets.US_ASCII);
            byte[] all = java.util.Arrays.copyOf(head, head.length + withHandshake.length);
            System.arraycopy(withHandshake, 0, all, head.length, withHandshake.length);
            out.write(all);
            out.flush();
            String response = readHead(in);
            if (!response.startsWith("HTTP/1.1 101")) {
                throw new IOException("handshake refused: " + response.lines().findFirst().orElse(response));
            }
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The local end: {@code address:port}, as the server should see its peer. */
    public String localAddress() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /** How long each read waits before {@link SocketTimeoutException} from now on. */
    public void setReadTimeout(int ms) throws IOException {
        socket.setSoTimeout(ms);
    }

    /** Sends one text message in one masked frame. */
    public void sendText(String text) throws IOException {
        sendRaw(frame(0x80 | Frame.TEXT, text.getBytes(StandardCharsets.UTF_8), true));
    }

    /** Sends {@code bytes} as they are: frames made by {@link #frame}, or anything else. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * One frame as a client writes it: {@code b0} (FIN, RSV bits, opcode) as given, the shortest length encoding,
     * masked with a random key unless {@code masked} is false.
     */
    public static byte[] frame(int b0, byte[] payload, boolean masked) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(b0);
        int m = masked ? 0x80 : 0;
        if (payload.length < 126) {
            f.write(m | payload.length);
        } else if (payload.length < 65536) {
            f.write(m | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(m | 127);
            for (int s = 56; s >= 0; s -= 8) {
                f.write((int) ((long) payload.length >>> s));
            }
        }
        byte[] mask = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(mask);
            f.write(mask, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        return f.toByteArray();
    }

    /**
     * The next text message; pings and pongs are skipped (never answered).
     *
     * @throws Closed on a close frame or the end of the connection
     * @throws SocketTimeoutException if nothing comes within the read timeout
     */
    public String readText() throws IOException {
        while (true) {
            Frame f = nextFrame();
            if (f == END) {
                throw new Closed(-1, "dropped without a close frame");
            }
            if (f.opcode() == Frame.TEXT) {
                if (lastFin) {
                    return new String(f.payload(), StandardCharsets.UTF_8);
                }
                // a message in several frames (RFC 6455 section 5.4): its continuations follow, control frames between
                ByteArrayOutputStream whole = new ByteArrayOutputStream();
                whole.write(f.payload());
                while (true) {
                    Frame c = nextFrame();
                    if (c == END) {
                        throw new Closed(-1, "dropped without a close frame");
                    }
                    if (c.opcode() == Frame.CLOSE) {
                        throw new Closed(c.closeCode(), c.reason());
                    }
                    if (c.opcode() == 0) {
                        whole.write(c.payload());
                        if (lastFin) {
                            return whole.toString(StandardCharsets.UTF_8);
                        }
                    }
                }
            }
            if (f.opcode() == Frame.CLOSE) {
                throw new Closed(f.closeCode(), f.reason());
            }
        }
    }

    /** The next text message, or null if none comes within the read timeout; see {@link #readText()}. */
    public String pollText() throws IOException {
        try {
            return readText();
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** The next frame of any kind, {@link #END} if the connection ended, or null if none comes within {@code ms}. */
    public Frame readFrame(int ms) throws IOException {
        socket.setSoTimeout(ms);
        try {
            return nextFrame();
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /**
     * Reads until the server closes the connection, within {@code ms}, answering no ping: a peer that reads but never
     * answers pings (most WebSocket clients answer them by themselves).
     *
     * @return the close code the server sent
     * @throws SocketTimeoutException if the server did not close it in time
     * @throws Closed if the connection ended without a close frame
     */
    public int awaitCloseIgnoringPings(int ms) throws IOException {
        socket.setSoTimeout(ms);
        while (true) {
            Frame f = nextFrame();
            if (f == END) {
                throw new Closed(-1, "dropped without a close frame");
            }
            if (f.opcode() == Frame.PING) {
                pingsSeen++;
            } else if (f.opcode() == Frame.CLOSE) {
                return f.closeCode();
            }
        }
    }

    /** Pings read (and left unanswered) by {@link #awaitCloseIgnoringPings}. */
    public int pingsSeen() {
        return pingsSeen;
    }

    /** Drops the connection without a close frame, as a crashed client does (a TCP reset). */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Sends a close frame (1000) if the connection still takes one, and closes the socket. */
    @Override
    public void close() {
        try {
            out.write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8}); // close 1000, zero mask
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

    /** The next frame, {@link #END} if the connection ended; a read timeout as it comes. */
    private Frame nextFrame() throws IOException {
        try {
            int b0 = in.readUnsignedByte();
            lastFin = (b0 & 0x80) != 0;
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
        } catch (EOFException | SocketException e) { // ended, or reset
            return END;
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
