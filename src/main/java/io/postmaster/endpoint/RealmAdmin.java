package io.postmaster.endpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.postmaster.auth.BuiltIns;
import io.postmaster.config.AuthConfig;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.config.RealmConfig;
import io.postmaster.config.RealmDefinition;
import io.postmaster.router.Realm;
import io.postmaster.router.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * Realms an operator adds, changes and removes while the application runs — one place for the MXBean and the admin
 * API. A realm's definition is a JSON object of its settings, named as in the configuration without the
 * {@code postmaster.realm.<name>.} prefix ({@link RealmDefinition}): {@code {"anonymous":"false","roles":"user",
 * "role.user.permissions":"com.example. prefix all","users":"joe","user.joe.role":"user","user.joe.ticket":"…"}}.
 *
 * <ul>
 * <li>add: the realm's security settings are in place before the router serves it, so the first HELLO finds both;</li>
 * <li>change: new logins use the new methods, roles, users and permissions; sessions already joined keep the role
 * and permissions they got at their login until they leave (kill them, by authid, to apply the change to them at
 * once). A realm's routing settings ({@code uri-check}, {@code history}) shape tables in use and cannot change:
 * remove the realm and add it again;</li>
 * <li>remove: the router stops serving it first (a HELLO gets {@code wamp.error.no_such_realm}), its sessions get
 * GOODBYE {@code wamp.close.close_realm}, then its security settings go.</li>
 * </ul>
 * Bounded by {@code postmaster.realms-max} and {@code postmaster.realm-definition-max-bytes}; every change, and every
 * refusal, is logged with who asked. Changes live in memory: a redeploy or restart serves the configured realms
 * again. Changes run one at a time.
 */
@ApplicationScoped
public class RealmAdmin {
    private static final Logger LOG = Logger.getLogger(RealmAdmin.class.getName());
    private static final JsonFactory JSON = new JsonFactory();
    private static final io.postmaster.logging.RateLimitedLog REFUSED =
            new io.postmaster.logging.RateLimitedLog(LOG, java.util.logging.Level.INFO);

    /** Told when a realm starts or stops being served (the per-realm MXBeans). */
    public interface Listener {
        void added(Realm realm);

        void removed(String realm);
    }

    /** What a change did. */
    public enum Outcome { ADDED, CHANGED }

    @Inject
    PostmasterRuntime runtime;

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void listen(Listener l) {
        listeners.add(l);
    }

    public void unlisten(Listener l) {
        listeners.remove(l);
    }

    /**
     * Adds the realm, or changes it if it is served.
     *
     * @param json the definition (see above)
     * @param who  who asks, for the log
     * @throws IllegalArgumentException with a message for the operator, if the name or the definition is not valid,
     *                                  or the change would alter a routing setting
     * @throws IllegalStateException    if {@code postmaster.realms-max} realms are served already, or the router
     *                                  stopped
     */
    public synchronized Outcome put(String name, String json, String who) {
        return putLogged(name, json, null, who, "added or changed");
    }

    /** Adds a realm that is not served; see {@link #put}. */
    public synchronized void add(String name, String json, String who) {
        putLogged(name, json, Outcome.ADDED, who, "added");
    }

    /** Changes a realm that is served; see {@link #put}. */
    public synchronized void change(String name, String json, String who) {
        putLogged(name, json, Outcome.CHANGED, who, "changed");
    }

    /** {@link #putChecked}, the change logged, a refusal logged (rate-limited) and thrown on. */
    private Outcome putLogged(String name, String json, Outcome expected, String who, String verb) {
        try {
            return logged(putChecked(name, json, expected), name, who);
        } catch (RuntimeException e) {
            REFUSED.log(() -> "realm " + shorten(name) + " not " + verb + " for " + who + ": " + e.getMessage());
            throw e;
        }
    }

    private static Outcome logged(Outcome o, String name, String who) {
        LOG.info(() -> "realm " + name + (o == Outcome.ADDED ? " added" : " changed (new logins use it)") + " by "
                + who);
        return o;
    }

