/**
 * The routing core: {@link io.postmaster.router.Router} → {@link io.postmaster.router.Realm} →
 * {@link io.postmaster.router.Session}, and the per-transport state machine {@link io.postmaster.router.Connection}.
 * Pub/sub lives in {@code broker}, RPC in {@code dealer}, URI matching in {@code match}.
 *
 * <p>Free of Jakarta EE: a transport is a {@link io.postmaster.router.Peer}, so the whole core runs in unit tests
 * with an in-memory peer. Routing never blocks: it runs on the thread that delivered the message (the container's
 * I/O thread in the fastest configuration), reads concurrent tables without locks, changes them under short
 * monitors, and hands outbound messages to {@link io.postmaster.router.Peer#send}, which only queues. The rules for
 * each table are in the broker and dealer package docs. What the router sends on its own in a burst (what a leaving
 * session leaves behind, expired calls) goes through {@link io.postmaster.router.Peer#sendPaced} instead, marked by
 * {@link io.postmaster.router.Pacing}: delivered to peers that read, never taken as a sign of a slow consumer.
 *
 * <p>Failures: a message whose handling throws anything, {@link Error}s included, closes its connection with 1011
 * and a rate-limited WARNING ({@link io.postmaster.router.Connection#failed}); lanes and timers survive a task that
 * throws. A request is never left without an answer or a close.
 *
 * <p>Application code (the {@code spi} beans in {@link io.postmaster.router.Extensions}) never runs on the routing
 * thread: the authentication {@link io.postmaster.router.Handshake}, join/leave notifications, interceptors and
 * server-side procedures ({@link io.postmaster.router.LocalCallee}) run on the extensions' bounded executor (credential
 * checks only on their bounded share of it, the {@link io.postmaster.router.CheckLane}, behind the
 * {@link io.postmaster.router.LoginGuard}'s per-address and per-authid limits); what
 * must stay ordered for one session (its events, its intercepted publications) goes through the session's
 * {@link io.postmaster.router.SerialExecutor} lane. The one exception is the authorizer, which answers inline from
 * memory (see {@link io.postmaster.router.Authorization}).
 */
package io.postmaster.router;
