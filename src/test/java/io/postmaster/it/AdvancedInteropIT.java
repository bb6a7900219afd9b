package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The WAMP Advanced Profile through Autobahn|JS (npm {@code autobahn}, installed by the build from
 * {@code src/test/js/package-lock.json}) against the deployed WAR: every scenario of {@code src/test/js/advanced.js}
 * (one per feature: pattern subscriptions and registrations, black/whitelisting, publisher and caller
 * identification, retention, testaments, shared registrations, progressive results, timeouts, canceling and the
 * session, subscription and registration meta API) must pass.
 */
class AdvancedInteropIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    @Test
    void advancedProfileJson() throws Exception {
        ClientScripts.node(List.of("welcome-features"), "advanced.js", "--url", ws().toString(),
                "--realm", "realm1", "--admin-realm", "adminrealm", "--serializer", "json");
    }
}
