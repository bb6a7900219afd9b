package io.postmaster.endpoint;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Captures the application's EE context for the application code Postmaster runs on the server's managed executor,
 * from a servlet listener: the one place every server runs with the web module's whole context set up (WildFly
 * propagates its naming context to managed tasks only from there or a request, not from CDI's startup event).
 */
@WebListener
public class ContextCapture implements ServletContextListener {
    @Inject
    PostmasterRuntime runtime;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        runtime.captureContext();
    }
}
