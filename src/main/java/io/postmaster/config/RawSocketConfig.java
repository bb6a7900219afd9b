package io.postmaster.config;

import java.time.Duration;
import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.boolValue;
import static io.postmaster.config.PostmasterConfig.intValue;
import static io.postmaster.config.PostmasterConfig.value;

/**
 * WAMP over RawSocket: a TCP port of its own, opened when the application starts and closed when it stops (a
 * servlet container does not let an application share its HTTP port). The limits that apply to every connection
 * (message size, outbound queue, connections per address, keepalive) are the WebSocket transport's; these are what
 * only RawSocket has.
 *
 * @param enabled          whether the router listens for RawSocket at all; off by default, so that deploying the WAR
 *                         opens no port the administrator did not ask for
 * @param bindAddress      the local address to listen on ({@code 0.0.0.0}: every interface)
 * @param port             the TCP port to listen on
 * @param maxConnections   RawSocket connections that may be open at once, counting those still in their opening
 *                         handshake; past it a new connection is closed at once (the client sees the connection
 *                         end before any reply)
 * @param handshakeTimeout how long a new connection may take to send its 4-octet opening handshake; then it is
 *                         closed without a reply
 * @param ioThreads        threads that read, write and route RawSocket connections, each serving its share of the
 *                         connections; never blocked by one client (all sockets are non-blocking)
 */
public record RawSocketConfig(boolean enabled, String bindAddress, int port, int maxConnections,
                              Duration handshakeTimeout, int ioThreads) {

    public static final String ENABLED = "postmaster.rawsocket.enabled";
    public static final String BIND_ADDRESS = "postmaster.rawsocket.bind-address";
    public static final String PORT = "postmaster.rawsocket.port";
    public static final String MAX_CONNECTIONS = "postmaster.rawsocket.max-connections";
    public static final String HANDSHAKE_TIMEOUT_MS = "postmaster.rawsocket.handshake-timeout-ms";
    public static final String IO_THREADS = "postmaster.rawsocket.io-threads";

    public static final int DEFAULT_PORT = 8082;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;

    public RawSocketConfig {
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException(BIND_ADDRESS + " must name a local address, e.g. 0.0.0.0 or 127.0.0.1");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(PORT + " must be a TCP port (1 to 65535), got " + port);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException(MAX_CONNECTIONS + " must be positive, got " + maxConnections);
        }
        if (handshakeTimeout.toMillis() < 100) {
            throw new IllegalArgumentException(HANDSHAKE_TIMEOUT_MS + " must be at least 100, got "
                    + handshakeTimeout.toMillis());
        }
        if (ioThreads < 1 || ioThreads > 64) {
            throw new IllegalArgumentException(IO_THREADS + " must be between 1 and 64, got " + ioThreads);
        }
    }

    /** The defaults: off; when on, port 8082 on every interface, 10,000 connections, 5 s for the handshake. */
    public static RawSocketConfig defaults() {
        return from(k -> null);
    }

    public static RawSocketConfig from(Function<String, String> lookup) {
        return new RawSocketConfig(boolValue(lookup, ENABLED, false), value(lookup, BIND_ADDRESS, "0.0.0.0"),
                intValue(lookup, PORT, DEFAULT_PORT), intValue(lookup, MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS),
                Duration.ofMillis(intValue(lookup, HANDSHAKE_TIMEOUT_MS, DEFAULT_HANDSHAKE_TIMEOUT_MS)),
                intValue(lookup, IO_THREADS, defaultIoThreads()));
    }

    /** One I/O thread per core the JVM may use, at most 4. */
    public static int defaultIoThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }
}
