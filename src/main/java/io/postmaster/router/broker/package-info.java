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
 * <li>Meta events ({@code wamp.subscription.on_*}, and the dealer's {@code wamp.registration.on_*}) are published
 * while the table's monitor is held, so they come out in the order of the changes (on_create before any
 * on_subscribe of it). Publishing takes only subscription monitors: the lock order is procedure table, topic
 * table, subscription, and no code holding a subscription's monitor takes another lock.</li>
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
