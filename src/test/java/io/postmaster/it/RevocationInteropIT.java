package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;

/**
 * Registration and subscription revocation through Autobahn|JS, which announces both features and settles a
 * registration's {@code on_unregister} / a subscription's {@code on_unsubscribe} with the router's reason: every
 * scenario of {@code src/test/js/revocation.js} against the deployed WAR, refused for a role without a rule naming
 * the procedures.
 */
class RevocationInteropIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    @Test
    void revocationThroughAutobahnJs() throws Exception {
        ClientScripts.node(List.of("registration-revocation", "subscription-revocation"), "revocation.js",
                "--url", ws().toString(), "--realm", "realm1", "--admin-realm", "adminrealm",
                "--serializer", "json");
    }
}
