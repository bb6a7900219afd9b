package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;

/**
 * Autobahn|JS (from npm) in the same realm as a webrocket and a webwire client, against the deployed WAR:
 * {@code src/test/js/seedbridge.js}.
 */
class SeedBridgeIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    @Test
    void autobahnJsTalksWithWebrocketAndWebwireClients() throws Exception {
        ClientScripts.node(List.of("webrocket-autobahn", "webwire-autobahn"), "seedbridge.js",
                "--base", "127.0.0.1:" + base.getPort());
    }
}
