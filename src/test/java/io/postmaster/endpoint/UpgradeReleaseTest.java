package io.postmaster.endpoint;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link UpgradeRelease} against stand-ins shaped like Undertow's request, exchange and connection: the connection's
 * upgrade listener (which holds the whole HTTP request) is let go once it has run, and nothing changes where the
 * shapes are not there.
 */
class UpgradeReleaseTest {

    /** Undertow's HttpUpgradeListener, in shape. */
    public interface Listener {
        void handleUpgrade(String channel, String exchange);
    }

    /** Undertow's HttpServerConnection, in shape: the listener in a private field, kept after the upgrade. */
    public static final class Connection {
        private Listener upgradeListener;
    }

    public static final class Exchange {
        final Connection connection = new Connection();

        public Connection getConnection() {
            return connection;
        }
    }

    /** Undertow's HttpServletRequestImpl, in shape. */
    public static final class Request {
        final Exchange exchange = new Exchange();

        public Exchange getExchange() {
            return exchange;
        }
    }

    @Test
    void theUpgradeListenerIsLetGoOnceItHasRun() {
        Request req = new Request();
        List<String> ran = new ArrayList<>();
        Listener original = (channel, exchange) -> ran.add(channel + "/" + exchange);
        req.exchange.connection.upgradeListener = original;

        assertTrue(UpgradeRelease.afterHandshake(req));
        Listener installed = req.exchange.connection.upgradeListener;
        assertNotNull(installed);
        assertNotSame(original, installed);

        installed.handleUpgrade("ws", "x"); // what the server does once the 101 is out
        assertEquals(List.of("ws/x"), ran);
        assertNull(req.exchange.connection.upgradeListener, "the connection must not keep the upgraded request");
    }

    @Test
    void aListenerThatFailsIsLetGoToo() {
        Request req = new Request();
        req.exchange.connection.upgradeListener = (channel, exchange) -> {
            throw new IllegalStateException("upgrade failed");
        };
        assertTrue(UpgradeRelease.afterHandshake(req));
        Listener installed = req.exchange.connection.upgradeListener;
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> installed.handleUpgrade("ws", "x"));
        assertEquals("upgrade failed", e.getMessage());
        assertNull(req.exchange.connection.upgradeListener);
    }

    @Test
    void noUpgradeNoChange() {
        Request req = new Request();
        assertFalse(UpgradeRelease.afterHandshake(req)); // refused handshakes: no listener was set
        assertNull(req.exchange.connection.upgradeListener);
    }

    @Test
    void otherServersRequestsAreLeftAlone() {
        assertFalse(UpgradeRelease.afterHandshake(new Object()));
        assertFalse(UpgradeRelease.afterHandshake(null));
    }
}
