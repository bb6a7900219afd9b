package io.postmaster.spi;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A session of application code in a realm (see {@link WampClient}). Arguments are plain WAMP values: strings,
 * numbers, booleans, null, {@code byte[]}, lists and string-keyed maps of them; the injected client also converts
 * records and beans with JSON-B. Thread-safe: any thread may use it.
 *
 * <p>Each request returns a stage that completes with the router's answer, or exceptionally with a
 * {@link WampException} carrying the WAMP error URI. Handlers ({@link #subscribe}, {@link #register}) run on
 * Postmaster's executor: the events of one session in the order the router sent them, one at a time; invocations
 * concurrently. A handler that cannot keep up is not skipped: past {@code postmaster.outbound-queue} messages
 * waiting for it, the session is ended, as a WebSocket subscriber would be.
 */
public interface WampSession extends AutoCloseable {

    /** Who the session is: its ID, realm, authid and role. */
    SessionDetails details();

    /** Whether the session is still joined. */
    boolean isOpen();

    /** Publishes with the default options (no acknowledgement): completes once the router has routed it. */
    default CompletionStage<Void> publish(String topic, List<?> args, Map<String, ?> kwargs) {
        return publish(topic, args, kwargs, PublishOptions.DEFAULTS).thenApply(id -> null);
    }

    /**
     * Publishes. With {@link PublishOptions#acknowledge()} the stage completes with the publication ID from
     * PUBLISHED, or fails with the router's ERROR (not authorized, invalid URI …); without, it completes with null
     * once the router has taken the publication (a refusal is then not reported, as the spec has it).
     */
    CompletionStage<Long> publish(String topic, List<?> args, Map<String, ?> kwargs, PublishOptions options);

    /** Calls a procedure with the default options. */
    default CompletionStage<CallResult> call(String procedure, List<?> args, Map<String, ?> kwargs) {
        return call(procedure, args, kwargs, CallOptions.DEFAULTS);
    }

    /**
     * Calls a procedure. Cancel it with {@code toCompletableFuture().cancel(true)}: the router gets CANCEL with
     * {@link CallOptions#cancelMode()} and the stage fails with a {@link java.util.concurrent.CancellationException}.
     */
    CompletionStage<CallResult> call(String procedure, List<?> args, Map<String, ?> kwargs, CallOptions options);

    /** Subscribes to a topic (exact match); {@code handler} receives each event. */
    default CompletionStage<Subscription> subscribe(String topic, Consumer<WampEvent> handler) {
        return subscribe(topic, "exact", handler);
    }

    /**
     * Subscribes with a match policy: {@code exact}, {@code prefix} or {@code wildcard}.
     *
     * @return the subscription; fails with {@code wamp.error.not_authorized}, {@code wamp.error.invalid_uri} …
     */
    CompletionStage<Subscription> subscribe(String topic, String match, Consumer<WampEvent> handler);

    /**
     * Registers a procedure (exact match). {@code procedure} runs on the executor for each call; a
     * {@link WampException} it throws becomes that ERROR, anything else {@code wamp.error.runtime_error} (logged,
     * never sent).
     */
    CompletionStage<Registration> register(String procedure, Procedure handler);

    /** Leaves the realm (GOODBYE); pending calls fail with {@code wamp.error.canceled}. */
    CompletionStage<Void> leave();

    /**
     * Completes when the session has ended, with why: {@code wamp.close.normal} after {@link #leave()}, the reason of
     * the router's GOODBYE (e.g. {@code wamp.close.system_shutdown} when the application stops, the meta API's kill
     * reason), or {@code wamp.close.lost} when the router dropped it without one (its handlers did not keep up). A
     * session does not come back: join anew.
     */
    CompletionStage<String> ended();

    /** Leaves without waiting. */
    @Override
    default void close() {
        leave();
    }

    /** A subscription of this session. */
    interface Subscription {
        long id();

        /** Ends the subscription. */
        CompletionStage<Void> unsubscribe();
    }

    /** A registration of this session. */
    interface Registration {
        long id();

        /** Ends the registration. */
        CompletionStage<Void> unregister();
    }

    /** What a registered procedure does with a call. */
    @FunctionalInterface
    interface Procedure {
        /** @return the RESULT, or null for one without arguments */
        CallResult invoke(Invocation invocation) throws Exception;
    }

    /**
     * One call of a registered procedure.
     *
     * @param args    positional arguments (empty when none)
     * @param kwargs  keyword arguments (empty when none)
     * @param details INVOCATION.Details: the caller when disclosed ({@code caller}, {@code caller_authid} …),
     *                the procedure for a pattern registration
     */
    record Invocation(List<Object> args, Map<String, Object> kwargs, Map<String, Object> details) {
    }
}
