package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WAMP v1 clients in the same realms as WAMP v2 clients, end to end against the deployed WAR: the real Autobahn|JS
 * 0.8.2 ({@code src/test/js/vendor/autobahn-js-0.8.2}, run by {@code src/test/js/v1.js}) together with Autobahn|JS v2.
 */
class V1InteropIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    /** Autobahn|JS 0.8.2: not on npm; the copy beside the project ({@code -Dpostmaster.ab08} overrides). */
    static String autobahn08() {
        File f = new File(System.getProperty("postmaster.ab08", "src/test/js/vendor/autobahn-js-0.8.2/autobahn.js"));
        assertTrue(f.isFile(), "Autobahn|JS 0.8.2 not found at " + f.getAbsolutePath());
        return f.getAbsolutePath();
    }

    @Test
    void autobahn08MeetsV2Clients() throws Exception {
        List<String> scenarios = List.of("v1-welcome", "v2-publish-to-v1-event", "v1-publish-to-v2-event",
                "exclude-eligible-by-v1-session-ids", "anonymous-v1-may-not-call-v2-callees",
                "meta-api-lists-v1-sessions", "wamp-cra-v1-and-calls-to-v2-callees", "wamp-cra-v1-wrong-signature");
        ClientScripts.node(scenarios, "v1.js", "--url", ws().toString(), "--ab08", autobahn08(),
                "--only", String.join(",", scenarios));
    }
}
