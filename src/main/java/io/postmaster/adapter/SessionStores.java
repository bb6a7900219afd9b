package io.postmaster.adapter;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.config.ResumptionConfig;
import io.postmaster.config.SessionStoreConfig;
import io.postmaster.config.WebwireConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;

/**
 * The deployment's one {@link SessionStore}, shared by the webwire endpoint and WAMP session resumption: bounded as a
 * whole by {@code postmaster.session-store.*}, webwire sessions also by {@code postmaster.webwire.max-sessions} and
 * {@code max-session-bytes}, resumable WAMP sessions by {@code postmaster.resume.total-bytes}.
 */
@ApplicationScoped
public class SessionStores {
    @Inject
    PostmasterConfig config;

    private SessionStore store;

    /** The store, made on first use from the settings. */
    public synchronized SessionStore store() {
        if (store == null) {
            store = of(config.sessionStore(), config.webwire(), config.resumption());
        }
        return store;
    }

    /** The store these settings describe. */
    public static SessionStore of(SessionStoreConfig all, WebwireConfig webwire, ResumptionConfig resume) {
        return new MemorySessionStore(all.maxSessions(), all.maxBytes(), Map.of(
                SessionStore.Kind.WEBWIRE, new MemorySessionStore.Bounds(webwire.maxSessions(),
                        webwire.maxSessionBytes()),
                SessionStore.Kind.WAMP, new MemorySessionStore.Bounds(all.maxSessions(), resume.totalBytes())));
    }
}
