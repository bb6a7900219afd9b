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

    /** The server under test: wildfly, payara, tomee or liberty (failsafe sets it from -Dcontainer). */
    static String container() {
        return System.getProperty("it.container", "wildfly");
    }

    /**
     * The WAR that {@code mvn package} built: exactly what users deploy. It carries its context root ({@code /}) in
     * WEB-INF descriptors for WildFly, Payara and Liberty; TomEE (Tomcat) reads it from the file name only, and
     * serves {@code ROOT.war} at {@code /}.
     */
    static WebArchive builtWar() {
        File war = new File(System.getProperty("postmaster.war", "target/postmaster.war"));
        if (!war.isFile()) {
            throw new IllegalStateException("build the WAR first (mvn verify does): " + war);
        }
        String name = container().equals("tomee") ? "ROOT.war" : "postmaster.war";
        return ShrinkWrap.create(ZipImporter.class, name).importFrom(war).as(WebArchive.class);
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
        // Served at / like Postmaster itself: the same WEB-INF descriptors (WildFly, Payara, Liberty) and, for
        // TomEE, the file name ROOT.war.
        WebArchive war = ShrinkWrap.create(WebArchive.class, container().equals("tomee") ? "ROOT.war" : "example.war")
                .addPackage("com.example.postmaster")
                .addAsLibrary(jar);
        for (String descriptor : new String[] {"jboss-web.xml", "glassfish-web.xml", "ibm-web-ext.xml"}) {
            war.addAsWebInfResource(new File("src/main/webapp/WEB-INF/" + descriptor), descriptor);
        }
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
