/**
 * The routing core: a {@link io.postmaster.router.Router} of {@link io.postmaster.router.Realm}s, each with its own
 * {@code Gate}, {@code Broker} and {@code Dealer}, and the per-transport state machine
 * {@link io.postmaster.router.Connection}. URI matching lives in {@code match}. Free of Jakarta EE: a transport is a
 * {@link io.postmaster.router.Peer}, so the whole core runs in unit tests with an in-memory peer.
 *
 * <h2>Who owns what</h2>
 * <ul>
 * <li>{@code Router}: the realms, the open connections and the session IDs in use (and what logins share across
 * realms: the extensions, the {@code LoginGuard} and the credential-check lane, {@code CheckLane}).</li>
 * <li>{@code Realm}: its joined sessions (each a {@code Member}: the {@link io.postmaster.router.Session} and its
 * handles with the broker and dealer), its meta events ({@code MetaEvents}), its gate, broker and dealer.</li>
 * <li>{@code Broker}: the topic table, subscriptions by ID, retained events, event histories, and per session its
 * subscriptions and testaments ({@code Broker.Subscriber}). Nothing else reads or changes them.</li>
 * <li>{@code Dealer}: the procedure table, registrations by ID, and per session ({@code Party}) its registrations,
 * the calls it waits for and the invocations it owes (a {@code Party}'s fields are read and changed by the dealer
 * only); who may call the server-side procedures ({@code LocalCallee}); the sweep of calls past
 * {@code postmaster.call-max-pending-ms}; the router's own procedures ({@code MetaApi}, which reads the tables
 * through their owners).</li>
 * <li>{@code Session}: who the session is ({@link io.postmaster.spi.SessionDetails}), its peer, the client features
 * it announced, its application-code lane. It holds none of the tables.</li>
 * </ul>
 * Only {@code spi} and {@code message} are an API for applications. The few public types here
 * ({@code Router}, {@code Realm}, {@code Session}, {@code Connection}, {@code Peer}, {@code Extensions},
 * {@code LocalCallee.Handler}, {@code SerialExecutor}) are public because the transports in other packages (the
 * WebSocket endpoint, gateways of other protocols) must reach them; {@code Options} because the matchers in
 * {@code match} use it.
 *
 * <h2>The way in: one gate</h2>
 * A joined session's message goes {@code Connection} → {@code Gate} → {@code Broker} or {@code Dealer}. The gate
 * checks each request once, in this order: the URI (and the options that shape routing: match and invocation
 * policy, subscriber filters, payload passthru ({@code Passthru})), then authorization ({@code Authorization},
 * asking the {@link io.postmaster.spi.Authorizer}), then the interceptors ({@code Interception}); the broker and
 * dealer receive checked work only. Every refusal — a bad URI or option, "not authorized", an interceptor's
 * rejection, a limit, an unknown ID — is a {@code Refusal} (the spec's error URI and a message) thrown before
 * anything changed and answered in one place, the gate, with ERROR (for a PUBLISH only when it asked for
 * acknowledgement). A protocol violation is a {@code ProtocolViolation}, answered in one place, the connection, with
 * ABORT {@code wamp.error.protocol_violation}.
 *
 * <p>A PUBLISH: {@code Connection.onMessage} → {@code Gate.handle} (URI, {@code SubscriberFilter} built once,
 * {@code Authorization.check}) → {@code Broker.publish} → {@code Broker.deliverLocal} (the topic table's matches;
 * per subscription one EVENT, encoded once per serializer) → {@code Session.send} → {@code Peer.send}; then the
 * {@code PublicationRelay}, retention, PUBLISHED. With interceptors, the gate hands it to {@code Interception},
 * which routes it from the session's lane.
 *
 * <h2>The cluster seam</h2>
 * Routing is split where a cluster engine (several nodes forming one router) plugs in; each half has a single-node
 * default, and everything that crosses it names sessions, subscriptions, registrations and publications by ID
 * (unique across nodes):
 * <ul>
 * <li>Broker: "deliver to local subscribers" is {@code Broker.deliverLocal}; "tell the world about a publication"
 * is the {@code PublicationRelay} (default: nobody). A node receiving a relayed publication calls
 * {@code deliverLocal} on the broker of the same realm, and never relays it again.</li>
 * <li>Dealer: "find a callee" is the {@code CalleeLocator} (default: this realm's procedure table); "send an
 * invocation to a callee that may live elsewhere" is the {@code InvocationLink} (default: the callee's own peer). A
 * callee on another node is a {@code Party} whose peer forwards there; its YIELD or ERROR comes back into
 * {@code Dealer.yield} / {@code Dealer.invocationError} on the caller's node, so pending-call bookkeeping, timeouts,
 * cancellation and "every CALL ends exactly once" stay with the caller's dealer.</li>
 * <li>Dealer, on a cluster: the engine's {@link io.postmaster.router.RpcBackplane} decides each REGISTER in the
 * cluster's table (REGISTERED or the refusal is sent when it answers) and carries the messages of calls between
 * nodes; the engine drives the realm's {@link io.postmaster.router.ClusterRpc}: other nodes' callees join the
 * procedure table as proxy parties (no slot, no meta event: their own node publishes those), and the calls other
 * nodes route to this node's callees are pending calls on behalf of a party per (node, callee).</li>
 * <li>Meta API, on a cluster: {@code wamp.session.count}, {@code list}, {@code get} add what the engine's
 * {@link io.postmaster.router.SessionDirectory} says of the other nodes' sessions (answered when it answers); the
 * kills, the subscription procedures and the revocations of other nodes' subscribers and callees are asked of the
 * other nodes ({@code SessionDirectory.ask}), which carry them out on their own sessions
 * ({@link io.postmaster.router.Realm#answerForNode}) — authorization stays with the caller's node.</li>
 * <li>Broker, on a cluster: an engine that keeps retained events and event histories for every node
 * ({@code PublicationRelay.stores}) is handed them by the publisher's node and asked for them by a subscriber's;
 * the broker keeps its own as well and answers from them while the engine cannot.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Routing never blocks: it runs on the thread that delivered the message (the container's I/O thread in the fastest
 * configuration), reads concurrent tables without locks, changes them under short monitors, and hands outbound
 * messages to {@link io.postmaster.router.Peer#send}, which only queues. What the router sends on its own in a burst
 * (what a leaving session leaves behind, expired calls) goes through {@link io.postmaster.router.Peer#sendPaced}
 * instead, marked by {@code Pacing}: delivered to peers that read, never taken as a sign of a slow consumer.
 *
 * <p>Pub/sub. Publications run on the publisher's thread; they find subscriptions in the topic table without a lock.
 * SUBSCRIBE and UNSUBSCRIBE (and a session's detach) change the tables holding the topic table's monitor, and each
 * subscription's monitor inside it (lock order: table, then subscription).
 * <ul>
 * <li>Delivering a publication to a subscription's sessions and joining a session to it are both done holding the
 * subscription's monitor, and SUBSCRIBED is queued inside it: no EVENT of the subscription is queued ahead of
 * SUBSCRIBED, and every publication made after the client saw SUBSCRIBED reaches it. Only publications to the
 * same subscription serialize on it; they would meet at the same subscribers' queues anyway.</li>
 * <li>UNSUBSCRIBE leaves the set under the same monitor before UNSUBSCRIBED is queued: no EVENT follows it.</li>
 * <li>Every hold of a table's monitor costs O(one URI): matching and changing the tables costs what the URI costs,
 * not what the table holds, and a leaving session's entries are removed one hold at a time, so its cleanup costs
 * O(its own entries) and other sessions' SUBSCRIBEs interleave with it.</li>
 * <li>All sessions subscribed to one topic share one subscription and its ID; a subscription with no subscribers
 * is removed from both tables under the table's monitor, so find-or-create never returns a dead one.</li>
 * <li>Events of one publisher reach each subscriber in publication order: the publisher's messages are routed
 * serially on its thread (or its lane, with interceptors), and each subscriber's outbound queue is FIFO.</li>
 * <li>An EVENT is built once per subscription and encoded once per serializer
 * ({@link io.postmaster.serialization.Outgoing}). Sending only queues, so no monitor is held across I/O.</li>
 * </ul>
 *
 * <p>RPC. CALL runs on the caller's thread, YIELD and callee ERROR on the callee's, a session's detach on whichever
 * thread saw it go; none takes a lock to route. A pending call sits in two concurrent maps: the callee's
 * invocations (by INVOCATION request ID) and the caller's calls (by CALL request ID).
 * <ul>
 * <li><b>Every CALL ends exactly once.</b> Whoever removes the pending call from the callee's invocations answers
 * the caller (RESULT, ERROR, or {@code wamp.error.canceled} when the callee leaves); everyone else finds it gone and
 * does nothing.</li>
 * <li>A CALL routed to a callee that is leaving at that moment is seen by one of the two: the caller's thread
 * re-checks the callee's closed flag after adding the pending call, the detach sets the flag before draining.</li>
 * <li>A YIELD or ERROR for a request ID the router issued earlier but no longer tracks is late and ignored; one for
 * an ID never issued is a protocol violation.</li>
 * <li>REGISTER and UNREGISTER change the procedure table holding its monitor.</li>
 * </ul>
 *
 * <p>Meta events ({@code wamp.session.on_*}, {@code wamp.subscription.on_*}, {@code wamp.registration.on_*}) are
 * queued in the realm's {@code MetaEvents} while the table's monitor is held, so they come out in the order of the
 * changes (on_create before any on_subscribe of it), and are published after it is let go, one publisher at a time:
 * no table monitor is held while routing an event, and no code holding a subscription's monitor takes another lock.
 *
 * <p>Failures: a message whose handling throws anything, {@link Error}s included, closes its connection with 1011
 * and a rate-limited WARNING ({@link io.postmaster.router.Connection#failed}); lanes and timers survive a task that
 * throws. A request is never left without an answer or a close.
 *
 * <p>Application code (the {@code spi} beans in {@link io.postmaster.router.Extensions}) never runs on the routing
 * thread: the authentication {@code Handshake}, join/leave notifications, interceptors and server-side procedures
 * ({@code LocalCallee}) run on the extensions' bounded executor (credential checks only on their bounded share of
 * it, the {@code CheckLane}, behind the {@code LoginGuard}'s per-address and per-authid limits); what must stay
 * ordered for one session (its events, its intercepted publications) goes through the session's
 * {@code SerialExecutor} lane. The one exception is the authorizer, which answers inline from memory (see
 * {@code Authorization}).
 */
package io.postmaster.router;
