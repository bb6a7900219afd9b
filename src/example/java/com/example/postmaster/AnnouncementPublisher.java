package com.example.postmaster;

import io.postmaster.spi.PublishOptions;
import io.postmaster.spi.WampClient;
import io.postmaster.spi.WampSession;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes each {@link Announcement} to {@code com.example.announcements} through the injected {@link WampClient},
 * as a session of the router with the role {@code member} (whose rules, in {@link MemberPermissions}, allow it).
 *
 * <p>The pattern for publishing from a transaction: observe the application's own event with
 * {@code during = AFTER_SUCCESS}, so subscribers hear of the change only once it is committed (and never of one
 * rolled back). Without a transaction the observer is called at once.
 */
@ApplicationScoped
public class AnnouncementPublisher {
    private static final Logger LOG = Logger.getLogger(AnnouncementPublisher.class.getName());

    @Inject
    WampClient wamp;

    private CompletionStage<WampSession> session;

    private synchronized CompletionStage<WampSession> session() {
        if (session == null || session.toCompletableFuture().isCompletedExceptionally()) {
            session = wamp.join("realm1", "announcer", "member");
        }
        return session;
    }

    void publish(@Observes(during = TransactionPhase.AFTER_SUCCESS) Announcement a) {
        session()
                .thenCompose(s -> s.publish("com.example.announcements", List.of(),
                        Map.of("author", a.author(), "text", a.text()), PublishOptions.DEFAULTS.acknowledged()))
                .whenComplete((publication, failure) -> {
                    if (failure != null) {
                        LOG.log(Level.WARNING, "announcement not published", failure);
                    }
                });
    }
}
