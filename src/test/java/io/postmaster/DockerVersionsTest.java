package io.postmaster;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The docker/ images run the server versions the container suite tests (the pom's wildfly.version, payara.version,
 * tomee.version and liberty.version, passed in by surefire), and the Liberty image the same feature list.
 */
class DockerVersionsTest {

    @Test
    void eachImageIsTheTestedVersion() throws IOException {
        assertFrom("Dockerfile.wildfly", "quay.io/wildfly/wildfly:" + version("wildfly") + "-jdk17");
        assertFrom("Dockerfile.payara", "payara/micro:" + version("payara") + "-jdk17");
        assertFrom("Dockerfile.tomee", "tomee:" + version("tomee") + "-jre17-webprofile");
        assertFrom("Dockerfile.liberty",
                "icr.io/appcafe/open-liberty:" + version("liberty") + "-kernel-slim-java17-openj9-ubi");
    }

    @Test
    void theLibertyImageUsesTheTestedFeatures() throws IOException {
        assertTrue(read("Dockerfile.liberty").contains("COPY --chown=1001:0 src/main/liberty/features.xml /config/"),
                "Dockerfile.liberty must copy src/main/liberty/features.xml");
        assertTrue(read("liberty-server.xml").contains("<include location=\"features.xml\"/>"),
                "liberty-server.xml must include features.xml");
    }

    private static void assertFrom(String dockerfile, String expected) throws IOException {
        Matcher m = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(read(dockerfile));
        assertTrue(m.find(), dockerfile + " has no FROM");
        assertEquals(expected, m.group(1), dockerfile);
    }

    private static String version(String server) {
        String v = System.getProperty("version." + server);
        assumeTrue(v != null, "run by Maven (surefire passes the versions)");
        return v;
    }

    private static String read(String name) throws IOException {
        String dir = System.getProperty("postmaster.docker.dir");
        assumeTrue(dir != null, "run by Maven (surefire passes the docker/ directory)");
        return Files.readString(Path.of(dir, name));
    }
}
