package io.postmaster.endpoint;

import org.glassfish.tyrus.server.Server;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * JUnit extension: the real {@link WampEndpoint} on an embedded Tyrus server (random port) with Weld SE for CDI.
 * Settings given to the constructor are set as system properties while the router starts.
 */
public class EmbeddedServer implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> settings;
    private final Map<String, String> previous = new HashMap<>();
    private WeldContainer weld;
    private Server server;

    public EmbeddedServer(Map<String, String> settings) {
        this.settings = settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        settings.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        weld = new Weld().initialize(); // CDI first: endpoints are created through it
        server = new Server("127.0.0.1", -1, "/", Map.of(), EmbeddedEndpoints.class);
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.stop(); // closes sessions while CDI still runs
        }
        if (weld != null) {
            weld.shutdown();
        }
        previous.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + server.getPort()
                + settings.getOrDefault("postmaster.websocket.path", "/ws"));
    }

    public WeldContainer weld() {
        return weld;
    }
}
