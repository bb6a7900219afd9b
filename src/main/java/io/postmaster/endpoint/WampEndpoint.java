package io.postmaster.endpoint;

import io.postmaster.metrics.Metrics;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Connection;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import io.postmaster.serialization.CborSerializer;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.Outgoing;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.serialization.MsgpackSerializer;
import io.postmaster.serialization.Serializer;
import io.postmaster.serialization.Serializers;
import io.postmaster.v1.V1Connection;
import io.postmaster.v1.V1Gateway;
import io.postmaster.v1.V1Transport;
import io.postmaster.v1.V1Wire;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WAMP WebSocket transport, at {@code postmaster.websocket.path} ({@code /ws} by default) under the context root,
 * registered by {@link WebSocketEndpoints} through {@link WampSocket}. One instance per connection; it only adapts
 * JSR-356 to the router: decode a frame, hand the message to the connection's state machine, nothing else on the
 * delivering thread. A WAMP v1 client (subprotocol {@code wamp}) gets a {@link V1Connection} instead, which translates
 * its frames itself. A connection whose first HELLO asks for session resumption is handed to the
 * {@link SessionResumption} extension, which carries its session from then on (on this connection and the ones that
 * resume it).
 */
public class WampEndpoint {
    private static final Logger LOG = Logger.getLogger(WampEndpoint.class.getName());
    private static final AtomicBoolean BATCHING_LOGGED = new AtomicBoolean();
    private static final RateLimitedLog REFUSED_SUBPROTOCOL = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog REFUSED_TOO_MANY = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog TOO_BIG = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog REFUSED_V1_REALM = new RateLimitedLog(LOG, Level.INFO);

    /** The subprotocols the transport offers, in this order in the handshake's list: the WAMP v2 ones, then v1's. */
    public static final java.util.List<String> SUBPROTOCOLS = java.util.List.of(JsonSerializer.SUBPROTOCOL,
            MsgpackSerializer.SUBPROTOCOL, CborSerializer.SUBPROTOCOL, V1Gateway.SUBPROTOCOL);

    Router router;
    PostmasterRuntime runtime;
    /** WAMP v1 clients' gateway; null where this transport serves none (the aliases, the admin console's). */
    V1Support v1Support;
    /** The session resumption extension, if the application has one; null without it. */
    private SessionResumption resumption;
    /** The resumable session this connection carries since its first HELLO asked for one, or null. */
    private volatile SessionResumption.Attachment attachment;
    /** Whether a message arrived yet: only the first may ask for resumption. Touched by the delivering thread. */
    private boolean started;

    private Serializer serializer;
    /** What the messages to the client are encoded with: {@link #serializer}, or its octets form for JSON where the
     *  link writes text from octets ({@link WebSocketLink#utf8Text}). */
    private Serializer frames;
    private Connection connection;
    /** The WAMP v1 adapter instead of {@link #connection}, for subprotocol {@code wamp}. */
    private V1Connection v1;
    private WebSocketPeer peer;
    /** Where this connection's inbound traffic is counted, and its serializer's index there. */
    private Metrics metrics;
    private int metricsSerializer;
    /** The connection, once counted and set up (see {@link #opened}). */
    private WebSocketLink link;
    private int maxMessageSize;
    /** Whether {@link #listen} registered partial handlers, so that the container's buffers stay small. */
    private boolean assembled;
    /** The address this connection is counted under (see {@link OpenConnections}), or null if it is not counted. */
    private String countedAs;
    private Keepalive keepalive;
    /** 1 once {@link #closed} has run. */
    private volatile int closedOnce;
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<WampEndpoint> CLOSED =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(WampEndpoint.class, "closedOnce");

