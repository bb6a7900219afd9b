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
 * Registration and subscription revocation through Autobahn|JS, which announces both features and settles a
 * registration's {@code on_unregister} / a subscription's {@code on_unsubscribe} with the router's reason: every
 * scenario of {@code src/test/js/revocation.js} against the deployed WAR, refused for a role without a rule naming
 * the procedures.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RevocationInteropIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void revocationThroughAutobahnJs() throws Exception {
        NodeScripts.run(List.of("registration-revocation", "subscription-revocation"), "revocation.js",
                "--url", Deployments.ws(base).toString(), "--realm", "realm1", "--admin-realm", "adminrealm",
                "--serializer", "json");
    }
}
