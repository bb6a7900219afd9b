/**
 * Publish/subscribe: the {@link io.postmaster.router.broker.Broker} rules and the
 * {@link io.postmaster.router.broker.Subscription} entries in each realm's topic table.
 *
 * <p>Concurrency. Publications run on the publisher's thread with no lock: they read the realm's topic table and
 * each subscription's subscriber set, both concurrent. SUBSCRIBE and UNSUBSCRIBE (and a session's detach) change
 * the tables holding the topic table's monitor. Invariants:
 * <ul>
 * <li>SUBSCRIBED is queued to the subscriber <em>before</em> it is added to the subscriber set, so no EVENT of the
 * subscription can overtake it.</li>
 * <li>All sessions subscribed to one topic share one subscription and its ID; a subscription with no subscribers
 * is removed from both tables under the monitor, so find-or-create never returns a dead one.</li>
 * <li>Events of one publisher reach each subscriber in publication order: the publisher's messages are routed
 * serially on its thread, and each subscriber's outbound queue is FIFO.</li>
 * <li>An EVENT is built once per subscription and encoded once per serializer ({@link
 * io.postmaster.serialization.Outgoing}).</li>
 * </ul>
 */
package io.postmaster.router.broker;
