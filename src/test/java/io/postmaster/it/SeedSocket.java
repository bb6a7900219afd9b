package io.postmaster.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal RFC 6455 client on a plain socket for the seed protocols' hostile tests: text and binary frames of any
 * content, many frames in one write (so they reach the server together), an optional subprotocol, and the close code
 * the server sends.
 */
final class SeedSocket implements AutoCloseable {
    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;

    /** A frame from the server: its opcode (1 text, 2 binary, 8 close) and payload. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** Connects and completes the handshake, offering {@code subprotocol} unless null. */
    SeedSocket(URI ws, String subprotocol) throws IOException {
        socket.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), 5000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET " + ws.getRawPath() + " HTTP/1.1\r\nHost: " + ws.getHost() + ":" + ws.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
                + (subprotocol == null ? "" : "Sec-WebSocket-Protocol: " + subprotocol + "\r\n") + "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + head);
        }
    }

    void sendText(String text) throws IOException {
        send(frame(0x1, text.getBytes(StandardCharsets.UTF_8)));
    }

    void sendBinary(byte[] data) throws IOException {
        send(frame(0x2, data));
    }

    /** Sends text frames in one write. */
    void sendTexts(Iterable<String> texts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String t : texts) {
            all.write(frame(0x1, t.getBytes(StandardCharsets.UTF_8)));
        }
        send(all.toByteArray());
    }

    /** Sends binary frames in one write. */
    void sendBinaries(Iterable<byte[]> frames) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            all.write(frame(0x2, f));
        }
        send(all.toByteArray());
    }

    private void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private static byte[] frame(int opcode, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(0x80 | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(0x80 | 127);
            long n = payload.length;
            for (int i = 7; i >= 0; i--) {
                f.write((int) (n >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        return f.toByteArray();
    }

    /** The next text or binary frame (pings and pongs skipped); a close frame is returned as such. */
    Frame next() throws IOException {
        while (true) {
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
            int opcode = b0 & 0x0f;
            if (opcode == 0x1 || opcode == 0x2 || opcode == 0x8) {
                return new Frame(opcode, payload);
            }
            if (opcode == 0x9) {
                pingsSeen++;
            }
        }
    }

    private int pingsSeen;

    /** Pings the server sent, read by {@link #next} and never answered. */
    int pingsSeen() {
        return pingsSeen;
    }

    /**
     * Reads until the server's close frame, within {@code ms}, answering no ping (a peer gone silent); its code.
     * Other frames are skipped.
     */
    int awaitCloseIgnoringPings(int ms) throws IOException {
        socket.setSoTimeout(ms);
        while (true) {
            Frame f = next();
            if (f.opcode() == 0x8) {
                return f.payload().length < 2 ? 1005 : ((f.payload()[0] & 0xff) << 8) | (f.payload()[1] & 0xff);
            }
        }
    }

    /** The next text frame; fails on anything else. */
    String nextText() throws IOException {
        Frame f = next();
        if (f.opcode() != 0x1) {
            throw new IOException("expected a text frame, got opcode " + f.opcode());
        }
        return f.text();
    }

    /** The next binary frame; fails on anything else. */
    byte[] nextBinary() throws IOException {
        Frame f = next();
        if (f.opcode() != 0x2) {
            throw new IOException("expected a binary frame, got opcode " + f.opcode()
                    + (f.opcode() == 8 ? " (close " + closeCode(f) + ")" : ""));
        }
        return f.payload();
    }

    /** Reads until the server's close frame, within {@code ms}; its code. */
    int awaitClose(int ms) throws IOException {
        socket.setSoTimeout(ms);
        while (true) {
            Frame f = next();
            if (f.opcode() == 0x8) {
                return closeCode(f);
            }
        }
    }

    private static int closeCode(Frame f) {
        return f.payload().length >= 2 ? (f.payload()[0] & 0xff) << 8 | (f.payload()[1] & 0xff) : 1005;
    }

    @Override
    public void close() throws IOException {
        try {
            send(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8}); // close 1000
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
