package io.postmaster.router;

import io.postmaster.logging.RateLimitedLog;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One authentication attempt, from HELLO to WELCOME or ABORT. Each step that runs application code (authenticator,
 * permission provider) runs on the extensions' executor, never on the routing thread; its outcome goes back to the
 * {@link Connection}, which checks that this handshake is still the current one before acting (the client may have
 * left meanwhile). A step whose connection is gone by the time it is due is dropped unrun.
 *
 * <p>The client's offered methods are tried in its order, among those the realm allows; an authenticator answering
 * {@link AuthResult.Skip} passes to the next. Failures are answered with ABORT {@code wamp.error.not_authorized}
 * with a fixed message (details only in the log, never a secret).
 *
 * <p>A method other than {@code anonymous} first needs a permit of the {@link LoginGuard} (else ABORT
 * {@code wamp.error.authentication_failed} at once), runs its steps in the {@link CheckLane} (a bounded share of the
 * executor, so that wrong passwords cannot hold up anonymous logins), and has its refusal delayed by the guard; the
 * permit is released when the handshake ends, and for a refusal only when its delayed answer is due.
 */
final class Handshake {
    private static final Logger LOG = Logger.getLogger(Handshake.class.getName());
    private static final RateLimitedLog FAILED_LOG = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog REFUSED_LOG = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog LIMITED_LOG = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog BUSY_LOG = new RateLimitedLog(LOG, Level.WARNING);
    static final String DENIED_MESSAGE = "authentication failed";
    static final String LIMITED_MESSAGE = "too many authentication attempts; try again later";
    static final String ANONYMOUS = "anonymous";
    /** The method of logins the server vouches for (see {@code postmaster.realm.<realm>.container.any-hello}). */
    static final String CONTAINER = "container";
    /** The method of TLS client certificates the server verified. */
    static final String TLS = "tls";

