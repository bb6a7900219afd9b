package io.postmaster.router;

import io.postmaster.config.LoginLimits;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Makes guessing credentials cost the guesser, not the router. Every login with credentials needs a {@link Permit}
 * from its address (an IPv6 /64 counts as one address; an address the server could not tell is not counted) and
 * from its realm and authid (when the client names one): each may have only so many logins in progress and start
 * only so many per second ({@link LoginLimits}); past that, the login is refused at once, before any check runs. A
 * refusal is answered after a delay that grows with the failures of the address and of the authid (0, 200, 600,
 * 1400, 3000 ms …, at most {@code max-failure-delay-ms}; a count starts over after a minute without failures), and
 * the permit stays taken until that answer is due — also when the client leaves at once: a client that treats "no
 * WELCOME yet" as a failure gains nothing by not waiting. A success for an authid clears that authid's failures
 * only; an address's failures fade with time, whatever else succeeds from it.
 *
 * <p>The keys are chosen by clients, so each table holds at most {@code max-tracked} entries: past it the least
 * recently used entry without a login in progress is forgotten (and if the oldest ones are all in use, the login is
 * refused). An authid is kept as a fixed-size digest when long. One monitor guards both tables: a login takes it a
 * few times, each time for a map lookup.
 */
final class LoginGuard {
    static final long FAILURE_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int EVICTION_SCAN = 32;
    private static final int LONG_AUTHID = 128;
    /**
     * What the endpoint reports when the container does not tell the peer's address: such logins are not counted
     * per address (they would all share one count, and one client could lock every other out), only per authid.
     */
    static final String UNKNOWN_ADDRESS = "unknown";

    private final LoginLimits limits;
    private final Table byAddress;
    private final Table byAuthid;

    LoginGuard(LoginLimits limits) {
        this.limits = limits;
        this.byAddress = new Table(limits.maxPendingPerAddress(), limits.ratePerAddress());
        this.byAuthid = new Table(limits.maxPendingPerAuthid(), limits.ratePerAuthid());
    }

    /** A permit, or why there is none (for the log). */
    record Admission(Permit permit, String refusal) {
    }

    /**
     * Asks for a permit for a login from {@code peerAddress} as {@code authid} (null when the client names none: then
     * only the address counts).
     */
    synchronized Admission admit(String peerAddress, String realm, String authid, long nowNanos) {
        boolean known = peerAddress != null && !peerAddress.isEmpty() && !peerAddress.equals(UNKNOWN_ADDRESS);
        Entry address = known ? byAddress.entry(addressKey(peerAddress), nowNanos) : null;
        Entry user = authid == null ? null : byAuthid.entry(authidKey(realm, authid), nowNanos);
        if ((known && address == null) || (authid != null && user == null)) {
            return new Admission(null, "too many addresses or authids in progress to keep track of");
        }
        if (address != null && address.pending >= byAddress.maxPending) {
            return new Admission(null, "logins in progress from the address at the limit");
        }
        if (user != null && user.pending >= byAuthid.maxPending) {
            return new Admission(null, "logins in progress for the authid at the limit");
        }
        if (address != null && !address.hasToken(byAddress.rate, nowNanos)) {
            return new Admission(null, "login rate of the address exceeded");
        }
        if (user != null && !user.hasToken(byAuthid.rate, nowNanos)) {
            return new Admission(null, "login rate of the authid exceeded");
        }
        if (address != null) {
            address.takeToken();
            address.pending++;
        }
        if (user != null) {
            user.takeToken();
            user.pending++;
        }
        return new Admission(new Permit(address, user), null);
    }

    /** Entries kept, for tests: addresses and authids. */
    synchronized int[] tracked() {
        return new int[] {byAddress.map.size(), byAuthid.map.size()};
    }

    /** One login's place in its address's and authid's counts (either may be absent); released once. */
    final class Permit {
        private final Entry address;
        private final Entry authid;
        private boolean released; // guarded by LoginGuard.this

        private Permit(Entry address, Entry authid) {
            this.address = address;
            this.authid = authid;
        }

