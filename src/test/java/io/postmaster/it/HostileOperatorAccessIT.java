package io.postmaster.it;

import io.postmaster.testing.PrometheusText;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;

import static io.postmaster.it.AdminConsoleClients.ADMIN;
import static io.postmaster.it.AdminConsoleClients.OBSERVER;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code postmaster.operator.role} set ({@code postmaster-admin}, in the WAR's own {@code META-INF/microprofile-config.properties}): the metrics and the
 * three health endpoints answer 401 with a BASIC challenge to a caller without credentials or with unknown ones, 403
 * to a user of the server without the role, and 200 to one with it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HostileOperatorAccessIT {
    private static final List<String> PATHS = List.of("/metrics", "/health/started", "/health/live", "/health/ready");
    private static final String ROLE = "postmaster-admin";

    @Deployment(testable = false)
    static WebArchive deployment() {
        // the WAR's own settings (META-INF/microprofile-config.properties): this deployment alone has the role set
        return AdminConsoleClients.builtWar().addAsResource(
                new StringAsset("postmaster.operator.role=" + ROLE + "\n"), "META-INF/microprofile-config.properties");
    }

    @ArquillianResource
    URL base;

    @Test
    void metricsAndHealthNeedTheOperatorRole() throws Exception {
        for (String path : PATHS) {
            HttpResponse<String> none = AdminConsoleClients.get(base, path, null);
            assertEquals(401, none.statusCode(), path + " without credentials: " + none.body());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").toLowerCase().startsWith("basic"),
                    path + ": a BASIC challenge");
            assertFalse(none.body().contains("wamp_sessions") || none.body().contains("\"status\":\"UP\""),
                    path + ": nothing of the router to a stranger");
            // an unknown user: TomEE's LockOutRealm locks a known user out after 5 failures in a row
            assertEquals(401, AdminConsoleClients.get(base, path, new String[] {"intruder", "admin"}).statusCode(),
                    path + " with an unknown user");
            HttpResponse<String> observer = AdminConsoleClients.get(base, path, OBSERVER);
            assertEquals(403, observer.statusCode(), path + " without the role: " + observer.body());
            HttpResponse<String> admin = AdminConsoleClients.get(base, path, ADMIN);
            assertEquals(200, admin.statusCode(), path + " with the role: " + admin.body());
        }
        HttpResponse<String> metrics = AdminConsoleClients.get(base, "/metrics", ADMIN);
        assertNotNull(PrometheusText.parse(metrics.body()).value("wamp_sessions", "realm", "realm1"), metrics.body());
        assertTrue(AdminConsoleClients.get(base, "/health/ready", ADMIN).body().startsWith("{\"status\":\"UP\""));
    }
}
