package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.List;


/**
 * The WAMP Advanced Profile through Autobahn|JS (npm {@code autobahn}, installed by the build from
 * {@code src/test/js/package-lock.json}) against the deployed WAR: every scenario of {@code src/test/js/advanced.js}
 * (one per feature: pattern subscriptions and registrations, black/whitelisting, publisher and caller
 * identification, retention, testaments, shared registrations, progressive results, timeouts, canceling and the
 * session, subscription and registration meta API) must pass.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdvancedInteropIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void advancedProfileJson() throws Exception {
        NodeScripts.run(List.of("welcome-features"), "advanced.js", "--url", Deployments.ws(base).toString(),
                "--realm", "realm1", "--admin-realm", "adminrealm", "--serializer", "json");
    }
}
