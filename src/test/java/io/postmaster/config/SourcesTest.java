package io.postmaster.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Settings in MicroProfile Config's precedence, from the deployment's own class loader. */
class SourcesTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void systemPropertiesWinOverEnvironmentOverFileOverPackaged() {
        String k = "postmaster.max-message-size";
        Function<String, String> all = Sources.of(props(k, "1"), Map.of("POSTMASTER_MAX_MESSAGE_SIZE", "2"),
                props(k, "3"), props(k, "4"));
        assertEquals("1", all.apply(k), "a system property set in the server's console is not overridden");
        assertEquals("2", Sources.of(props(), Map.of("POSTMASTER_MAX_MESSAGE_SIZE", "2"), props(k, "3"),
                props(k, "4")).apply(k));
        assertEquals("3", Sources.of(props(), Map.of(), props(k, "3"), props(k, "4")).apply(k));
        assertEquals("4", Sources.of(props(), Map.of(), props(), props(k, "4")).apply(k));
        assertNull(Sources.of(props(), Map.of(), props(), props()).apply(k));
    }

    @Test
    void environmentNamesAsMicroProfileConfigFindsThem() {
        String k = "postmaster.realm.my-realm.anonymous";
        assertEquals("a", Sources.environment(Map.of(k, "a", "POSTMASTER_REALM_MY_REALM_ANONYMOUS", "c"), k));
        assertEquals("b", Sources.environment(Map.of("postmaster_realm_my_realm_anonymous", "b"), k));
        assertEquals("c", Sources.environment(Map.of("POSTMASTER_REALM_MY_REALM_ANONYMOUS", "c"), k));
    }

    @Test
    void eachDeploymentReadsItsOwnPackagedFile(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a/META-INF");
        Path b = dir.resolve("b/META-INF");
        Files.createDirectories(a);
        Files.createDirectories(b);
        Files.writeString(a.resolve("microprofile-config.properties"), "postmaster.realms=shop\n");
        Files.writeString(b.resolve("microprofile-config.properties"), "postmaster.realms=chat\n");
        try (URLClassLoader one = new URLClassLoader(new URL[] {dir.resolve("a").toUri().toURL()}, null);
             URLClassLoader two = new URLClassLoader(new URL[] {dir.resolve("b").toUri().toURL()}, null)) {
            assertEquals("shop", Sources.of(one).apply("postmaster.realms"));
            assertEquals("chat", Sources.of(two).apply("postmaster.realms"));
        }
    }

    @Test
    void theHigherConfigOrdinalWinsAmongPackagedFiles(@TempDir Path dir) throws Exception {
        for (String jar : new String[] {"low", "high"}) {
            Files.createDirectories(dir.resolve(jar + "/META-INF"));
        }
        Files.writeString(dir.resolve("low/META-INF/microprofile-config.properties"), "postmaster.realms=low\n");
        Files.writeString(dir.resolve("high/META-INF/microprofile-config.properties"),
                "config_ordinal=150\npostmaster.realms=high\n");
        try (URLClassLoader l = new URLClassLoader(new URL[] {dir.resolve("high").toUri().toURL(),
                dir.resolve("low").toUri().toURL()}, null)) {
            assertEquals("high", Sources.packaged(l).getProperty("postmaster.realms"));
        }
    }
}
