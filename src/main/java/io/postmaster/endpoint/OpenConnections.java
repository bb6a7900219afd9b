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
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    /** @param max connections per address, 0 for no limit */
    OpenConnections(int max) {
        this.max = max;
    }

    public int max() {
        return max;
    }

    /** Whether the address already has as many connections as it may: a handshake from it is refused early. */
    public boolean full(String address) {
        return max > 0 && address != null && open.getOrDefault(key(address), 0) >= max;
    }

    /**
     * Counts a new connection from the address, unless it already has as many as it may. Exact where
     * {@link #full} is not: handshakes that passed it at the same moment are caught here.
     *
     * @return false when the connection is over the limit (and was not counted)
     */
    public boolean opened(String address) {
        if (address == null) {
            return true; // the container did not say (see Transports): nothing to count
        }
        boolean[] counted = {false};
        open.compute(key(address), (k, n) -> {
            int c = n == null ? 0 : n;
            if (max > 0 && c >= max) {
                return n;
            }
            counted[0] = true;
            return c + 1;
        });
        return counted[0];
    }

    /** A connection counted by {@link #opened} has closed. */
    public void closed(String address) {
        if (address != null) {
            open.computeIfPresent(key(address), (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Connections open from the address. */
    int count(String address) {
        return open.getOrDefault(key(address), 0);
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
