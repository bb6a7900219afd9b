package io.postmaster.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * Authentication with a real client: Autobahn|JS (npm {@code autobahn}, installed by the build from
 * {@code src/test/js/package-lock.json}) runs {@code src/test/js/auth.js} against the deployed WAR. The Basic
 * Profile scenarios for every client and serializer are in {@link InteropMatrixIT}.
 */
class AuthInteropIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    /**
     * Authentication (ticket, wampcra salted, cryptosign) and role permissions with Autobahn|JS, on the realm
     * {@code authrealm} of {@code src/test/resources/postmaster-it.properties}.
     */
    @Test
    void autobahnJsAuthentication() throws Exception {
        ClientScripts.node(List.of("ticket-ok", "ticket-wrong", "wampcra-salted-ok", "wampcra-salted-wrong",
                "wampcra-unknown-user", "cryptosign-ok", "cryptosign-unknown-key", "anonymous-refused",
                "role-permissions"), "auth.js", "--url", ws().toString(), "--realm", "authrealm");
    }
}
