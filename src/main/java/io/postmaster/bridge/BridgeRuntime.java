package io.postmaster.bridge;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.endpoint.ApplicationClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Holds the application's {@link HttpBridge}. Its sessions are the {@link ApplicationClient}'s, which ends those of
 * requests still in progress when the application stops.
 */
@ApplicationScoped
public class BridgeRuntime {

    @Inject
    ApplicationClient client;
    @Inject
    PostmasterConfig config;

    private HttpBridge bridge;

    synchronized HttpBridge bridge() {
        if (bridge == null) {
            bridge = new HttpBridge(client.client(), config.bridge());
        }
        return bridge;
    }
}
