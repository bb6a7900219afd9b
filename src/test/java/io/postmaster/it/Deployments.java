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
     * The example application of {@code src/example}: its classes (compiled with the tests) and, in
     * {@code WEB-INF/lib}, the {@code postmaster-classes.jar} the build attached — what an application WAR that
     * extends Postmaster looks like.
     */
    static WebArchive exampleWar() {
        File jar = new File(System.getProperty("postmaster.classes.jar", "target/postmaster-classes.jar"));
        if (!jar.isFile()) {
            throw new IllegalStateException("build the classes JAR first (mvn verify does): " + jar);
        }
        WebArchive war = ShrinkWrap.create(WebArchive.class, "example.war")
                .addPackage("com.example.postmaster")
                .addAsLibrary(jar)
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/jboss-web.xml"), "jboss-web.xml");
        // Postmaster's own runtime dependencies (jackson-core), as Maven would bring them in transitively.
        builtWar().getContent(path -> path.get().startsWith("/WEB-INF/lib/")).forEach((path, node) ->
                war.add(node.getAsset(), path));
        return war;
    }

    /**
     * The router's WebSocket URI. Dial 127.0.0.1 with the deployment's port (a container may report the machine's
     * external address).
     */
    static URI ws(URL base) {
        return URI.create("ws://127.0.0.1:" + base.getPort() + "/ws");
    }
}
