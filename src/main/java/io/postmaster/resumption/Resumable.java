package io.postmaster.resumption;

import io.postmaster.adapter.Leg;
import io.postmaster.config.ResumptionConfig;
import io.postmaster.endpoint.SessionResumption.Transport;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Connection;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import io.postmaster.serialization.Frame;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WAMP session that may outlive its transport: its {@link Leg} in the router, the transport it is on (none while
 * it waits for its client), and the last messages sent to it (all of them while it waits), numbered from WELCOME on.
 */
final class Resumable implements Leg.Owner {
    private static final Logger LOG = Logger.getLogger(Resumable.class.getName());
    private static final RateLimitedLog ENDED = new RateLimitedLog(LOG, Level.INFO);
    private record Kept(long seq, WampMessage message, Frame frame, int bytes) { }

    private final Resumables registry;
    private final ResumptionConfig config;
    private final Leg leg;
    private final String realm;
    private Connection connection;

    // guarded by this
    private Transport transport;
    private Transport lastTransport;
    private boolean asked;          // the HELLO asked for a resumable session
    private String token;           // while the session is resumable
    private WampMessage.Welcome welcome;
    private final ArrayDeque<Kept> kept = new ArrayDeque<>();
    private long keptBytes;
    private long seq;               // messages sent after WELCOME
    private long seqAtLoss;         // seq when the transport was lost
    private ScheduledFuture<?> expiry;
    private boolean countedDetached; // counted in the registry's detached sessions
    private boolean ended;

    Resumable(Resumables registry, ResumptionConfig config, Peer.TransportInfo info, String realm) {
        this.registry = registry;
        this.config = config;
        this.leg = new Leg(this, info);
        this.realm = realm;
    }

    String realm() {
        return realm;
    }

    /** The session's ID once it joined, else 0. */
    synchronized long sessionId() {
        return welcome == null ? 0 : welcome.session();
    }

    /** Joins: connects the leg and hands it the HELLO (without the extension). */
    void start(Router router, Transport t, WampMessage.Hello hello, boolean resumable) {
        synchronized (this) {
            transport = t;
            lastTransport = t;
            asked = resumable;
        }
        Connection c = router.connect(leg);
        synchronized (this) {
            connection = c;
        }
        c.onMessage(ResumeAsk.strip(hello));
    }

    /** A message from the client on {@code from}. */
    void forward(Transport from, WampMessage m) {
        Connection c;
        synchronized (this) {
            if (from != transport || ended) {
                return;
            }
            if (m instanceof WampMessage.Hello h) { // a new session on the same transport, after GOODBYE
                asked = ResumeAsk.of(h).asks();
                m = ResumeAsk.strip(h);
            }
            c = connection;
        }
        c.onMessage(m);
    }

    /** A frame that was not a WAMP message. */
    void malformed(Transport from, String why) {
        Connection c;
        synchronized (this) {
            c = from == transport && !ended ? connection : null;
        }
        if (c != null) {
            c.onMalformed(why);
        }
    }

    @Override
    public void received(Leg from, WampMessage m) {
        synchronized (this) {
            if (ended) {
                return;
            }
            if (m instanceof WampMessage.Welcome w) {
                welcome = w;
                if (asked) {
                    token = registry.register(this); // null: the store is full, the session is not resumable
                    m = announce(w, false);
                }
                seq = 0;
                send(m);
                return;
            }
            if (m instanceof WampMessage.Goodbye || m instanceof WampMessage.Abort) {
                forget(); // the session ended by agreement, or never began: nothing to resume
                send(m);
                return;
            }
            if (token == null) {
                send(m);
                return;
            }
            Transport t = transport != null ? transport : lastTransport;
            Frame f = t.encode(m);
            seq++;
            if (keep(new Kept(seq, m, f, size(f)))) {
                if (transport != null) {
                    transport.send(f);
                }
                return;
            }
        }
        ENDED.log(() -> "resumable session in realm " + realm + " ended while its client was away: more to keep"
                + " for it than postmaster.resume.replay-messages / replay-bytes / total-bytes allow");
        end();
    }

    /** Hold the monitor. */
    private void send(WampMessage m) {
        if (transport != null) {
            transport.send(transport.encode(m));
        }
    }

