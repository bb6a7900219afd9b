/**
 * Publish/subscribe: the {@link io.postmaster.router.broker.Broker} rules and the
 * {@link io.postmaster.router.broker.Subscription} entries in each realm's topic table.
 *
 * <p>Concurrency. Publications run on the publisher's thread; they find subscriptions in the realm's topic table
 * without a lock. SUBSCRIBE and UNSUBSCRIBE (and a session's detach) change the tables holding the topic table's
 * monitor, and each subscription's monitor inside it (lock order: table, then subscription). Invariants:
 * <ul>
 * <li>Delivering a publication to a subscription's sessions and joining a session to it are both done holding the
 * subscription's monitor, and SUBSCRIBED is queued inside it: no EVENT of the subscription is queued ahead of
 * SUBSCRIBED, and every publication made after the client saw SUBSCRIBED reaches it. Only publications to the
 * same subscription serialize on it; they would meet at the same subscribers' queues anyway.</li>
 * <li>UNSUBSCRIBE leaves the set under the same monitor before UNSUBSCRIBED is queued: no EVENT follows it.</li>
 * <li>Meta events ({@code wamp.subscription.on_*}, the dealer's {@code wamp.registration.on_*}, the realm's
 * {@code wamp.session.on_*}) are queued in the realm's {@link io.postmaster.router.broker.MetaEvents} while the
 * table's monitor is held, so they come out in the order of the changes (on_create before any on_subscribe of it),
 * and published after it is let go, one publisher at a time: no table monitor is held while routing an event. The
 * lock order is table, then subscription; no code holding a subscription's monitor takes another lock.</li>
 * <li>Every hold of a table's monitor costs O(one URI): matching and changing the tables costs what the URI costs,
 * not what the table holds, and a leaving session's entries are removed one hold at a time, so its cleanup costs
 * O(its own entries) and other sessions' SUBSCRIBEs interleave with it.</li>
 * <li>All sessions subscribed to one topic share one subscription and its ID; a subscription with no subscribers
 * is removed from both tables under the table's monitor, so find-or-create never returns a dead one.</li>
 * <li>Events of one publisher reach each subscriber in publication order: the publisher's messages are routed
 * serially on its thread, and each subscriber's outbound queue is FIFO.</li>
 * <li>An EVENT is built once per subscription and encoded once per serializer ({@link
 * io.postmaster.serialization.Outgoing}). Sending only queues ({@link io.postmaster.router.Peer}), so no monitor is
 * held across I/O.</li>
 * </ul>
 */
package io.postmaster.router.broker;
