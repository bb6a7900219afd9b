package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The example application's server-side procedures (the original Postmaster's unauthenticated RPC) called by the
 * real Autobahn|JS 0.8.2 by their v1 URLs, and by a v2 caller by their v2 names; its publish interceptor at work on
 * what a v1 subscriber receives.
 */
class V1ExampleIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return exampleWar();
    }

    @Test
    void v1AndV2CallersReachTheServerSideProcedures() throws Exception {
        List<String> scenarios = List.of("v1-anonymous-server-procedure",
                "v1-subscriber-sees-intercepted-publications");
        ClientScripts.node(scenarios, "v1.js", "--url", ws().toString(), "--ab08",
                V1InteropIT.autobahn08(), "--only", String.join(",", scenarios));
    }
}
