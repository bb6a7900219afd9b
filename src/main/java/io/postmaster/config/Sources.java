package io.postmaster.config;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Where settings come from, with MicroProfile Config's precedence (higher ordinal wins):
 * <ol>
 * <li>system properties (400);</li>
 * <li>environment variables (300), found as MicroProfile Config finds them: the key, then with every character
 * other than a letter or digit replaced by {@code _}, then that in upper case
 * ({@code postmaster.max-message-size} → {@code POSTMASTER_MAX_MESSAGE_SIZE});</li>
 * <li>the properties file named by {@code postmaster.config} (system property, or environment variable
 * {@code POSTMASTER_CONFIG}) (200);</li>
 * <li>{@code META-INF/microprofile-config.properties} in the deployment (100): {@code WEB-INF/classes} or a JAR in
 * {@code WEB-INF/lib};</li>
 * <li>the built-in defaults.</li>
 * </ol>
 * Where the server has MicroProfile Config (WildFly with its MicroProfile layers, Payara, Open Liberty with
 * {@code mpConfig}), the deployment's {@code Config} answers instead, with every source the server adds (Kubernetes
 * ConfigMaps, secret directories, the server's own configuration) at their ordinals; the {@code postmaster.config}
 * file keeps its ordinal 200 beside them. Everything is read through the deployment's class loader: two WARs in one
 * server each read their own {@code microprofile-config.properties} and their own MicroProfile Config.
 */
final class Sources {
    static final String FILE_PROPERTY = "postmaster.config";
    static final int FILE_ORDINAL = 200;
    static final String MP_FILE = "META-INF/microprofile-config.properties";

    private Sources() {
    }

    /** The lookup for the deployment whose class loader is {@code loader}. */
    static Function<String, String> of(ClassLoader loader) {
        Map<String, String> env = System.getenv();
        Properties file = file(System.getProperty(FILE_PROPERTY, env.get("POSTMASTER_CONFIG")));
        Function<String, Valued> mp = microProfile(loader);
        if (mp != null) {
            return key -> {
                Valued v = mp.apply(key);
                String f = file.getProperty(key);
                return f != null && (v == null || v.ordinal() < FILE_ORDINAL) ? f : v == null ? null : v.value();
            };
        }
        Properties packaged = packaged(loader);
        return key -> {
            String v = System.getProperty(key);
            if (v == null) {
                v = environment(env, key);
            }
            if (v == null) {
                v = file.getProperty(key);
            }
            if (v == null) {
                v = packaged.getProperty(key);
            }
            return v;
        };
    }

    /** The environment variable for {@code key} as MicroProfile Config finds it, or null. */
    static String environment(Map<String, String> env, String key) {
        String v = env.get(key);
        if (v == null) {
            String sanitized = key.replaceAll("[^A-Za-z0-9]", "_");
            v = env.get(sanitized);
            if (v == null) {
                v = env.get(sanitized.toUpperCase(Locale.ROOT));
            }
        }
        return v;
    }

    private static Properties file(String path) {
        Properties file = new Properties();
        if (path != null && !path.isBlank()) {
            try (InputStream in = Files.newInputStream(Path.of(path))) {
                file.load(in);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the Postmaster configuration file " + path, e);
            }
        }
        return file;
    }

    /**
     * Every {@code META-INF/microprofile-config.properties} the deployment holds, the one with the higher
     * {@code config_ordinal} winning (100 where it names none), as MicroProfile Config reads them.
     */
    static Properties packaged(ClassLoader loader) {
        List<Properties> found = new ArrayList<>();
        try {
            Enumeration<URL> urls = loader == null ? null : loader.getResources(MP_FILE);
            while (urls != null && urls.hasMoreElements()) {
                URL url = urls.nextElement();
                Properties p = new Properties();
                try (InputStream in = url.openStream()) {
                    p.load(in);
                }
                found.add(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + MP_FILE + " from the deployment", e);
        }
        found.sort((a, b) -> Integer.compare(ordinal(a), ordinal(b))); // ascending: the highest is put last and wins
        Properties merged = new Properties();
        found.forEach(merged::putAll);
        return merged;
    }

    private static int ordinal(Properties p) {
        return PostmasterConfig.parseInt(p.getProperty("config_ordinal", "100").trim()).orElse(100);
    }

    /** A value and the ordinal of the source it came from. */
    record Valued(String value, int ordinal) {
    }

    /**
     * The deployment's MicroProfile Config, or null where the server has none. Called by reflection: the WAR is built
     * against the Jakarta EE Web Profile alone and runs where MicroProfile is absent.
     */
    static Function<String, Valued> microProfile(ClassLoader loader) {
        Object config;
        Method getConfigValue;
        Method getValue;
        Method getOrdinal;
        try {
            Class<?> provider = Class.forName("org.eclipse.microprofile.config.ConfigProvider", true, loader);
            config = provider.getMethod("getConfig", ClassLoader.class).invoke(null, loader);
            Class<?> api = Class.forName("org.eclipse.microprofile.config.Config", false, loader);
            getConfigValue = api.getMethod("getConfigValue", String.class); // MicroProfile Config 2.0 and later
            Class<?> value = Class.forName("org.eclipse.microprofile.config.ConfigValue", false, loader);
            getValue = value.getMethod("getValue");
            getOrdinal = value.getMethod("getSourceOrdinal");
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
        return key -> {
            try {
                Object v = getConfigValue.invoke(config, key);
                Object value = v == null ? null : getValue.invoke(v);
                return value == null ? null : new Valued(value.toString(), (Integer) getOrdinal.invoke(v));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("MicroProfile Config failed to read " + key, e);
            }
        };
    }

    /** Whether the deployment of {@code loader} reads its settings through MicroProfile Config. */
    static boolean microProfileUsed(ClassLoader loader) {
        return microProfile(loader) != null;
    }

    /** For tests: the lookup over given sources, as {@link #of} orders them without MicroProfile Config. */
    static Function<String, String> of(Properties system, Map<String, String> env, Properties file,
                                       Properties packaged) {
        return key -> Optional.ofNullable(system.getProperty(key))
                .or(() -> Optional.ofNullable(environment(env, key)))
                .or(() -> Optional.ofNullable(file.getProperty(key)))
                .orElse(packaged.getProperty(key));
    }
}
