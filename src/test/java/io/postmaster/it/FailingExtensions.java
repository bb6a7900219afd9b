package io.postmaster.it;

import io.postmaster.auth.PermissionAuthorizer;
import io.postmaster.spi.Action;
import io.postmaster.spi.Authorizer;
import io.postmaster.spi.Decision;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.Publication;
import io.postmaster.spi.PublishInterceptor;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.Verdict;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * Extension beans that fail the way a full heap makes code fail, deployed by {@link HostileFailureIT}: on URIs under
 * {@link #PREFIX} they throw {@link OutOfMemoryError}; everywhere else they behave as the defaults.
 */
final class FailingExtensions {
    static final String PREFIX = "com.example.failing.";

    private FailingExtensions() {
    }

    /** Fails while deciding a SUBSCRIBE: on the connection's own thread, in the middle of routing. */
    @Alternative
    @Priority(100)
    @ApplicationScoped
    public static class FailingAuthorizer implements Authorizer {
        private final Authorizer permissions = new PermissionAuthorizer();

        @Override
        public Decision authorize(SessionDetails session, Permissions p, String uri, Action action) {
            if (action == Action.SUBSCRIBE && uri.startsWith(PREFIX)) {
                throw new OutOfMemoryError("simulated: Java heap space");
            }
            return permissions.authorize(session, p, uri, action);
        }
    }

    /** Fails while intercepting a PUBLISH: on the executor, in the session's lane. */
    @ApplicationScoped
    public static class FailingInterceptor implements PublishInterceptor {
        @Override
        public Verdict intercept(Publication publication) {
            if (publication.topic().startsWith(PREFIX)) {
                throw new OutOfMemoryError("simulated: Java heap space");
            }
            return Verdict.pass();
        }
    }
}
