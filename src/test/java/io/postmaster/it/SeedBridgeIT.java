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
 * Autobahn|JS (from npm) in the same realm as a webrocket and a webwire client, against the deployed WAR:
 * {@code src/test/js/seedbridge.js}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SeedBridgeIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void autobahnJsTalksWithWebrocketAndWebwireClients() throws Exception {
        NodeScripts.run(List.of("webrocket-autobahn", "webwire-autobahn"), "seedbridge.js",
                "--base", "127.0.0.1:" + base.getPort());
    }
}
