package io.postmaster.endpoint;

import io.postmaster.config.WebSocketPaths;
import io.postmaster.router.Router;
import io.postmaster.v1.V1Gateway;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.EnumSet;
import java.util.List;
import java.util.logging.Logger;

/**
 * Registers the WAMP WebSocket at {@code postmaster.websocket.path} ({@code /ws} by default) and its alias for
 * session resumption ({@code <path>-resume}) with the container's {@link ServerContainer}, and the
 * {@link HandshakeFilter} on exactly those paths and the admin console's {@code /admin/ws}: an annotated endpoint's
 * path is fixed at compile time, a setting is read per deployment. Done while the application starts, in a servlet
 * listener — where Jakarta WebSocket lets an application add endpoints on every server (WildFly, Payara, TomEE, Open
 * Liberty), and the deployment's settings and CDI beans are there. A path that cannot be registered (taken by another
 * endpoint of the application) fails the deployment.
 *
 * <p>The other WebSocket endpoints keep paths their protocols fix: {@code /admin/ws} beside the console's pages,
 * webrocket's {@code /webrocket/<realm>}, webwire's context root.
 */
@WebListener
public class WebSocketEndpoints implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(WebSocketEndpoints.class.getName());
    /** The filter's name in the servlet context. */
    static final String FILTER = "postmaster-websocket-handshake";
    /** Where the admin console's WebSocket is (an annotated endpoint beside the console's pages). */
    static final String ADMIN_PATH = "/admin/ws";

    @Inject
    PostmasterRuntime runtime;
    @Inject
    V1Support v1Support;
    @Inject
    Instance<SessionResumption> resumptions;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        WebSocketPaths paths = runtime.produceConfig().websocket();
        SessionResumption resumption = resumptions.isResolvable() ? resumptions.get() : null;
        Object found = context.getAttribute(ServerContainer.class.getName());
        if (!(found instanceof ServerContainer container)) {
            throw new IllegalStateException("the server offers this application no Jakarta WebSocket container ("
                    + ServerContainer.class.getName() + " attribute: " + found + "): Postmaster needs Jakarta"
                    + " WebSocket (on Open Liberty, the websocket-2.1 feature)");
        }
        try {
            for (ServerEndpointConfig endpoint : configs(paths, runtime, v1Support, resumption)) {
                container.addEndpoint(endpoint);
            }
        } catch (DeploymentException e) {
            throw new IllegalStateException("cannot serve WAMP at " + paths.path() + " and " + paths.resumePath()
                    + " (postmaster.websocket.path): " + e.getMessage(), e);
        }
        FilterRegistration.Dynamic filter = context.addFilter(FILTER, new HandshakeFilter(runtime));
        if (filter == null) {
            throw new IllegalStateException("a filter named " + FILTER + " is already registered");
        }
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, paths.path(),
                paths.resumePath(), ADMIN_PATH);
        LOG.info(() -> "WAMP over WebSocket at " + context.getContextPath() + paths.path() + " (postmaster.websocket"
                + ".path; session resumption's alias " + context.getContextPath() + paths.resumePath() + ")");
    }

    /**
     * The WAMP transport's endpoints: at {@code paths.path()} with WAMP v1, and at the alias without.
     *
     * @param resumption the session resumption extension, or null
     */
    static List<ServerEndpointConfig> configs(WebSocketPaths paths, PostmasterRuntime runtime,
                                              V1Support v1Support, SessionResumption resumption) {
        Router router = runtime.router();
        List<String> v2 = WampEndpoint.SUBPROTOCOLS.stream().filter(p -> !p.equals(V1Gateway.SUBPROTOCOL)).toList();
        return List.of(
                WampSocket.config(paths.path(), WampEndpoint.SUBPROTOCOLS,
                        () -> WampEndpoint.of(router, runtime, v1Support, resumption)),
                WampSocket.config(paths.resumePath(), v2, () -> WampEndpoint.of(router, runtime, null, resumption)));
    }
}
