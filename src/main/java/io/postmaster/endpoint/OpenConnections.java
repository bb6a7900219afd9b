package io.postmaster.endpoint;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open WebSocket connections per client address, for {@code postmaster.max-connections-per-address}: those of
 * {@code /ws} and of the seed-protocol endpoints, counted together. An IPv6
 * client counts by its /64: one host is usually given a whole /64 and could otherwise open its connections from as
 * many addresses as it likes.
 *
 * <p>An address is an entry only while it has a connection open, so the map holds at most one entry per open
 * connection; it belongs to the deployment, never to a static field. Thread-safe: each count changes atomically.
 */
public final class OpenConnections {
    private final int max;
    /** By {@link #key}: the first address counted under it (handed to every later connection counted there) and
     * how many are open. */
    private final ConcurrentHashMap<String, Count> open = new ConcurrentHashMap<>();

    private record Count(String address, int n) {
    }

    /** @param max connections per address, 0 for no limit */
    OpenConnections(int max) {
        this.max = max;
    }

    public int max() {
        return max;
    }

    /** Whether the address already has as many connections as it may: a handshake from it is refused early. */
    public boolean full(String address) {
        return max > 0 && address != null && count(address) >= max;
    }

    /**
     * Counts a new connection from the address, unless it already has as many as it may. Exact where
     * {@link #full} is not: handshakes that passed it at the same moment are caught here.
     *
     * @return false when the connection is over the limit (and was not counted)
     */
    public boolean opened(String address) {
        return address == null || openedAs(address) != null; // null: the container did not say, nothing to count
    }

    /**
     * {@link #opened} for a connection that keeps what it is counted as until it closes: the string to hand to
     * {@link #closed} then, one instance for all connections of the address (not a copy per connection), or null
     * when the connection is over the limit (and was not counted).
     */
    public String openedAs(String address) {
        String[] counted = {null};
        open.compute(key(address), (k, c) -> {
            int n = c == null ? 0 : c.n();
            if (max > 0 && n >= max) {
                return c;
            }
            String as = c == null ? address : c.address();
            counted[0] = as;
            return new Count(as, n + 1);
        });
        return counted[0];
    }

    /** A connection counted by {@link #opened} has closed. */
    public void closed(String address) {
        if (address != null) {
            open.computeIfPresent(key(address), (k, c) -> c.n() <= 1 ? null : new Count(c.address(), c.n() - 1));
        }
    }

    /** Connections open from the address. */
    int count(String address) {
        Count c = open.get(key(address));
        return c == null ? 0 : c.n();
    }

    /** What an address counts as: itself (IPv4), or its /64 (IPv6). Never resolves a name: it is a literal. */
    static String key(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        int scope = address.indexOf('%');
        String literal = scope >= 0 ? address.substring(0, scope) : address;
        try {
            InetAddress a = InetAddress.getByName(literal.startsWith("[") ? literal : "[" + literal + "]");
            if (a instanceof Inet6Address) {
                return HexFormat.of().formatHex(a.getAddress(), 0, 8) + "::/64";
            }
            return a.getHostAddress(); // an IPv4-mapped address
        } catch (UnknownHostException e) {
            return address; // not a literal after all: count it as it is
        }
    }
}
