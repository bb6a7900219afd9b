package io.postmaster.router;

/**
 * A session joined to a realm, as the realm keeps it: the session, and its handles with the realm's broker (what it
 * subscribed, the testaments it left) and dealer (what it registered, the calls it made and owes). The handles are
 * opaque outside their owner; the session itself holds none of them.
 */
record Member(Session session, Broker.Subscriber subscriber, Party party) {
}
