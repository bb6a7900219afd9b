package io.postmaster.bridge;

import io.postmaster.router.Router;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Holds the application's {@link HttpBridge}; ends the sessions of requests in progress when it stops. */
@ApplicationScoped
public class BridgeRuntime {

    @Inject
    Router router;

    private HttpBridge bridge;

    synchronized HttpBridge bridge() {
        if (bridge == null) {
            bridge = new HttpBridge(router);
        }
        return bridge;
    }

    @PreDestroy
    synchronized void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }
}
