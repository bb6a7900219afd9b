package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.testing.RawWebSocket;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The base of every container test ({@code *IT}): Arquillian runs it as a client of a WAR deployed on the server
 * under test ({@code -Dcontainer}, default WildFly). Each test class declares its own small deployment, most of them
 * {@link #builtWar()} as is:
 * <pre>
 * &#64;Deployment(testable = false)
 * static WebArchive deployment() {
 *     return builtWar();
 * }
 * </pre>
 * and gets from here where the router answers ({@link #ws()}) and the clients that dial it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
abstract class ContainerBase {
    private static final JsonSerializer JSON = new JsonSerializer();

    /** The deployment's base URL, as the container reports it. */
    @ArquillianResource
    URL base;

    // ------------------------------------------------------------------------------------------ the server

    /** The server under test: wildfly, payara, tomee or liberty (failsafe sets it from -Dcontainer). */
    static String container() {
        return System.getProperty("it.container", "wildfly");
    }

    /**
     * WildFly's server log, where the suite can read what the router logged; null on the other servers (Open Liberty's
     * is {@link #libertyLog}; Payara's and TomEE's are where Arquillian's adapters put them, not known here).
     */
    static Path serverLog() {
        String home = System.getProperty("jboss.home");
        return container().equals("wildfly") && home != null ? Path.of(home, "standalone", "log", "server.log") : null;
    }

    /** Open Liberty's messages.log in a run on Open Liberty; else null. */
    static Path libertyLog() {
        String wlp = System.getProperty("liberty.wlp");
        String server = System.getProperty("liberty.server");
        return !container().equals("liberty") || wlp == null || server == null ? null
                : Path.of(wlp, "usr", "servers", server, "logs", "messages.log");
    }

    /** {@link #serverLog()}; the test is skipped where there is none. */
    static Path assumeServerLog() {
        Path log = serverLog();
        assumeTrue(log != null, "the suite reads WildFly's server log only");
        return log;
    }

    /**
     * Whether {@code /ws} is served over the servlet container's HTTP upgrade in this run on a server other than
     * WildFly ({@code postmaster.servlet-upgrade}: on by default on Open Liberty, unless the environment says
     * {@code POSTMASTER_SERVLET_UPGRADE=false}, the suite's run over its JSR-356 endpoint).
     */
    static boolean servletUpgradeInThisRun() {
        String env = System.getenv("POSTMASTER_SERVLET_UPGRADE");
        if (env != null && !env.isBlank()) {
            return Boolean.parseBoolean(env.trim());
        }
        return container().equals("liberty");
    }

    /**
     * Whether WildFly frames {@code /ws} itself in this run ({@code postmaster.own-framing}, on unless the environment
     * says {@code POSTMASTER_OWN_FRAMING=false}: the suite's run over Undertow's WebSocket channel).
     */
    static boolean ownFramingInThisRun() {
        String env = System.getenv("POSTMASTER_OWN_FRAMING");
        return env == null || Boolean.parseBoolean(env.trim());
    }

    /**
     * Skips a test whose deployment sets {@code postmaster.own-framing} to {@code wanted} when the environment sets it
     * the other way: an environment variable outranks the deployment's own file, so the test would not run the path
     * it is about.
     */
    static void assumeOwnFramingCanBe(boolean wanted) {
        String env = System.getenv("POSTMASTER_OWN_FRAMING");
        assumeTrue(env == null || Boolean.parseBoolean(env.trim()) == wanted,
                "POSTMASTER_OWN_FRAMING=" + env + " in the environment outranks the deployment's setting");
    }

    /** The lines of {@code log} that {@code match}. */
    static long countLines(Path log, Predicate<String> match) throws IOException {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(match).count();
        }
    }

    // ------------------------------------------------------------------------------------------ deployments

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
        return ShrinkWrap.create(ZipImporter.class, rootWarName("postmaster.war")).importFrom(war)
                .as(WebArchive.class);
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
        WebArchive war = ShrinkWrap.create(WebArchive.class, rootWarName("example.war"))
                .addPackage("com.example.postmaster")
                .addAsLibrary(jar);
        for (String descriptor : new String[] {"jboss-web.xml", "glassfish-web.xml", "ibm-web-ext.xml",
                "ibm-application-bnd.xml"}) {
            war.addAsWebInfResource(new File("src/main/webapp/WEB-INF/" + descriptor), descriptor);
        }
        // Its own login (BASIC against the server's users) and role, for authmethod container.
        war.addAsWebInfResource(new File("src/example/webapp/WEB-INF/web.xml"), "web.xml");
        // Postmaster's own runtime dependencies (jackson-core), as Maven would bring them in transitively.
        builtWar().getContent(path -> path.get().startsWith("/WEB-INF/lib/")).forEach((path, node) ->
                war.add(node.getAsset(), path));
        return war;
    }

    /** A WAR served at {@code /}: TomEE takes the context root from the file name only. */
    private static String rootWarName(String name) {
        return container().equals("tomee") ? "ROOT.war" : name;
    }

    // ------------------------------------------------------------------------------------------ clients

    /**
     * The router's WebSocket URI. Dial 127.0.0.1 with the deployment's port (a container may report the machine's
     * external address).
     */
    URI ws() {
        return URI.create("ws://127.0.0.1:" + base.getPort() + "/ws");
    }

    /** A plain HTTP URI on the deployment's port, e.g. {@code /postmaster-it/peer?…}. */
    URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + base.getPort() + pathAndQuery);
    }

    /** A client joined to {@code realm} over {@code wamp.2.json}, anonymously. */
    WampTestClient join(String realm) throws Exception {
        return WampTestClient.join(ws(), realm);
    }

    /** A client joined to {@code realm} over {@code subprotocol}, anonymously. */
    WampTestClient join(String realm, String subprotocol) throws Exception {
        return WampTestClient.join(ws(), realm, subprotocol);
    }

    /** A client connected (no HELLO yet) offering {@code subprotocols} (none if empty). */
    WampTestClient connect(String... subprotocols) throws Exception {
        return WampTestClient.connect(ws(), subprotocols);
    }

    /**
     * A client joined to {@code realm} as {@code authid} with a ticket. Refused by the login guard's rate limit (tests
     * that log the same authid in one after the other can outrun it), it backs off and tries again, as a polite
     * client does; any other refusal fails at once.
     */
    WampTestClient joinWithTicket(String realm, String authid, String ticket) throws Exception {
        for (int attempt = 1; ; attempt++) {
            WampTestClient c = connect("wamp.2.json");
            Map<String, Object> hello = new LinkedHashMap<>(WampTestClient.ROLES);
            hello.put("authmethods", List.of("ticket"));
            hello.put("authid", authid);
            c.send(new WampMessage.Hello(realm, hello));
            WampMessage m = c.next();
            if (m instanceof WampMessage.Abort a && attempt < 10
                    && String.valueOf(a.details().get("message")).startsWith("too many authentication attempts")) {
                c.close();
                Thread.sleep(1000);
                continue;
            }
            if (!(m instanceof WampMessage.Challenge)) {
                c.close();
                throw new AssertionError("expected Challenge, got " + m);
            }
            c.send(new WampMessage.Authenticate(ticket, Map.of()));
            c.next(WampMessage.Welcome.class);
            return c;
        }
    }

    /** The realms the suite's settings ({@code postmaster-it.properties}) serve, in their order. */
    static java.util.List<String> itRealms() {
        java.util.Properties p = new java.util.Properties();
        try (java.io.InputStream in = ContainerBase.class.getResourceAsStream("/postmaster-it.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return java.util.List.of(p.getProperty("postmaster.realms").split(","));
    }

    /** Sends {@code m} as JSON over a raw connection. */
    static void send(RawWebSocket c, WampMessage m) throws IOException {
        c.sendText(JSON.encodeToString(m));
    }

    /** Sends HELLO for {@code realm} with every client role, anonymously, over a raw connection. */
    static void hello(RawWebSocket c, String realm) throws IOException {
        send(c, new WampMessage.Hello(realm, WampTestClient.ROLES));
    }

    /** The next message on a raw connection, decoded from JSON. */
    static WampMessage read(RawWebSocket c) throws Exception {
        return JSON.decode(c.readText());
    }

    /**
     * A raw socket connection from {@code from}, handshake done for {@code wamp.2.json}. The hostile tests dial from
     * addresses of their own in 127/8, which Linux routes to the loopback interface as they are.
     */
    RawWebSocket raw(String from) throws IOException {
        try {
            return new RawWebSocket(ws(), InetAddress.getByName(from), "wamp.2.json");
        } catch (BindException e) {
            throw new IllegalStateException("cannot dial from " + from + ": this suite dials from several 127/8"
                    + " addresses, which only Linux has without configuration (elsewhere add the alias, e.g. macOS:"
                    + " sudo ifconfig lo0 alias " + from + ")", e);
        }
    }
}
