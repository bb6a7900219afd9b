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
 * The example application WAR ({@code src/example}: alternatives, observers, an interceptor, server-side procedures
 * on top of {@code postmaster-classes.jar}) deployed on WildFly and driven by Autobahn|JS ({@code src/test/js/example.js}):
 * its beans must be the ones at work.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExampleIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.exampleWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void exampleBeansAreTheOnesUsed() throws Exception {
        NodeScripts.run(List.of("anonymous-procedures", "member-via-userstore", "wrong-ticket", "chat-interceptor",
                "join-leave-observers"), "example.js", "--url", Deployments.ws(base).toString());
    }
}
