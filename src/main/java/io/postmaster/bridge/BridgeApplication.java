package io.postmaster.bridge;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Set;

/**
 * Serves the bridge at {@code <context>/bridge}. Lists its one resource, so an application's own Jakarta REST
 * application in the same WAR keeps its resources to itself (and should list them too, so as not to serve the
 * bridge a second time under its own path).
 */
@ApplicationPath("bridge")
public class BridgeApplication extends Application {
    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(BridgeResource.class);
    }
}
