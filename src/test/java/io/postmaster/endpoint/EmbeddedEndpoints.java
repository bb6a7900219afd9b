package io.postmaster.endpoint;

import io.postmaster.config.PostmasterConfig;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The WAMP transport's endpoints for the embedded Tyrus server, made as {@link WebSocketEndpoints} makes them in a
 * deployment (Tyrus' standalone server has no servlet context to run that listener in), at
 * {@code postmaster.websocket.path}.
 */
public class EmbeddedEndpoints implements ServerApplicationConfig {
    @Override
    public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> scanned) {
        CDI<Object> cdi = CDI.current();
        PostmasterRuntime runtime = cdi.select(PostmasterRuntime.class).get();
        Instance<SessionResumption> resumptions = cdi.select(SessionResumption.class);
        return new LinkedHashSet<>(WebSocketEndpoints.configs(cdi.select(PostmasterConfig.class).get().websocket(),
                runtime, cdi.select(V1Support.class).get(), resumptions.isResolvable() ? resumptions.get() : null));
    }

    @Override
    public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
        return Set.of();
    }
}
