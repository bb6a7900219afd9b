package io.postmaster.inprocess;

import io.postmaster.message.ErrorUris;
import io.postmaster.router.InProcessPeer;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import io.postmaster.spi.Identity;
import io.postmaster.spi.WampClient;
import io.postmaster.spi.WampException;
import io.postmaster.spi.WampSession;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * Joins application code to the router's realms ({@link WampClient}) and ends what it joined when the application
 * stops ({@link #close()}).
 */
public final class LocalClient implements WampClient, AutoCloseable {
    /** The {@code authmethod} of sessions joined with an identity set in code. */
    public static final String AUTHMETHOD = "internal";
    /** What the sessions' transport details say. */
    public static final Peer.TransportInfo TRANSPORT = new Peer.TransportInfo("in-process", "in-process", true);

    private final Router router;
    private final Executor executor;
    private final Values values;
    private final Set<LocalSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param executor where the sessions' handlers run and their stages complete: the executor that runs the
     *                 application's code for the router (bounded; a rejected task ends the session)
     * @param convert turns application objects that are not plain WAMP values (records, beans) into plain values
     *                (e.g. with JSON-B), or null to refuse them with {@code wamp.error.invalid_argument}
     */
    public LocalClient(Router router, Executor executor, UnaryOperator<Object> convert) {
        this.router = router;
        this.executor = executor;
        this.values = new Values(convert);
    }

    @Override
    public CompletionStage<WampSession> join(String realm, String authid, String authrole) {
        Identity identity;
        try {
            identity = new Identity(authid, authrole, "application", Map.of());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new WampException(ErrorUris.INVALID_ARGUMENT,
                    List.of(e.getMessage()), null));
        }
        return join(realm, AUTHMETHOD, identity, TRANSPORT);
    }

    /**
     * Joins as an identity vouched for by in-process code.
     *
     * @param authmethod what the session's details name as its authmethod
     * @param transport  the transport facts the session shows (e.g. the HTTP client's address for the bridge)
     */
    public CompletionStage<WampSession> join(String realm, String authmethod, Identity identity,
                                             Peer.TransportInfo transport) {
        if (realm == null) {
            return CompletableFuture.failedFuture(new WampException(ErrorUris.NO_SUCH_REALM, List.of(), null));
        }
        int max = router.config().limits().authidMaxChars();
        if (identity.authid().length() > max || identity.authrole().length() > max) {
            return CompletableFuture.failedFuture(new WampException(ErrorUris.INVALID_ARGUMENT,
                    List.of("authid and authrole may have at most " + max + " characters"), null));
        }
        return start(new LocalSession(router, executor, this, realm, new InProcessPeer.Login(authmethod, identity), transport,
                values));
    }

    private CompletionStage<WampSession> start(LocalSession s) {
        if (closed) {
            return CompletableFuture.failedFuture(new WampException(ErrorUris.SYSTEM_SHUTDOWN, List.of(), null));
        }
        sessions.add(s);
        if (closed) { // closed meanwhile: close() may have missed it
            sessions.remove(s);
            return CompletableFuture.failedFuture(new WampException(ErrorUris.SYSTEM_SHUTDOWN, List.of(), null));
        }
        return s.start();
    }

    void forget(LocalSession s) {
        sessions.remove(s);
    }

    /** Sessions open or joining (for tests and the log). */
    public int sessions() {
        return sessions.size();
    }

    /** Leaves every session (GOODBYE); joins after this fail. */
    @Override
    public void close() {
        closed = true;
        for (LocalSession s : sessions) {
            s.leave();
        }
    }
}
