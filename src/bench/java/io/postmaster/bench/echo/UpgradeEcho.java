package io.postmaster.bench.echo;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;

/**
 * The floor of the servlet container's HTTP upgrade, beside {@link EchoEndpoint}'s JSR-356 floor: the WebSocket
 * handshake answered by this filter (a filter, as Postmaster's own handshake filter: Payara's JSR-356 filter, which
 * the container puts after the application's, answers every WebSocket handshake on a path without an endpoint 404), the connection taken over with {@link HttpServletRequest#upgrade} and read and
 * written with the Servlet API's non-blocking streams, each text frame sent back unmasked. Enough of RFC 6455 for the
 * bench's client (one unfragmented text frame per message, payloads under 64 KiB, close answered); nothing else.
 */
public class UpgradeEcho extends HttpFilter {
    /** Maps the filter the way Postmaster maps its handshake filter: ahead of the container's, asynchronous. */
    @WebListener
    public static class Registration implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent e) {
            FilterRegistration.Dynamic f = e.getServletContext().addFilter("echo-upgrade", new UpgradeEcho());
            f.setAsyncSupported(true);
            f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/echo-upgrade");
            // a JSR-356 endpoint on the same path, never reached: Payara answers a WebSocket handshake on a path
            // without one 404 before any filter runs (Postmaster's path has its JSR-356 endpoint too)
            var container = (ServerContainer) e.getServletContext().getAttribute(ServerContainer.class.getName());
            try {
                container.addEndpoint(ServerEndpointConfig.Builder.create(Unreached.class, "/echo-upgrade")
                        .subprotocols(java.util.List.of("wamp.2.json")).build());
            } catch (DeploymentException x) {
                throw new IllegalStateException(x);
            }
        }
    }

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String key = req.getHeader("Sec-WebSocket-Key");
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade")) || key == null) {
            res.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        res.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        res.setHeader("Upgrade", "websocket");
        res.setHeader("Connection", "Upgrade");
        res.setHeader("Sec-WebSocket-Accept", accept(key));
        String offered = req.getHeader("Sec-WebSocket-Protocol");
        if (offered != null && offered.contains("wamp.2.json")) {
            res.setHeader("Sec-WebSocket-Protocol", "wamp.2.json");
        }
        req.upgrade(Connection.class);
        res.flushBuffer(); // Payara (Grizzly) sends the 101 only when told to
    }

    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSR-356 endpoint on the filter's path, which the filter keeps every handshake from. */
    public static class Unreached extends jakarta.websocket.Endpoint {
        @Override
        public void onOpen(jakarta.websocket.Session session, jakarta.websocket.EndpointConfig config) {
            throw new IllegalStateException("the upgrade filter takes every handshake on this path");
        }
    }

    /** One upgraded connection: frames in, the same payloads out. */
    public static class Connection implements HttpUpgradeHandler, ReadListener, WriteListener {
        private final byte[] readBuf = new byte[16 * 1024];
        private byte[] pending = new byte[0];
        private final ByteArrayOutputStream unsent = new ByteArrayOutputStream();
        private ServletInputStream in;
        private ServletOutputStream out;
        private WebConnection connection;
        private boolean closing;

        @Override
        public void init(WebConnection wc) {
            this.connection = wc;
            try {
                in = wc.getInputStream();
                out = wc.getOutputStream();
                out.setWriteListener(this);
                in.setReadListener(this);
            } catch (IOException e) {
                close();
            }
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (in.isReady()) {
                int n = in.read(readBuf);
                if (n < 0) {
                    return;
                }
                if (n == 0) {
                    continue;
                }
                byte[] all = Arrays.copyOf(pending, pending.length + n);
                System.arraycopy(readBuf, 0, all, pending.length, n);
                pending = frames(all);
            }
        }

        /** Echoes every whole frame in {@code data}; what is left of a frame cut short. */
        private byte[] frames(byte[] data) throws IOException {
            int at = 0;
            while (data.length - at >= 2) {
                int opcode = data[at] & 0x0f;
                int len = data[at + 1] & 0x7f;
                int head = 2;
                if (len == 126) {
                    if (data.length - at < 4) {
                        break;
                    }
                    len = ((data[at + 2] & 0xff) << 8) | (data[at + 3] & 0xff);
                    head = 4;
                }
                if (data.length - at < head + 4 + len) {
                    break;
                }
                byte[] payload = new byte[len];
                int mask = at + head;
                for (int i = 0; i < len; i++) {
                    payload[i] = (byte) (data[mask + 4 + i] ^ data[mask + (i & 3)]);
                }
                at += head + 4 + len;
                send(opcode == 8 ? 8 : 1, payload);
                if (opcode == 8) {
                    closing = true;
                }
            }
            return Arrays.copyOfRange(data, at, data.length);
        }

        private synchronized void send(int opcode, byte[] payload) throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 4);
            frame.write(0x80 | opcode);
            if (payload.length < 126) {
                frame.write(payload.length);
            } else {
                frame.write(126);
                frame.write(payload.length >> 8);
                frame.write(payload.length);
            }
            frame.write(payload);
            unsent.write(frame.toByteArray());
            onWritePossible();
        }

        @Override
        public synchronized void onWritePossible() throws IOException {
            if (unsent.size() > 0 && out.isReady()) {
                out.write(unsent.toByteArray());
                unsent.reset();
                if (out.isReady()) {
                    out.flush();
                }
            }
            if (closing && unsent.size() == 0) {
                close();
            }
        }

        @Override
        public void onAllDataRead() {
            close();
        }

        @Override
        public void onError(Throwable t) {
            close();
        }

        @Override
        public void destroy() {
            // the container is done with the connection
        }

        private void close() {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }
}