    /** Keeps a message; false when it does not fit while the client is away (then the session ends). */
    private boolean keep(Kept k) {
        while (!kept.isEmpty() && (kept.size() >= config.replayMessages()
                || keptBytes + k.bytes() > config.replayBytes() || !registry.reserve(token, k.bytes()))) {
            if (transport == null) {
                return false; // the client has not seen these: dropping one would lose it
            }
            Kept old = kept.poll();
            keptBytes -= old.bytes();
            registry.release(token, old.bytes());
        }
        if (kept.isEmpty() && (k.bytes() > config.replayBytes() || !registry.reserve(token, k.bytes()))) {
            return transport != null; // too big to keep at all: fine while attached, fatal while away
        }
        kept.add(k);
        keptBytes += k.bytes();
        return true;
    }

    private static int size(Frame f) {
        return f instanceof Frame.Text t ? t.text().length() : ((Frame.Binary) f).bytes().length;
    }

    /** Hold the monitor. WELCOME with what the client asked: resumable with its token, or told it is not. */
    private WampMessage.Welcome announce(WampMessage.Welcome w, boolean resumed) {
        Map<String, Object> d = new LinkedHashMap<>(w.details());
        if (token == null) {
            d.put(ResumeAsk.RESUMABLE, false);
            return new WampMessage.Welcome(w.session(), d);
        }
        d.put(ResumeAsk.RESUMABLE, true);
        d.put("resume_token", token);
        d.put("resumed", resumed);
        d.put(ResumeAsk.EXTENSION, Map.of("token", token, "keep_ms", config.keep().toMillis(), "resumed", resumed));
        return new WampMessage.Welcome(w.session(), d);
    }

    @Override
    public void closed(Leg from, int code, String reason) {
        Transport t;
        synchronized (this) {
            t = transport;
            ended = true;
            forget();
        }
        if (t != null) {
            t.close(code, reason);
        }
    }

    /** The transport is gone: wait for the client, or end the session. */
    void transportClosed(Transport t) {
        boolean end;
        synchronized (this) {
            if (t != transport || ended) {
                return;
            }
            transport = null;
            seqAtLoss = seq;
            end = token == null || !registry.detached(true);
            if (!end) {
                countedDetached = true;
                expiry = registry.timers().schedule(this::expired, config.keep().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        if (end) {
            end();
        }
    }

    private void expired() {
        synchronized (this) {
            if (transport != null || ended) {
                return;
            }
        }
        ENDED.log(() -> "resumable session in realm " + realm + " ended: its client did not come back within "
                + config.keep().toMillis() + " ms (postmaster.resume.keep-ms)");
        end();
    }

    /**
     * A new transport presents this session's token: resumes it unless the client missed more than was kept.
     *
     * @param last the messages the client received after WELCOME, or -1 if it did not say
     * @return whether it resumed; if not, the session has ended
     */
    boolean resume(Transport t, long last) {
        Transport replaced = null;
        synchronized (this) {
            if (ended || token == null) {
                return false;
            }
            if (transport != null) {
                // The client is back before the server noticed its old transport was lost: that one is replaced.
                replaced = transport;
                transport = null;
                seqAtLoss = seq;
            }
            long from = last < 0 ? seqAtLoss : last;
            long firstKept = kept.isEmpty() ? seq + 1 : kept.peek().seq();
            if (from > seq || from + 1 < firstKept) {
                // more lost than kept (or a count from another session): cannot resume faithfully
            } else {
                if (expiry != null) {
                    expiry.cancel(false);
                    expiry = null;
                }
                if (countedDetached) {
                    registry.detached(false);
                    countedDetached = false;
                }
                transport = t;
                lastTransport = t;
                t.send(t.encode(announce(welcome, true)));
                for (Kept k : kept) {
                    if (k.seq() > from) {
                        t.send(t.encode(k.message()));
                    }
                }
            }
        }
        if (replaced != null) {
            replaced.close(1000, "the session resumed on another connection");
        }
        synchronized (this) {
            if (transport == t) {
                return true;
            }
        }
        end();
        return false;
    }

    /** Ends the session: it leaves its realm. */
    void end() {
        Connection c;
        boolean wasDetached;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            wasDetached = countedDetached;
            countedDetached = false;
            forget();
            c = connection;
            if (expiry != null) {
                expiry.cancel(false);
                expiry = null;
            }
        }
        if (wasDetached) {
            registry.detached(false);
        }
        if (c != null) {
            c.onTransportClosed();
        }
    }

    /** Hold the monitor: no longer resumable; what was kept is released (its bytes leave the store with its entry). */
    private void forget() {
        if (token != null) {
            registry.unregister(token, this);
            token = null;
        }
        kept.clear();
        keptBytes = 0;
    }
}