    private Outcome putChecked(String name, String json, Outcome only) {
        PostmasterConfig config = runtime.produceConfig();
        Router router = runtime.router();
        RealmDefinition def = RealmDefinition.parse(name, parse(json, config.runtimeRealms().definitionMaxBytes()));
        BuiltIns.checkScramCredentials(def.auth(), config.scram());
        AuthConfig auth = runtime.produceAuthConfig();
        Realm served = router.realm(name);
        if (served == null) {
            if (only == Outcome.CHANGED) {
                throw new java.util.NoSuchElementException("no realm " + name + " is served");
            }
            AuthConfig.RealmAuth before = auth.realms().get(name);
            auth.putRealm(def.auth());
            Realm realm;
            try {
                realm = router.addRealm(def.realm());
            } catch (RuntimeException e) {
                restore(auth, name, before);
                throw e;
            }
            listeners.forEach(l -> l.added(realm));
            return Outcome.ADDED;
        }
        if (only == Outcome.ADDED) {
            throw new IllegalStateException("realm " + name + " is served already");
        }
        RealmConfig now = served.config();
        if (now.uriRule() != def.realm().uriRule() || !now.history().equals(def.realm().history())) {
            throw new IllegalArgumentException("uri-check and history of a served realm cannot change (now "
                    + now.uriRule().name().toLowerCase(java.util.Locale.ROOT) + ", " + now.history()
                    + "): remove the realm and add it again");
        }
        auth.putRealm(def.auth());
        return Outcome.CHANGED;
    }

    private static void restore(AuthConfig auth, String name, AuthConfig.RealmAuth before) {
        if (before == null) {
            auth.removeRealm(name);
        } else {
            auth.putRealm(before);
        }
    }

    /**
     * Removes a realm: its sessions get GOODBYE {@code wamp.close.close_realm}.
     *
     * @return how many sessions were told GOODBYE
     * @throws java.util.NoSuchElementException if no realm of that name is served
     */
    public synchronized int remove(String name, String who) {
        int n = runtime.router().removeRealm(name, "realm " + name + " removed by the operator");
        if (n < 0) {
            REFUSED.log(() -> "realm " + shorten(name) + " not removed for " + who + ": not served");
            throw new java.util.NoSuchElementException("no realm " + shorten(name) + " is served");
        }
        runtime.produceAuthConfig().removeRealm(name);
        listeners.forEach(l -> l.removed(name));
        LOG.info(() -> "realm " + name + " removed by " + who + "; " + n + " session(s) told GOODBYE");
        return n;
    }

    /** A realm as the admin API lists it. */
    public record Info(String name, int sessions, boolean configured) { }

    /** The realms served, in the order they were configured and added. */
    public List<Info> list() {
        PostmasterConfig config = runtime.produceConfig();
        List<Info> out = new ArrayList<>();
        for (Realm r : runtime.router().realms()) {
            out.add(new Info(r.name(), r.sessionCount(), config.realms().containsKey(r.name())));
        }
        return out;
    }

    /**
     * A definition's settings: a JSON object whose values are strings, numbers or booleans (taken as text).
     *
     * @throws IllegalArgumentException if it is longer than {@code maxBytes} or not such an object
     */
    static Map<String, String> parse(String json, int maxBytes) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        if (json.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new IllegalArgumentException("the definition is longer than " + maxBytes
                    + " bytes (postmaster.realm-definition-max-bytes)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("the definition must be a JSON object of settings");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                if (!v.isScalarValue() || v == JsonToken.VALUE_NULL) {
                    throw new IllegalArgumentException(shorten(key) + ": the value must be a string, number or "
                            + "boolean");
                }
                if (out.put(key, p.getText()) != null) {
                    throw new IllegalArgumentException(shorten(key) + ": given twice");
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IllegalArgumentException("the definition must be one JSON object of settings");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the definition is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) { // a parser over a string reads no I/O
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private static String shorten(String s) {
        return s == null || s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
