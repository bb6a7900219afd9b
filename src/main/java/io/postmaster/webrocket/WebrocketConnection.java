package io.postmaster.webrocket;

import io.postmaster.adapter.Leg;
import io.postmaster.config.WebrocketConfig;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Connection;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One webrocket connection: its operations in, its replies and events out, and the WAMP session (a {@link Leg})
 * that its login makes it in the realm. See the package doc for the mapping.
 *
 * <p>One operation at a time is with the router ({@link #current}); the others wait in {@link #inbox}, so replies
 * go out in the order the operations came. Locking: this object's monitor guards every field below; it is never
 * held while calling the router.
 */
final class WebrocketConnection implements Leg.Owner {
    private static final Logger LOG = Logger.getLogger(WebrocketConnection.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog TOO_MANY = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog SATURATED = new RateLimitedLog(LOG, Level.WARNING);
    static final Map<String, Object> ROLES = Map.of("subscriber", Map.of(), "publisher", Map.of());

    /** Where the connection's frames go. */
    interface Sink {
        void text(String frame);

        void close(int code, String reason);
    }

    private final Router router;
    private final String realm;
    private final Sink out;
    private final Executor executor;
    private final ChannelDirectory directory;
    private final WebrocketConfig config;
    private final Peer.TransportInfo transport;

    private final ArrayDeque<Op> inbox = new ArrayDeque<>();
    private boolean busy;            // an operation is being handled
    private Op current;              // the operation waiting for the router's answer
    private String secret;           // the secret of the login in progress, until its AUTHENTICATE
    private Leg leg;                 // the current WAMP session attempt, or null
    private Connection connection;   // the router's side of it
    private boolean joined;
    private boolean gone;
    private long nextRequest = 1;
    private final Map<String, Long> subscriptions = new LinkedHashMap<>(); // channel -> subscription ID
    private final Map<Long, String> channels = new HashMap<>();            // subscription ID -> channel

    WebrocketConnection(Router router, String realm, Sink out, Executor executor, ChannelDirectory directory,
                        WebrocketConfig config, Peer.TransportInfo transport) {
        this.router = router;
        this.realm = realm;
        this.out = out;
        this.executor = executor;
        this.directory = directory;
        this.config = config;
        this.transport = transport;
    }

    // ------------------------------------------------------------------------------------------ in

    /** A text frame arrived (serially, on the container's thread). */
    void onText(String text) {
        Op op = Op.parse(text);
        synchronized (this) {
            if (gone) {
                return;
            }
            if (inbox.size() >= config.maxQueuedOps()) {
                TOO_MANY.log(() -> "webrocket connection from " + transport.peerAddress() + " closed: more than "
                        + config.maxQueuedOps() + " operations ahead of their answers ("
                        + WebrocketConfig.MAX_QUEUED_OPS + ")");
                inbox.clear();
                closeLocked(1008, "too many operations in flight");
                return;
            }
            inbox.add(op);
            if (busy) {
                return;
            }
            busy = true;
        }
        drain();
    }

    /** Handles queued operations until one waits for the router or none is left. */
    private void drain() {
        while (true) {
            Op op;
            synchronized (this) {
                op = gone ? null : inbox.poll();
                if (op == null) {
                    busy = false;
                    return;
                }
                current = op;
            }
            if (start(op)) {
                return; // answered when the router answers: see received()
            }
        }
    }

    /** Starts an operation; true if it waits for the router, false if answered already. */
    private boolean start(Op op) {
        if (op instanceof Op.Invalid inv) {
            REFUSED.log(() -> "webrocket frame from " + transport.peerAddress() + " refused: " + inv.why());
            return answer(Replies.err(inv.code()));
        }
        if (op instanceof Op.Auth a) {
            return auth(a);
        }
        if (op instanceof Op.Logout) {
            endLeg();
            return answer(Replies.OK);
        }
        if (op instanceof Op.Disconnect) {
            answer(Replies.OK);
            synchronized (this) {
                closeLocked(1000, "disconnect");
            }
            return false;
        }
        Connection c;
        long request;
        synchronized (this) {
            c = joined ? connection : null;
            request = nextRequest++;
        }
        if (op instanceof Op.Unsubscribe u) {
            Long sub;
            synchronized (this) {
                sub = subscriptions.get(u.channel());
            }
            if (c == null || sub == null) {
                return answer(Replies.OK); // webrocket: unsubscribing what one does not hold is fine
            }
            c.onMessage(new WampMessage.Unsubscribe(request, sub));
            return true;
        }
        if (c == null) {
            REFUSED.log(() -> "webrocket operation from " + transport.peerAddress() + " refused: not logged in");
            return answer(Replies.err(Replies.ACCESS_DENIED));
        }
        if (op instanceof Op.Subscribe s) {
            String topic = s.channel().length() > config.maxChannelChars() ? null : Channels.topic(s.channel());
            if (topic == null) {
                REFUSED.log(() -> "webrocket subscription from " + transport.peerAddress() + " refused: invalid channel"
                        + " name (empty, or longer than " + WebrocketConfig.MAX_CHANNEL_CHARS + ")");
                return answer(Replies.err(Replies.INVALID_CHANNEL_NAME));
            }
            synchronized (this) {
                if (subscriptions.containsKey(s.channel())) {
                    topic = null;
                }
            }
            if (topic == null) {
                return answer(Replies.OK); // already subscribed
            }
            c.onMessage(new WampMessage.Subscribe(request, Map.of(), topic));
            return true;
        }
        Op.Publish p = (Op.Publish) op;
        String topic = p.channel().length() > config.maxChannelChars() ? null : Channels.topic(p.channel());
        if (topic == null || !directory.exists(realm, p.channel())) {
            REFUSED.log(() -> "webrocket publication from " + transport.peerAddress() + " refused: no such channel");
            return answer(Replies.err(Replies.INVALID_CHANNEL));
        }
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("event", p.event());
        List<Object> args = new java.util.ArrayList<>(1);
        args.add(p.data());
        c.onMessage(new WampMessage.Publish(request, Map.of("acknowledge", true, "exclude_me", false), topic, args,
                kwargs));
        return true;
    }

    private boolean auth(Op.Auth a) {
        endLeg(); // a new login replaces the earlier one, and a failed one leaves none (as webrocket does)
        if (!(Op.READ_ONLY.equals(a.access()) || Op.READ_WRITE.equals(a.access())) || a.secret().isEmpty()) {
            REFUSED.log(() -> "webrocket login from " + transport.peerAddress() + " refused: "
                    + (a.secret().isEmpty() ? "empty secret" : "unknown access level"));
            return answer(Replies.err(Replies.INVALID_CREDENTIALS));
        }
        Leg l = new Leg(this, transport);
        synchronized (this) {
            secret = a.secret();
            leg = l;
        }
        Connection c = router.connect(l);
        synchronized (this) {
            if (leg != l) {
                return true; // closed meanwhile (the router stops)
            }
            connection = c;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("roles", ROLES);
        details.put("authmethods", List.of("ticket"));
        details.put("authid", a.access());
        c.onMessage(new WampMessage.Hello(realm, details));
        return true;
    }

    /** Ends the current WAMP session, if any; its subscriptions go with it. */
    private void endLeg() {
        Connection c;
        List<String> dropped;
        synchronized (this) {
            c = connection;
            leg = null;
            connection = null;
            joined = false;
            secret = null;
            dropped = List.copyOf(subscriptions.keySet());
            subscriptions.clear();
            channels.clear();
        }
        dropped.forEach(ch -> directory.remove(realm, ch));
        if (c != null) {
            c.onTransportClosed();
        }
    }

    /** The WebSocket closed. */
    void onClose() {
        synchronized (this) {
            gone = true;
            inbox.clear();
        }
        endLeg();
    }

    // ------------------------------------------------------------------------------------------ from the router

    @Override
    public void received(Leg from, WampMessage m) {
        synchronized (this) {
            if (from != leg || gone) {
                return; // a session this connection has left
            }
        }
        switch (m.type()) {
            case EVENT -> event((WampMessage.Event) m);
            case CHALLENGE -> {
                String s;
                Connection c;
                synchronized (this) {
                    s = secret;
                    secret = null;
                    c = connection;
                }
                if (c != null && s != null) {
                    run(() -> c.onMessage(new WampMessage.Authenticate(s, Map.of())));
                }
            }
            case WELCOME -> {
                synchronized (this) {
                    joined = true;
                }
                reply(Replies.OK);
            }
            case ABORT -> loginFailed(from);
            case SUBSCRIBED -> {
                WampMessage.Subscribed s = (WampMessage.Subscribed) m;
                String channel;
                synchronized (this) {
                    channel = current instanceof Op.Subscribe sub ? sub.channel() : null;
                    if (channel != null) {
                        subscriptions.put(channel, s.subscription());
                        channels.put(s.subscription(), channel);
                    }
                }
                if (channel != null) {
                    directory.add(realm, channel);
                }
                reply(Replies.OK);
            }
            case UNSUBSCRIBED -> {
                WampMessage.Unsubscribed u = (WampMessage.Unsubscribed) m;
                if (u.request() == 0) { // the router ended a subscription on its own
                    return;
                }
                String channel;
                synchronized (this) {
                    channel = current instanceof Op.Unsubscribe un ? un.channel() : null;
                    Long sub = channel == null ? null : subscriptions.remove(channel);
                    if (sub != null) {
                        channels.remove(sub);
                    } else {
                        channel = null;
                    }
                }
                if (channel != null) {
                    directory.remove(realm, channel);
                }
                reply(Replies.OK);
            }
            case PUBLISHED -> reply(Replies.OK);
            case ERROR -> reply(Replies.refusal(((WampMessage.Error) m).error()));
            default -> { } // GOODBYE and the like: the leg's close follows
        }
    }

    @Override
    public void closed(Leg from, int code, String reason) {
        boolean wasJoined;
        synchronized (this) {
            if (from != leg || gone) {
                return;
            }
            wasJoined = joined;
        }
        if (!wasJoined) {
            loginFailed(from);
            return;
        }
        // The router ended the session: it stops, killed it, or the connection could not keep up.
        synchronized (this) {
            closeLocked(code, reason);
        }
    }

    private void loginFailed(Leg from) {
        boolean answer;
        synchronized (this) {
            answer = from == leg && current instanceof Op.Auth;
            if (from == leg) {
                leg = null;
                connection = null;
                joined = false;
                secret = null;
            }
        }
        if (answer) {
            reply(Replies.err(Replies.INVALID_CREDENTIALS));
        }
    }

    private void event(WampMessage.Event e) {
        String channel;
        synchronized (this) {
            channel = channels.get(e.subscription());
        }
        if (channel == null) {
            return; // unsubscribed meanwhile
        }
        Object data = e.args() == null || e.args().isEmpty() ? null : e.args().get(0);
        Object event = e.kwargs() == null ? null : e.kwargs().get("event");
        out.text(Replies.event(event, channel, data));
    }

    // ------------------------------------------------------------------------------------------ out

    /** Answers the current operation while it is being started; false: the next one may start at once. */
    private boolean answer(String frame) {
        synchronized (this) {
            current = null;
        }
        out.text(frame);
        return false;
    }

    /** The router answered the current operation (on its thread): reply, then go on with the next on the executor. */
    private void reply(String frame) {
        synchronized (this) {
            if (current == null) {
                return; // nothing was asked (e.g. a late answer after a new login)
            }
            current = null;
        }
        out.text(frame);
        run(this::drain);
    }

    private void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            SATURATED.log(() -> "webrocket connection from " + transport.peerAddress()
                    + " closed: the bridge executor is saturated");
            synchronized (this) {
                closeLocked(1011, "server busy");
            }
        }
    }

    /** Hold the monitor. */
    private void closeLocked(int code, String reason) {
        gone = true;
        out.close(code, reason);
    }
}