    private final Router router;
    private final Connection connection;
    private final Realm realm;
    private final HelloDetails hello;
    private final Map<String, Object> helloDetails;
    private final List<Authenticator> candidates;
    private int next;
    private volatile Authenticator current;
    private volatile AuthResult.Challenge challenge;
    /** The guard's permit while a method with credentials runs; taken once, released once. */
    private final AtomicReference<LoginGuard.Permit> permit = new AtomicReference<>();
    private volatile boolean guarded;

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
        InProcessPeer.Login vouched = peer instanceof InProcessPeer local ? local.login() : null;
        if (vouched != null) {
            candidates.add(new Vouched(vouched)); // set in code: the only candidate, whatever HELLO offers
        }
        // A realm may welcome any HELLO over a connection whose handshake carries the server's login as that login.
        Authenticator container = ext.authenticators().get(CONTAINER);
        if (vouched == null && container != null && peer.transport().login().principal() != null
                && router.config().server().logins().of(realm.name()).anyHello()
                && ext.authmethods().apply(realm.name()).contains(CONTAINER)) {
            offered = List.of(CONTAINER);
        }
        for (Object m : vouched != null ? List.of() : offered) {
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
    /** The method being tried (or that refused), null before the first; for the metrics. */
    String authmethod() {
        Authenticator a = current;
        return a == null ? null : a.authmethod();
    }
    Realm realm() { return realm; }
    Map<String, Object> helloDetails() { return helloDetails; }

    /** Starts with the client's first acceptable method. */
    void start() {
        tryNext();
    }

    private void tryNext() {
        if (next >= candidates.size()) {
            refuse(ErrorUris.NO_AUTH_METHOD, "none of the offered authentication methods applies");
            return;
        }
        Authenticator a = candidates.get(next++);
        current = a;
        if (!withoutCredentials(a) && !guarded && !admit(a)) {
            return;
        }
        run(() -> outcome(a.hello(hello)));
    }

    /** Asks the guard for a permit before the first check with credentials; refuses the login at once without. */
    private boolean admit(Authenticator a) {
        guarded = true;
        String address = hello.transport().peerAddress();
        LoginGuard.Admission adm = router.loginGuard().admit(address, realm.name(), hello.authid(), System.nanoTime());
        if (adm.permit() == null) {
            LIMITED_LOG.log(() -> "authentication refused at once for authid '" + shown(hello.authid()) + "' on realm "
                    + realm.name() + " from " + address + " (" + a.authmethod() + "): " + adm.refusal());
            refuse(ErrorUris.AUTHENTICATION_FAILED, LIMITED_MESSAGE);
            return false;
        }
        permit.set(adm.permit());
        if (!connection.current(this)) {
            abandoned(); // closed meanwhile: the connection has already let go of this handshake
            return false;
        }
        return true;
    }

    /** The connection let go of this handshake (closed, timed out): its permit is free, unless a refusal holds it. */
    void abandoned() {
        LoginGuard.Permit p = permit.getAndSet(null);
        if (p != null) {
            p.release();
        }
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
            String method = current.authmethod();
            REFUSED_LOG.log(() -> "authentication refused for authid '" + shown(hello.authid()) + "' on realm "
                    + realm.name() + " from " + address + " (" + method + "): " + d.logReason());
            LoginGuard.Permit p = permit.getAndSet(null);
            long delay = p == null ? 0 : p.failed(System.nanoTime());
            connection.refused(this, ErrorUris.NOT_AUTHORIZED, DENIED_MESSAGE, delay);
            if (p != null) {
                // Held until the answer is due, whether or not the client waits for it.
                if (delay <= 0) {
                    p.release();
                } else {
                    router.scheduler().schedule(p::release, delay, TimeUnit.MILLISECONDS);
                }
            }
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
            FAILED_LOG.log(() -> "the permission provider failed for authid '" + shown(id.authid()) + "' on realm "
                    + realm.name(), e);
            refuse(ErrorUris.AUTHORIZATION_FAILED, "could not determine the session's permissions");
            return;
        }
        LoginGuard.Permit held = permit.getAndSet(null);
        if (held != null) {
            if (!ANONYMOUS.equals(current.authmethod())) {
                held.succeeded();
            }
            held.release();
        }
        connection.admitted(this, details, p == null ? Permissions.NONE : p);
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Refuses at once (not a failed guess: no delay) and frees the permit. */
    private void refuse(String reason, String message) {
        connection.refused(this, reason, message, 0);
        abandoned();
    }

    /** Runs a step on the executor — through the check lane for methods with credentials — unless the login is gone. */
    private void run(Step step) {
        Runnable task = () -> {
            if (!connection.current(this)) {
                return; // the client left or timed out while the step waited: nobody needs its answer
            }
            try {
                step.run();
            } catch (Exception | Error e) { // even an OutOfMemoryError: the client gets its ABORT
                FAILED_LOG.log(() -> "authentication with " + current.authmethod() + " failed with an error"
                        + " for authid '" + shown(hello.authid()) + "' on realm " + realm.name(), e);
                refuse(ErrorUris.AUTHENTICATION_FAILED, "the authentication check failed");
            }
        };
        try {
            if (withoutCredentials(current)) {
                router.extensions().executor().execute(task);
            } else {
                router.checks().execute(task);
            }
        } catch (RejectedExecutionException e) {
            BUSY_LOG.log(() -> "authentication refused: " + (withoutCredentials(current)
                    ? "the executor is saturated (postmaster.executor-queue)"
                    : "credential checks are saturated (postmaster.login.check-queue)"));
            refuse(ErrorUris.AUTHENTICATION_FAILED, "the router is busy; try again later");
        }
    }

    /** Whether {@code a} checks no credential: the login guard and the check lane are for those that do. */
    private static boolean withoutCredentials(Authenticator a) {
        // container and tls: the server checked the credentials (and guards its own login) before the session began
        return a instanceof Vouched || ANONYMOUS.equals(a.authmethod()) || CONTAINER.equals(a.authmethod())
                || TLS.equals(a.authmethod());
    }

    /** Admits the identity an {@link InProcessPeer} carries; never in {@link Extensions#authenticators()}. */
    private record Vouched(InProcessPeer.Login login) implements Authenticator {
        public String authmethod() { return login.authmethod(); }
        public AuthResult hello(HelloDetails hello) { return AuthResult.accept(login.identity()); }
        public AuthResult authenticate(HelloDetails h, AuthResult.Challenge c, String s, Map<String, Object> e) {
            return AuthResult.deny("no challenge issued");
        }
    }

    /** An authid as the log shows it: client-chosen, so cut short. */
    private static String shown(String authid) {
        return authid == null || authid.length() <= 64 ? authid : authid.substring(0, 64) + "…";
    }
}
