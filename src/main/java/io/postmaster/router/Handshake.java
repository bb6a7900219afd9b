package io.postmaster.router;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage.Authenticate;
import io.postmaster.message.WampMessage.Hello;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One authentication attempt, from HELLO to WELCOME or ABORT. Each step that runs application code (authenticator,
 * permission provider) runs on the extensions' executor, never on the routing thread; its outcome goes back to the
 * {@link Connection}, which checks that this handshake is still the current one before acting (the client may have
 * left meanwhile).
 *
 * <p>The client's offered methods are tried in its order, among those the realm allows; an authenticator answering
 * {@link AuthResult.Skip} passes to the next. Failures are answered with ABORT {@code wamp.error.not_authorized}
 * with a fixed message (details only in the log, never a secret), delayed by the {@link FailureThrottle}.
 */
final class Handshake {
    private static final Logger LOG = Logger.getLogger(Handshake.class.getName());
    static final String DENIED_MESSAGE = "authentication failed";

    private final Router router;
    private final Connection connection;
    private final Realm realm;
    private final HelloDetails hello;
    private final Map<String, Object> helloDetails;
    private final List<Authenticator> candidates;
    private int next;
    private volatile Authenticator current;
    private volatile AuthResult.Challenge challenge;

    private Handshake(Router router, Connection connection, Realm realm, HelloDetails hello,
                      Map<String, Object> helloDetails, List<Authenticator> candidates) {
        this.router = router;
        this.connection = connection;
        this.realm = realm;
        this.hello = hello;
        this.helloDetails = helloDetails;
        this.candidates = candidates;
    }

    /** The handshake for a valid HELLO, or null when none of the offered methods is allowed on the realm. */
    static Handshake of(Router router, Connection connection, Realm realm, Hello h, List<?> offered, Peer peer) {
        Extensions ext = router.extensions();
        List<Authenticator> candidates = new ArrayList<>();
        for (Object m : offered) {
            Authenticator a = m instanceof String s && ext.authmethods().apply(realm.name()).contains(s)
                    ? ext.authenticators().get(s) : null;
            if (a != null && !candidates.contains(a)) {
                candidates.add(a);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        Map<String, Object> d = h.details();
        @SuppressWarnings("unchecked")
        Map<String, Object> authextra = d.get("authextra") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        HelloDetails hello = new HelloDetails(realm.name(), d.get("authid") instanceof String s ? s : null,
                d.get("authrole") instanceof String s ? s : null, authextra, d, router.newSessionId(),
                Session.transportDetails(peer));
        return new Handshake(router, connection, realm, hello, d, candidates);
    }

    long sessionId() { return hello.sessionId(); }
    Realm realm() { return realm; }
    Map<String, Object> helloDetails() { return helloDetails; }

    /** Starts with the client's first acceptable method. */
    void start() {
        tryNext();
    }

    private void tryNext() {
        if (next >= candidates.size()) {
            connection.refused(this, ErrorUris.NO_AUTH_METHOD, "none of the offered authentication methods applies",
                    0);
            return;
        }
        Authenticator a = candidates.get(next++);
        current = a;
        run(() -> outcome(a.hello(hello)));
    }

    /** AUTHENTICATE arrived for the challenge sent. */
    void authenticate(Authenticate m) {
        Authenticator a = current;
        AuthResult.Challenge c = challenge;
        challenge = null; // single use
        run(() -> {
            AuthResult r = a.authenticate(hello, c, m.signature(), m.extra());
            outcome(r instanceof AuthResult.Skip ? AuthResult.deny(a.authmethod() + " skipped at AUTHENTICATE") : r);
        });
    }

    private void outcome(AuthResult r) throws Exception {
        if (r instanceof AuthResult.Skip) {
            tryNext();
        } else if (r instanceof AuthResult.Challenge c) {
            challenge = c;
            connection.challenge(this, current.authmethod(), c.extra());
        } else if (r instanceof AuthResult.Deny d) {
            String address = hello.transport().peerAddress();
            LOG.info(() -> "authentication refused for authid '" + hello.authid() + "' on realm " + realm.name()
                    + " from " + address + " (" + current.authmethod() + "): " + d.logReason());
            long delay = router.throttle().failed(address, System.currentTimeMillis());
            connection.refused(this, ErrorUris.NOT_AUTHORIZED, DENIED_MESSAGE, delay);
        } else if (r instanceof AuthResult.Accept a) {
            admit(a.identity());
        } else {
            throw new IllegalStateException(current.authmethod() + " gave no result");
        }
    }

    private void admit(Identity id) {
        SessionDetails details = new SessionDetails(hello.sessionId(), realm.name(), id.authid(), id.authrole(),
                current.authmethod(), id.authprovider(), id.authextra(), hello.transport());
        Permissions p;
        try {
            p = router.extensions().permissions().permissions(details);
        } catch (Exception | Error e) {
            LOG.log(Level.WARNING, "the permission provider failed for authid '" + id.authid() + "' on realm "
                    + realm.name(), e);
            connection.refused(this, ErrorUris.AUTHORIZATION_FAILED, "could not determine the session's permissions", 0);
            return;
        }
        router.throttle().succeeded(hello.transport().peerAddress());
        connection.admitted(this, details, p == null ? Permissions.NONE : p);
    }

    private interface Step {
        void run() throws Exception;
    }

    private void run(Step step) {
        try {
            router.extensions().executor().execute(() -> {
                try {
                    step.run();
                } catch (Exception | Error e) { // even an OutOfMemoryError: the client gets its ABORT
                    LOG.log(Level.WARNING, "authentication with " + current.authmethod() + " failed with an error"
                            + " for authid '" + hello.authid() + "' on realm " + realm.name(), e);
                    connection.refused(this, ErrorUris.AUTHENTICATION_FAILED, "the authentication check failed", 0);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warning(() -> "authentication refused: the executor is saturated (postmaster.executor-queue)");
            connection.refused(this, ErrorUris.AUTHENTICATION_FAILED, "the router is busy; try again later", 0);
        }
    }
}
