package io.postmaster.config;

import io.postmaster.message.Uris;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A realm as an operator defines it at runtime: the same settings as {@code postmaster.realm.<name>.<key>} in the
 * configuration, given without the prefix ({@code anonymous}, {@code roles}, {@code role.user.permissions},
 * {@code users}, {@code user.joe.ticket}, …), checked and parsed by the same code as the configuration's.
 *
 * @param realm its routing settings
 * @param auth  its authentication methods, roles and users
 */
public record RealmDefinition(RealmConfig realm, AuthConfig.RealmAuth auth) {
    /** The longest realm name accepted at runtime. */
    public static final int NAME_MAX_CHARS = 255;
    /** Keys of a realm's own settings. */
    private static final Set<String> REALM_KEYS = Set.of("anonymous", "uri-check", "history", "authmethods",
            "anonymous-role", "roles", "users");
    private static final Pattern ROLE_KEY = Pattern.compile("role\\.[^.]+\\.permissions");
    private static final Pattern USER_KEY = Pattern.compile("user\\.[^.]+\\.(role|ticket|wampcra-secret|wampcra-key"
            + "|wampcra-salt|wampcra-iterations|wampcra-keylen|cryptosign-pubkeys|scram)");
    /** The keys, as an error message names them. */
    static final String KNOWN = "anonymous, uri-check, history, authmethods, anonymous-role, roles,"
            + " role.<role>.permissions, users, user.<authid>.{role,ticket,wampcra-secret,wampcra-key,wampcra-salt,"
            + "wampcra-iterations,wampcra-keylen,cryptosign-pubkeys,scram}";

    /**
     * Checks and parses a realm's definition.
     *
     * @param name     the realm URI
     * @param settings the realm's settings, by key without the {@code postmaster.realm.<name>.} prefix
     * @throws IllegalArgumentException with a message that names the setting, if the name is not a realm URI, a key
     *                                  is unknown, a role or user is set but not listed, or a value is malformed
     */
    public static RealmDefinition parse(String name, Map<String, String> settings) {
        if (name == null || name.isEmpty() || name.length() > NAME_MAX_CHARS || !Uris.valid(name, Uris.Rule.LOOSE)) {
            throw new IllegalArgumentException("'" + shorten(name) + "' is not a valid realm URI (at most "
                    + NAME_MAX_CHARS + " characters)");
        }
        Map<String, String> own = new LinkedHashMap<>();
        List<String> roles = PostmasterConfig.list(settings.get("roles"), "");
        List<String> users = PostmasterConfig.list(settings.get("users"), "");
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey();
            if (e.getValue() == null) {
                throw new IllegalArgumentException(shorten(key) + ": a value is needed");
            }
            if (ROLE_KEY.matcher(key).matches()) {
                String role = key.substring("role.".length(), key.length() - ".permissions".length());
                if (!roles.contains(role)) {
                    throw new IllegalArgumentException(key + ": role '" + role + "' is not in roles " + roles);
                }
            } else if (USER_KEY.matcher(key).matches()) {
                String authid = key.substring("user.".length(), key.lastIndexOf('.'));
                if (!users.contains(authid)) {
                    throw new IllegalArgumentException(key + ": user '" + authid + "' is not in users " + users);
                }
            } else if (!REALM_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + shorten(key) + "'; a realm takes " + KNOWN);
            }
            own.put("postmaster.realm." + name + "." + key, e.getValue());
        }
        RealmConfig realm = RealmConfig.from(own::get, name);
        return new RealmDefinition(realm, AuthConfig.realm(own::get, realm));
    }

    private static String shorten(String s) {
        return s == null || s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
