package io.postmaster.it;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.net.URI;
import java.net.URL;

/** The artifact under test and where it answers. */
final class Deployments {
    private Deployments() {
    }

    /** The WAR that {@code mvn package} built: exactly what users deploy. */
    static WebArchive builtWar() {
        File war = new File(System.getProperty("postmaster.war", "target/postmaster.war"));
        if (!war.isFile()) {
            throw new IllegalStateException("build the WAR first (mvn verify does): " + war);
        }
        return ShrinkWrap.create(ZipImporter.class, "postmaster.war").importFrom(war).as(WebArchive.class);
    }

    /**
     * The router's WebSocket URI. Dial 127.0.0.1 with the deployment's port (a container may report the machine's
     * external address).
     */
    static URI ws(URL base) {
        return URI.create("ws://127.0.0.1:" + base.getPort() + "/ws");
    }
}
