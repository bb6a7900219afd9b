package io.postmaster.it;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.util.Set;

/**
 * Test-only: gives one deployment {@code postmaster.operator.role=postmaster-admin} ({@link HostileOperatorAccessIT}).
 * Settings are read from system properties, environment and one file for the whole server; this initializer (in a
 * JAR of the test WAR's {@code WEB-INF/lib}) sets the system property when the server starts the application — before
 * any listener, so before Postmaster reads its settings — and removes it when the application stops, so the suite's
 * next deployments read the suite's settings alone.
 */
public class OperatorRoleSetting implements ServletContainerInitializer {
    static final String KEY = "postmaster.operator.role";
    static final String ROLE = "postmaster-admin";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        System.setProperty(KEY, ROLE);
        context.addListener(new ServletContextListener() {
            @Override
            public void contextDestroyed(ServletContextEvent e) {
                System.clearProperty(KEY);
            }
        });
    }
}