    /**
     * Registers this connection's message handlers with {@code ws}, before {@link #open}: whole messages, or on Tomcat
     * parts that a {@link MessageAssembler} makes whole (Tomcat would otherwise keep a buffer of
     * {@code postmaster.max-message-size} per connection).
     */
    void listen(Session ws) {
        if (MessageAssembler.wanted(ws)) {
            new MessageAssembler(MessageAssembler.Receiver.of(this::text, this::binary, () -> {
                if (link != null) { // else refused in open(), and closing
                    closeTooBig();
                }
            }), router.config().maxMessageSize(), router.config().maxMessageSize()).register(ws);
            assembled = true;
        } else {
            ws.addMessageHandler(String.class, this::text);
            ws.addMessageHandler(ByteBuffer.class, this::binary);
        }
        ws.addMessageHandler(PongMessage.class, this::pong);
    }

    public void open(Session ws, EndpointConfig config) throws IOException {
        String subprotocol = ws.getNegotiatedSubprotocol();
        boolean wampV1 = V1Gateway.SUBPROTOCOL.equals(subprotocol) && v1Support != null
                && router.config().v1().enabled();
        Optional<Serializer> negotiated = wampV1 ? Optional.of(V1Wire.INSTANCE) : Serializers.bySubprotocol(subprotocol);
        if (negotiated.isEmpty()) {
            // JSR-356 completes a handshake even when no subprotocol matched. HandshakeFilter refuses those with 400
            // on every server tested, but not where a container upgrades before filters run (as embedded Tyrus does):
            // WAMP cannot proceed without a subprotocol.
            REFUSED_SUBPROTOCOL.log(() -> "WebSocket " + ws.getId() + " refused: it offered no WAMP subprotocol this"
                    + " router speaks");
            ws.close(new CloseReason(CloseReason.CloseCodes.PROTOCOL_ERROR,
                    "no supported WAMP subprotocol (offer wamp.2.json, wamp.2.msgpack or wamp.2.cbor)"));
            return;
        }
        serializer = negotiated.get();
        String v1Realm = null;
        if (wampV1) {
            java.util.List<String> asked = ws.getRequestParameterMap().get("realm");
            String requested = asked == null || asked.isEmpty() ? null : asked.get(0);
            v1Realm = v1Support.gateway().realmFor(requested);
            if (v1Realm == null) {
                REFUSED_V1_REALM.log(() -> "WAMP v1 WebSocket " + ws.getId() + " refused: realm '"
                        + (requested == null ? "" : requested.length() <= 64 ? requested : requested.substring(0, 64) + "…")
                        + "' is not open to v1 clients (postmaster.v1.realms)");
                ws.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "realm not open to WAMP v1 clients"));
                return;
            }
        }
        PostmasterConfig cfg = router.config();
        if (!assembled) {
            // Whole messages only: the container must take them as large as they may be. Where this endpoint takes
            // them in parts (see listen), the container's own small buffers stay.
            ws.setMaxTextMessageBufferSize(cfg.maxMessageSize());
            ws.setMaxBinaryMessageBufferSize(cfg.maxMessageSize());
        }
        // Never ws.setMaxIdleTimeout on Payara: its Tyrus then leaves a cancelled timer task queued per message, and
        // a trial at 14k messages/s ran out of heap in ~90 s. Dead peers are for WebSocket pings to find, everywhere.
        // Without one, Tyrus' per-message timer restart is kept off Payara's managed executor:
        TyrusIdleTimer.install(ws);
        opened(new SessionLink(ws), serializer, v1Realm, Transports.peerHost(ws),
                new Peer.TransportInfo(Transports.peerAddress(ws), serializer.subprotocol(), ws.isSecure(),
                        "websocket", Transports.login(ws)));
    }

    /**
     * The connection is open, its subprotocol negotiated ({@code serializer}): counts it under its client's address
     * (or closes it, 1008, when the address has as many as it may), then sets up its outbound queue, its keepalive,
     * and its connection in the router (or the WAMP v1 adapter, for {@code v1Realm}). Shared by the JSR-356 endpoint
     * and the server's own WebSocket API where one serves {@code /ws} (see {@link NativeWebSockets}).
     *
     * @param v1Realm the realm of a WAMP v1 client, or null for WAMP v2
     * @param host    the client's host address, what connections are counted by; null where the server did not say
     */
    void opened(WebSocketLink link, Serializer serializer, String v1Realm, String host, Peer.TransportInfo info)
            throws IOException {
        this.serializer = serializer;
        boolean wampV1 = v1Realm != null;
        OpenConnections open = runtime.openConnections();
        String counted = host == null ? null : open.openedAs(host); // shared by the address's connections
        if (host != null && counted == null) {
            // Handshakes that passed HandshakeFilter's check at the same moment as others from the address.
            REFUSED_TOO_MANY.log(() -> "WebSocket " + link.id() + " from " + host + " closed: " + open.max()
                    + " connections from that address are open (postmaster.max-connections-per-address)");
            link.close(CloseReason.CloseCodes.VIOLATED_POLICY.getCode(), "too many connections from your address");
            return;
        }
        countedAs = counted;
        this.link = link;
        PostmasterConfig cfg = router.config();
        maxMessageSize = cfg.maxMessageSize();
        // JSON encoded straight to UTF-8 octets where the link writes text from them (no string in between)
        Serializer frames = link.utf8Text() ? Serializers.forUtf8Text(serializer) : serializer;
        this.frames = frames;
        WebSocketPeer peer = new WebSocketPeer(link, frames, cfg.outboundQueueLimit(), cfg.outbound(),
                runtime.outboundBudget(), runtime.timers(), runtime.closer(), info, cfg.writeBatching(),
                router.metrics());
        metrics = router.metrics();
        metricsSerializer = Metrics.serializer(serializer.subprotocol());
        this.peer = peer;
        if (BATCHING_LOGGED.compareAndSet(false, true)) {
            LOG.info(peer.batched()
                    ? "WebSocket writes are batched: one write per connection per pass of the I/O thread"
                    + " (postmaster.write-batching)"
                    : "WebSocket writes go out one message at a time (postmaster.write-batching is off, or this"
                    + " container's batching is not the kind Postmaster relies on)");
        }
        if (wampV1) {
            V1Connection v = v1Support.gateway().open(new V1Transport() {
                public void send(String frame) {
                    peer.send(Outgoing.encoded(V1Wire.INSTANCE, new Frame.Text(frame)));
                }

                public void close(int code, String reason) {
                    peer.close(code, reason);
                }

                public Peer.TransportInfo info() {
                    return info;
                }
            }, v1Realm);
            v1 = v;
            keepalive = Keepalive.start(cfg.connections(), peer, runtime.timers(), () -> {
                v.onUnresponsive("no answer to " + cfg.connections().pingMaxMissed() + " WebSocket ping(s) in a row");
                peer.closeAtOnce(1001, "ping timeout");
            });
            return;
        }
        connection = router.connect(peer);
        keepalive = Keepalive.start(cfg.connections(), peer, runtime.timers(), this::unresponsive);
    }

    /** No answer to the keepalive's pings: the session ends, the connection is closed. */
    private void unresponsive() {
        if (attachment == null) {
            connection.onUnresponsive("no answer to " + router.config().connections().pingMaxMissed()
                    + " WebSocket ping(s) in a row");
        } // a resumable session outlives this transport: its close below makes it wait for its client
        peer.closeAtOnce(1001, "ping timeout"); // its last send may never complete: do not wait for it
    }

    /**
     * The transport of one connection.
     *
     * @param v1Support  the WAMP v1 gateway, or null for a transport without v1 (an alias)
     * @param resumption the session resumption extension, or null
     */
    static WampEndpoint of(Router router, PostmasterRuntime runtime, V1Support v1Support,
                           SessionResumption resumption) {
        WampEndpoint w = new WampEndpoint();
        w.router = router;
        w.runtime = runtime;
        w.v1Support = v1Support;
        w.resumption = resumption;
        return w;
    }

    /** Hands a decoded message on: to the resumable session this connection carries, or to its connection. */
    private void deliver(Connection c, WampMessage m) {
        SessionResumption.Attachment a = attachment;
        if (a != null) {
            a.message(m);
            return;
        }
        if (!started) {
            started = true;
            SessionResumption r = resumption;
            if (r != null && m instanceof WampMessage.Hello h && r.asks(h)) {
                c.onTransportClosed(); // it never joined: nothing of it stays in the router
                WebSocketPeer p = peer;
                Serializer s = frames; // what the peer sends: an encoded frame must be in its form
                attachment = r.attach(h, new SessionResumption.Transport() {
                    public Frame encode(WampMessage out) {
                        return s.encode(out);
                    }

                    public void send(Frame f) {
                        p.send(Outgoing.encoded(s, f));
                    }

                    public void close(int code, String reason) {
                        p.close(code, reason);
                    }
                }, p.transport());
                return;
            }
        }
        c.onMessage(inbound(m));
    }

    /** A frame that is no WAMP message (see {@link Connection#onMalformed}). */
    private void malformed(Connection c, String why) {
        SessionResumption.Attachment a = attachment;
        if (a != null) {
            a.malformed(why);
        } else {
            c.onMalformed(why);
        }
    }

    /** A pong (the answer to the keepalive's ping, or unsolicited): the peer is alive. */
    public void pong(PongMessage pong) {
        Keepalive k = keepalive;
        if (k != null) {
            k.heard();
        }
    }

    private void heard() {
        Keepalive k = keepalive;
        if (k != null) {
            k.heard();
        }
    }

    public void text(String text) {
        V1Connection v = v1;
        if (v != null) {
            heard();
            if (!tooBig(text)) {
                try {
                    v.onText(text);
                } catch (RuntimeException | Error e) {
                    v.failed("a text frame", e);
                }
            }
            return;
        }
        Connection c = connection;
        if (c == null) {
            return;
        }
        heard();
        if (tooBig(text)) {
            return;
        }
        if (serializer.binary()) {
            malformed(c, "text frame on a binary subprotocol");
            return;
        }
        try {
            WampMessage m = serializer.decode(text);
            metrics.received(metricsSerializer, m.type(), text.length());
            deliver(c, m);
        } catch (MalformedMessageException e) {
            malformed(c, e.getMessage());
        } catch (RuntimeException | Error e) { // the decoder failed otherwise (a bug, no heap or stack left)
            c.failed("a text frame", e);
        }
    }

    /**
     * A text message as its UTF-8 octets {@code utf8[0..length)}, valid UTF-8 already (Postmaster's own framing): JSON
     * is decoded from the octets, without a string first. The array is this endpoint's.
     */
    public void utf8Text(byte[] utf8, int length) {
        Serializer s = serializer;
        if (v1 != null || s == null || s.binary()) { // what needs a string, or is refused as text
            text(new String(utf8, 0, length, StandardCharsets.UTF_8));
            return;
        }
        Connection c = connection;
        if (c == null) {
            return;
        }
        heard();
        if (length > maxMessageSize) {
            closeTooBig();
            return;
        }
        decode(c, s, utf8, 0, length, "a text frame");
    }

    public void binary(ByteBuffer data) {
        V1Connection v = v1;
        if (v != null) {
            heard();
            v.onMalformed("binary frame on " + V1Gateway.SUBPROTOCOL);
            return;
        }
        Connection c = connection;
        if (c == null) {
            return;
        }
        heard();
        if (data.remaining() > maxMessageSize) {
            closeTooBig();
            return;
        }
        if (!serializer.binary()) {
            malformed(c, "binary frame on " + serializer.subprotocol());
            return;
        }
        int size = data.remaining();
        if (data.hasArray()) {
            decode(c, serializer, data.array(), data.arrayOffset() + data.position(), size, "a binary frame");
        } else {
            byte[] b = new byte[size];
            data.get(b);
            decode(c, serializer, b, 0, size, "a binary frame");
        }
    }

    /** Decodes the octets {@code b[from..from+size)} of one message ({@code what}) and hands it to the router. */
    private void decode(Connection c, Serializer s, byte[] b, int from, int size, String what) {
        try {
            WampMessage m = s.decode(b, from, size);
            metrics.received(metricsSerializer, m.type(), size);
            deliver(c, m);
        } catch (MalformedMessageException e) {
            malformed(c, e.getMessage());
        } catch (RuntimeException | Error e) { // the decoder failed otherwise (a bug, no heap or stack left)
            c.failed(what, e);
        }
    }

    /** A decoded message on its way to the router; the admin console's endpoint rewrites HELLO here. */
    WampMessage inbound(WampMessage m) {
        return m;
    }

    /**
     * The buffer sizes set in {@link #open} make Undertow close an oversize message with 1009, but Tyrus (Payara,
     * GlassFish) applies them only to fragmented messages, so whole frames are measured here as well.
     */
    private boolean tooBig(String text) {
        // chars <= UTF-8 bytes <= 3 * chars: count bytes only when the length alone cannot decide
        int n = text.length();
        if ((long) n * 3 <= maxMessageSize) {
            return false;
        }
        if (n > maxMessageSize || utf8Length(text) > maxMessageSize) {
            closeTooBig();
            return true;
        }
        return false;
    }

    /** The length of {@code s} in UTF-8 bytes. */
    static long utf8Length(CharSequence s) {
        long bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private void closeTooBig() {
        WebSocketLink l = link;
        TOO_BIG.log(() -> "closing WebSocket " + l.id() + ": message larger than postmaster.max-message-size ("
                + maxMessageSize + " bytes)");
        try {
            l.close(CloseReason.CloseCodes.TOO_BIG.getCode(), "message too big");
        } catch (IOException e) {
            LOG.log(Level.FINE, "close failed", e);
        }
    }

    public void close(Session ws, CloseReason reason) {
        closed();
    }

    /**
     * The connection is gone (closed by either side, or our close has begun: JSR-356 reports it then), and everything
     * of it is let go; once, whoever reports it first.
     */
    void closed() {
        if (!CLOSED.compareAndSet(this, 0, 1)) {
            return;
        }
        WebSocketPeer p = peer;
        if (p != null) {
            p.transportClosed();
        }
        Keepalive k = keepalive;
        if (k != null) {
            k.stop();
        }
        SessionResumption.Attachment a = attachment;
        Connection c = connection;
        if (a != null) {
            a.transportClosed();
        } else if (c != null) {
            c.onTransportClosed();
        }
        V1Connection v = v1;
        if (v != null) {
            v.onTransportClosed();
        }
        String counted = countedAs;
        if (counted != null) {
            countedAs = null;
            runtime.openConnections().closed(counted);
        }
    }

    public void error(Session ws, Throwable t) {
        failed(ws != null ? new SessionLink(ws) : link, t);
    }

    /** The container reported a failure of the connection ({@link #error}). */
    void failed(WebSocketLink ws, Throwable t) {
        // Broken connections and oversize frames land here, as the container's exceptions; onClose follows and
        // cleans up. The methods above handle every failure of their own, so an Error here (no heap or stack left)
        // came from the container around them: say so, and close, so the peer is not left waiting for an answer.
        if (!(t instanceof Error)) {
            LOG.log(Level.FINE, "WebSocket " + (ws == null ? "" : ws.id()) + " error", t);
            return;
        }
        Connection c = connection;
        V1Connection v = v1;
        if (c != null) {
            c.failed("a frame", t);
        } else if (v != null) {
            v.failed("a frame", t);
        } else {
            if (ws == null) {
                LOG.log(Level.WARNING, "a WebSocket failed before it was set up", t);
                return;
            }
            LOG.log(Level.WARNING, "WebSocket " + ws.id() + " failed before it was set up; closing it", t);
            try {
                ws.close(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "internal error");
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "close failed", e);
            }
        }
    }
}