        /** Counts a failure; returns how long to wait before answering it (keep the permit until then). */
        long failed(long nowNanos) {
            synchronized (LoginGuard.this) {
                int n = address == null ? 0 : address.fail(nowNanos);
                if (authid != null) {
                    n = Math.max(n, authid.fail(nowNanos));
                }
                int k = Math.min(n, 20);
                return k == 0 ? 0 : Math.min(200L * ((1L << (k - 1)) - 1), limits.maxFailureDelayMs());
            }
        }

        /** The authid proved itself: its failures are forgotten (the address's are not). */
        void succeeded() {
            synchronized (LoginGuard.this) {
                if (authid != null) {
                    authid.failures = 0;
                }
            }
        }

        void release() {
            synchronized (LoginGuard.this) {
                if (released) {
                    return;
                }
                released = true;
                if (address != null) {
                    address.pending--;
                }
                if (authid != null) {
                    authid.pending--;
                }
            }
        }
    }

    /** Counts for one address or authid. Guarded by the guard's monitor. */
    private static final class Entry {
        int pending;
        int failures;
        long lastFailure;
        double tokens;
        long refilled;

        Entry(int rate, long now) {
            tokens = rate;
            refilled = now;
        }

        boolean hasToken(int rate, long now) {
            tokens = Math.min(rate, tokens + (now - refilled) * (double) rate / 1e9);
            refilled = now;
            return tokens >= 1;
        }

        void takeToken() {
            tokens -= 1;
        }

        int fail(long now) {
            if (failures > 0 && now - lastFailure > FAILURE_WINDOW_NANOS) {
                failures = 0;
            }
            lastFailure = now;
            return ++failures;
        }
    }

    /** A bounded table in access order: the eldest entries are the least recently used. */
    private final class Table {
        final int maxPending;
        final int rate;
        final LinkedHashMap<String, Entry> map = new LinkedHashMap<>(64, 0.75f, true);

        Table(int maxPending, int rate) {
            this.maxPending = maxPending;
            this.rate = rate;
        }

        /** The entry for {@code key}, made if need be; null if the table is full of logins in progress. */
        Entry entry(String key, long now) {
            Entry e = map.get(key);
            if (e != null) {
                return e;
            }
            if (map.size() >= limits.maxTracked() && !evictOne()) {
                return null;
            }
            e = new Entry(rate, now);
            map.put(key, e);
            return e;
        }

        private boolean evictOne() {
            Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
            for (int i = 0; i < EVICTION_SCAN && it.hasNext(); i++) {
                if (it.next().getValue().pending == 0) {
                    it.remove();
                    return true;
                }
            }
            return false;
        }
    }

    /** The key of a realm and authid: the authid itself, or its digest when long, so every key is small. */
    static String authidKey(String realm, String authid) {
        if (authid.length() <= LONG_AUTHID) {
            return realm + '\u0000' + authid;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(authid.getBytes(StandardCharsets.UTF_8));
            return realm + '\u0001' + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * The key of a peer address: its host (without the port); for IPv6 its /64 prefix, since one client usually holds
     * a whole /64 and would otherwise have 2^64 addresses to spread its guesses over.
     */
    static String addressKey(String peerAddress) {
        String host = host(peerAddress);
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int scope = literal.indexOf('%');
        if (scope >= 0) {
            literal = literal.substring(0, scope);
        }
        // Only an IPv6 literal (hex digits, colons, maybe a dotted tail) is parsed, so no name is ever looked up.
        if (literal.indexOf(':') >= 0 && literal.length() <= 45 && literal.matches("[0-9A-Fa-f:.]+")) {
            try {
                InetAddress a = InetAddress.getByName(literal);
                if (a instanceof Inet6Address) {
                    byte[] b = a.getAddress();
                    return HexFormat.of().formatHex(b, 0, 8) + "::/64";
                }
                return a.getHostAddress(); // an IPv4-mapped address
            } catch (UnknownHostException e) {
                return host;
            }
        }
        return host;
    }

    /** The host part of {@code host:port} (or {@code [v6]:port}): logins count per host, not per connection. */
    static String host(String peerAddress) {
        if (peerAddress == null) {
            return "";
        }
        if (peerAddress.startsWith("[") && peerAddress.indexOf(']') > 0) {
            return peerAddress.substring(0, peerAddress.indexOf(']') + 1);
        }
        int colon = peerAddress.indexOf(':');
        return colon > 0 && colon == peerAddress.lastIndexOf(':') ? peerAddress.substring(0, colon) : peerAddress;
    }
}
