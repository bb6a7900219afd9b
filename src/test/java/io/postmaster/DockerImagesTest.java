package io.postmaster;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every image in {@code docker/} promises an operator, read from the Dockerfiles (no Docker engine runs where
 * the suite runs): a HEALTHCHECK on the readiness endpoint, a non-root user, the settings file
 * {@code POSTMASTER_CONFIG} names (to mount over), and a build context that {@code .dockerignore} keeps to the files
 * the images copy — never the server copies and build output under {@code target/}.
 */
class DockerImagesTest {
    private static final List<String> IMAGES = List.of("Dockerfile.wildfly", "Dockerfile.payara", "Dockerfile.tomee",
            "Dockerfile.liberty");

    @Test
    void eachImageChecksReadinessRunsAsNonRootAndReadsTheMountableSettingsFile() throws IOException {
        for (String image : IMAGES) {
            String f = read(docker().resolve(image));
            Matcher health = Pattern.compile("(?m)^HEALTHCHECK\\s+(.*)$").matcher(f);
            assertTrue(health.find(), image + ": a HEALTHCHECK");
            assertTrue(health.group(1).contains("CMD") && health.group(1).contains("/opt/postmaster/healthcheck.sh"),
                    image + ": the HEALTHCHECK runs docker/healthcheck.sh: " + health.group(1));
            assertTrue(f.contains("docker/healthcheck.sh /opt/postmaster/healthcheck.sh"),
                    image + ": copies the health check script");
            String user = last(f, "(?m)^USER\\s+(\\S+)");
            assertNotNull(user, image + ": a USER");
            assertFalse(user.equals("root") || user.equals("0") || user.startsWith("0:") || user.startsWith("root:"),
                    image + ": runs as a user other than root, not " + user);
            assertTrue(f.indexOf("\nUSER ") > f.lastIndexOf("\nRUN "), image + ": the last RUN comes before USER");
            assertTrue(f.contains("ENV POSTMASTER_CONFIG=/etc/postmaster/postmaster.properties"),
                    image + ": POSTMASTER_CONFIG names the settings file");
            assertTrue(f.contains("docker/postmaster.properties /etc/postmaster/postmaster.properties"),
                    image + ": copies the default settings file");
        }
        String script = read(docker().resolve("healthcheck.sh"));
        assertTrue(script.contains("/health/ready"), "healthcheck.sh asks /health/ready");
        assertTrue(script.startsWith("#!/bin/bash\n"), "healthcheck.sh is a bash script (it uses /dev/tcp)");
    }

    @Test
    void theBuildContextHoldsWhatTheImagesCopyAndNothingOfTarget() throws IOException {
        Path ignore = docker().getParent().resolve(".dockerignore");
        assertTrue(Files.isRegularFile(ignore), ".dockerignore at the project's top level");
        List<String> lines = read(ignore).lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        assertEquals("*", lines.get(0), ".dockerignore starts by leaving everything out");
        List<String> allowed = lines.stream().filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
        for (String a : allowed) {
            assertFalse(a.equals("target") || a.equals("target/") || a.startsWith("target/server")
                    || (a.startsWith("target/") && a.contains("*")), ".dockerignore lets " + a + " in");
        }
        for (String image : IMAGES) {
            for (String source : copied(read(docker().resolve(image)))) {
                assertTrue(allowed.stream().anyMatch(a -> source.equals(a) || a.endsWith("/") && source.startsWith(a)),
                        image + " copies " + source + ", which .dockerignore leaves out");
                if (!source.startsWith("target/")) {
                    assertTrue(Files.exists(docker().getParent().resolve(source)), image + " copies " + source
                            + ", which does not exist");
                }
            }
        }
    }

    /** The sources of a Dockerfile's COPY instructions (from the build context, not {@code --from}). */
    private static List<String> copied(String dockerfile) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^COPY\\s+(.*)$").matcher(dockerfile);
        while (m.find()) {
            List<String> words = new ArrayList<>(List.of(m.group(1).trim().split("\\s+")));
            if (words.stream().anyMatch(w -> w.startsWith("--from"))) {
                continue;
            }
            words.removeIf(w -> w.startsWith("--"));
            out.addAll(words.subList(0, words.size() - 1));
        }
        return out;
    }

    private static String last(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private static Path docker() {
        String dir = System.getProperty("postmaster.docker.dir");
        assumeTrue(dir != null, "run by Maven (surefire passes the docker/ directory)");
        return Path.of(dir);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
