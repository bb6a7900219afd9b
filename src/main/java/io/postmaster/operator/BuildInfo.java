package io.postmaster.operator;

import jakarta.servlet.ServletContext;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The deployed build's version, as Maven recorded it in the WAR ({@code META-INF/maven/…/pom.properties}). */
final class BuildInfo {
    private static final String POM = "/META-INF/maven/io.postmaster/postmaster/pom.properties";

    private BuildInfo() {
    }

    static String version(ServletContext context) {
        try (InputStream in = context.getResourceAsStream(POM)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable descriptor only costs the label
        }
        String v = BuildInfo.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
