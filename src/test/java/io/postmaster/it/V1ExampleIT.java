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
 * The example application's server-side procedures (the original Postmaster's unauthenticated RPC) called by the
 * real Autobahn|JS 0.8.2 by their v1 URLs, and by a v2 caller by their v2 names; its publish interceptor at work on
 * what a v1 subscriber receives.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class V1ExampleIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.exampleWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void v1AndV2CallersReachTheServerSideProcedures() throws Exception {
        List<String> scenarios = List.of("v1-anonymous-server-procedure",
                "v1-subscriber-sees-intercepted-publications");
        NodeScripts.run(scenarios, "v1.js", "--url", Deployments.ws(base).toString(), "--ab08",
                V1InteropIT.autobahn08(), "--only", String.join(",", scenarios));
    }
}
