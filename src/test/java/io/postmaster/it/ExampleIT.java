package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The example application WAR ({@code src/example}: alternatives, observers, an interceptor, server-side procedures
 * on top of {@code postmaster-classes.jar}) deployed on WildFly and driven by Autobahn|JS ({@code src/test/js/example.js}):
 * its beans must be the ones at work.
 */
class ExampleIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return exampleWar();
    }

    @Test
    void exampleBeansAreTheOnesUsed() throws Exception {
        ClientScripts.node(List.of("anonymous-procedures", "member-via-userstore", "wrong-ticket", "chat-interceptor",
                "join-leave-observers"), "example.js", "--url", ws().toString());
    }
}
