package io.postmaster.cluster;

import io.postmaster.message.WampMessage;
import io.postmaster.router.Connection;
import io.postmaster.router.Peer;
import io.postmaster.router.Router;
import io.postmaster.serialization.Outgoing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An in-memory WAMP client of one router (one node): what the router sends it, in order. */
public final class Client implements Peer {
    public final LinkedBlockingQueue<WampMessage> received = new LinkedBlockingQueue<>();
    private final String name;
    private Connection connection;
    long session;
    private String role;
    private long request;

    private Client(String name) {
        this.name = name;
    }

    /** A client joined to realm1 of {@code router}. */
    public static Client join(Router router, String name) throws InterruptedException {
        return join(router, name, Map.of("publisher", Map.of(), "subscriber", Map.of()));
    }

    /** The features of an RPC client that announces all of them, as caller and callee. */
    public static final Map<String, Object> RPC_ROLES = rpcRoles();

    private static Map<String, Object> rpcRoles() {
        Map<String, Object> f = Map.of("progressive_call_results", true, "progressive_call_invocations", true,
                "call_timeout", true, "call_canceling", true, "caller_identification", true,
                "registration_revocation", true);
        return Map.of("caller", Map.of("features", f), "callee", Map.of("features", f),
                "publisher", Map.of(), "subscriber", Map.of());
    }

    /** A client joined to realm1 of {@code router} announcing {@code roles}. */
    public static Client join(Router router, String name, Map<String, Object> roles) throws InterruptedException {
        return join(router, name, roles, null);
    }

    /** A client joined to realm1 of {@code router} announcing {@code roles} and claiming {@code authid} (if not null). */
    public static Client join(Router router, String name, Map<String, Object> roles, String authid)
            throws InterruptedException {
        Client c = new Client(name);
        c.connection = router.connect(c);
        c.connection.onMessage(new WampMessage.Hello("realm1", authid == null ? Map.of("roles", roles)
                : Map.of("roles", roles, "authid", authid)));
        WampMessage.Welcome w = c.next(WampMessage.Welcome.class);
        c.session = w.session();
        c.role = String.valueOf(w.details().get("authrole"));
        return c;
    }

    /** The authrole the router gave the session. */
    String role() {
        return role;
    }

    /** Sends REGISTER; returns its request ID (the answer is REGISTERED or ERROR). */
    long sendRegister(String procedure, Map<String, Object> options) {
        connection.onMessage(new WampMessage.Register(++request, options, procedure));
        return request;
    }

    /** Registers and returns the registration ID. */
    public long register(String procedure, Map<String, Object> options) throws InterruptedException {
        sendRegister(procedure, options);
        return next(WampMessage.Registered.class).registration();
    }

    /** Sends CALL; returns its request ID. */
    public long call(String procedure, Map<String, Object> options, List<Object> args) {
        connection.onMessage(new WampMessage.Call(++request, options, procedure, args, null));
        return request;
    }

    /** Sends CALL with keyword arguments; returns its request ID. */
    public long call(String procedure, List<Object> args, Map<String, Object> kwargs) {
        connection.onMessage(new WampMessage.Call(++request, Map.of(), procedure, args, kwargs));
        return request;
    }

    /** Sends a further CALL of a progressive invocation with the same request ID. */
    void callAgain(long callRequest, String procedure, Map<String, Object> options, List<Object> args) {
        connection.onMessage(new WampMessage.Call(callRequest, options, procedure, args, null));
    }

    void cancel(long callRequest, String mode) {
        connection.onMessage(new WampMessage.Cancel(callRequest, Map.of("mode", mode)));
    }

    public void yield(long invocation, Map<String, Object> options, List<Object> args) {
        connection.onMessage(new WampMessage.Yield(invocation, options, args, null));
    }

    void error(long invocation, String uri) {
        connection.onMessage(new WampMessage.Error(io.postmaster.message.MessageType.INVOCATION.code(), invocation,
                Map.of(), uri, null, null));
    }

    void unregister(long registration) {
        connection.onMessage(new WampMessage.Unregister(++request, registration));
    }

    /** Leaves as a dropped transport does. */
    void drop() {
        connection.onTransportClosed();
    }

    /** Subscribes and returns the subscription ID. */
    public long subscribe(String topic, String match) throws InterruptedException {
        connection.onMessage(new WampMessage.Subscribe(++request, match == null ? Map.of() : Map.of("match", match),
                topic));
        return next(WampMessage.Subscribed.class).subscription();
    }

    /** Subscribes with these options and returns the subscription ID. */
    public long subscribeWith(String topic, Map<String, Object> options) throws InterruptedException {
        connection.onMessage(new WampMessage.Subscribe(++request, options, topic));
        return next(WampMessage.Subscribed.class).subscription();
    }

    public void publish(String topic, Map<String, Object> options, List<Object> args) {
        connection.onMessage(new WampMessage.Publish(++request, options, topic, args, null));
    }

    @SuppressWarnings("unchecked")
    public <T extends WampMessage> T next(Class<T> type) throws InterruptedException {
        WampMessage m = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, name + ": nothing received, expected " + type.getSimpleName());
        assertTrue(type.isInstance(m), name + ": expected " + type.getSimpleName() + ", got " + m);
        return (T) m;
    }

    /** Asserts nothing more arrives within {@code ms}. */
    void nothingMore(long ms) throws InterruptedException {
        assertNull(received.poll(ms, TimeUnit.MILLISECONDS), name + ": unexpected message");
    }

    @Override
    public void send(Outgoing message) {
        received.add(message.message());
    }

    @Override
    public void close(int code, String reason) {
        connection.onTransportClosed();
    }

    @Override
    public TransportInfo transport() {
        return new TransportInfo(name, "wamp.2.json");
    }
}
