package io.postmaster.adapter;

import io.postmaster.config.ConnectionLimits;
import io.postmaster.endpoint.Keepalive;
import io.postmaster.endpoint.OpenConnections;
import io.postmaster.endpoint.Transports;
import io.postmaster.logging.RateLimitedLog;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every seed-protocol WebSocket does around its protocol, the way {@code /ws} does it: it is counted under its
 * peer's address ({@code postmaster.max-connections-per-address}, together with {@code /ws}'s), its frames go out
 * through a bounded {@link Outbound}, and the WebSocket keepalive ({@code postmaster.ping-interval-ms},
 * {@code postmaster.ping-max-missed}) pings it when it is silent and closes it with 1001 when the pings go
 * unanswered — a peer gone without a close no longer holds its connection, its session and its address's slot.
 *
 * <p>Threading: {@link #heard} on the container's thread for the connection; {@link #closed} once, on close.
 */
public final class BridgeSocket {
    private static final Logger LOG = Logger.getLogger(BridgeSocket.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog SILENT = new RateLimitedLog(LOG, Level.INFO);

    private final OpenConnections open;
    private final String countedAs;
    private final Outbound out;
    private final Keepalive keepalive;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BridgeSocket(Session ws, String what, OpenConnections open, String countedAs, Bridges bridges,
                         ConnectionLimits limits, int maxFrames, long maxBytes) {
        this.open = open;
        this.countedAs = countedAs;
        Outbound o = new Outbound(ws, maxFrames, maxBytes, bridges.closer(), what);
        this.out = o;
        this.keepalive = Keepalive.start(limits, o::ping, bridges.timers(), () -> {
            SILENT.log(() -> what + " " + ws.getId() + " from " + Transports.peerAddress(ws) + " closed: no"
                    + " answer to " + limits.pingMaxMissed() + " WebSocket ping(s) in a row (postmaster.ping-max-missed)");
            o.closeAtOnce(1001, "ping timeout"); // its last send may never complete: do not wait for it
        });
    }

    /**
     * Opens a seed-protocol connection, or closes it with 1008 and returns null when its address has as many open
     * as it may (handshakes that passed the filter's check at the same moment as others).
     *
     * @param what       what the connection is, for the log (e.g. "webrocket connection")
     * @param maxFrames  frames that may wait to be written to it
     * @param maxBytes   bytes that may wait to be written to it
     */
    public static BridgeSocket open(Session ws, String what, OpenConnections open, Bridges bridges,
                                    ConnectionLimits limits, int maxFrames, long maxBytes) throws IOException {
        String host = Transports.peerHost(ws);
        if (!open.opened(host)) {
            REFUSED.log(() -> what + " " + ws.getId() + " from " + host + " closed: " + open.max()
                    + " connections from that address are open (postmaster.max-connections-per-address)");
            ws.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "too many connections from your address"));
            return null;
        }
        return new BridgeSocket(ws, what, open, host, bridges, limits, maxFrames, maxBytes);
    }

    /** Where the connection's frames go. */
    public Outbound out() {
        return out;
    }

    /** Something arrived from the peer (a frame or a pong): it is alive. */
    public void heard() {
        if (keepalive != null) {
            keepalive.heard();
        }
    }

    /** The WebSocket closed: no more pings, nothing more sent, the address's slot given back. Idempotent. */
    public void closed() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (keepalive != null) {
            keepalive.stop();
        }
        out.transportClosed();
        open.closed(countedAs);
    }
}
