package io.postmaster.config;

import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import static io.postmaster.config.PostmasterConfig.value;

/**
 * Where, under the deployment's context root, WAMP clients open their WebSocket. The endpoint is registered when the
 * application starts, at the path read then, so two deployments in one server may each have their own. The context
 * root itself is the server's to decide when it deploys the WAR (README, "Deploying to your own server"): an
 * application cannot choose it while it starts.
 *
 * @param path {@code postmaster.websocket.path}: the WAMP WebSocket (default {@code /ws}); session resumption's alias
 *             is this path with {@code -resume} appended ({@link #resumePath()}). One or more segments of letters,
 *             digits, {@code .}, {@code _}, {@code ~} and {@code -} (no segment starting with a dot), at most 128
 *             characters, and not under what the application serves itself ({@code /admin}, {@code /bridge},
 *             {@code /health}, {@code /metrics}, {@code /webrocket})
 */
public record WebSocketPaths(String path) {
    static final String PATH = "postmaster.websocket.path";
    /** The path when none is set: where Crossbar's examples and every WAMP client's README dial. */
    public static final String DEFAULT = "/ws";
    /** What the alias of session resumption appends to {@link #path}. */
    static final String RESUME_SUFFIX = "-resume";
    private static final int MAX_LENGTH = 128;
    private static final Pattern SHAPE = Pattern.compile("(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+");
    /** First segments the application serves other things under. */
    private static final Set<String> TAKEN = Set.of("admin", "bridge", "health", "metrics", "webrocket");

    public WebSocketPaths {
        if (path == null || path.length() > MAX_LENGTH || !SHAPE.matcher(path).matches()) {
            throw new IllegalArgumentException(PATH + " must be a path such as /ws or /wamp/router: '/' and one or"
                    + " more segments of letters, digits, '.', '_', '~' and '-' (none starting with '.'), at most "
                    + MAX_LENGTH + " characters, got '" + path + "'");
        }
        String first = path.substring(1).split("/", 2)[0].toLowerCase(Locale.ROOT);
        if (TAKEN.contains(first)) {
            throw new IllegalArgumentException(PATH + " must not be under /" + first + ", which the application"
                    + " serves itself (taken: " + new java.util.TreeSet<>(TAKEN) + "), got '" + path + "'");
        }
    }

    /** The alias of {@link #path} kept for the clients of session resumption that dial it: {@code /ws-resume}. */
    public String resumePath() {
        return path + RESUME_SUFFIX;
    }

    /** Reads the setting through {@code lookup}. */
    public static WebSocketPaths from(Function<String, String> lookup) {
        return new WebSocketPaths(value(lookup, PATH, DEFAULT));
    }
}
