package io.postmaster.router;

import java.util.List;
import java.util.Map;

/**
 * The sessions of the other nodes of a cluster, for one realm: what the session meta procedures
 * ({@code wamp.session.count}, {@code list}, {@code get}) add to this node's own sessions, and the way the meta API
 * asks the other nodes about (or acts on) their sessions, subscriptions and callees ({@link #ask}). Given by
 * {@link Backplane#sessions}; null on a single node. The realm tells it its sessions as they join and leave; a query
 * is answered later, on any thread, exactly once.
 *
 * <p>Every method only queues work and never blocks.
 */
public interface SessionDirectory {

    /** Whether the other nodes can be asked now; when not, the meta procedures answer for this node alone. */
    boolean available();

    /** A session of this node joined; {@code details} as {@code wamp.session.get} describes it (no address). */
    void joined(long session, String authrole, Map<String, Object> details);

    /** A session of this node left. */
    void left(long session);

    /** How many sessions the other nodes hold (of {@code authroles}, or all when null). */
    void count(List<String> authroles, Answer<Long> answer);

    /**
     * The IDs of the other nodes' sessions (of {@code authroles}, or all when null) if they hold at most {@code max}
     * of them; else only how many they hold (then the IDs are not gathered at all).
     */
    void list(List<String> authroles, int max, Answer<Listing> answer);

    /**
     * What {@link #list} found: {@code count} sessions, and their IDs if there are at most the {@code max} asked
     * for, else null.
     */
    record Listing(long count, List<Long> ids) {
    }

    /** The details of a session of another node, or null if no node holds it. */
    void get(long session, Answer<Map<String, Object>> answer);

    /**
     * Asks every other live node to carry out the meta operation {@code op} on its own sessions, subscriptions and
     * callees ({@link Realm#answerForNode}) and collects what each answers. The caller's node has checked the
     * caller's right and the arguments; the other nodes do not check again. {@code answer} gets one list per node
     * that answered (none when there is no other node), or fails if the request could not be sent or a node did not
     * answer in time.
     */
    default void ask(String op, List<Object> args, Answer<List<List<Object>>> answer) {
        answer.ok(List.of());
    }

    /** The answer to a query. */
    interface Answer<T> {
        void ok(T value);

        /** The other nodes could not be asked (the engine is unreachable). */
        void failed(String why);
    }
}
