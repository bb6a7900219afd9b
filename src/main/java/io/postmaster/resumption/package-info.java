/**
 * WAMP sessions that survive a lost transport (session resumption), on the endpoint {@code /ws-resume}: the same
 * WAMP as {@code /ws}, plus an extension a client asks for in HELLO.Details and that clients which do not ask never
 * see.
 *
 * <ul>
 * <li>HELLO.Details {@code _resume: true} asks for a resumable session; WELCOME.Details then carry
 * {@code _resume: {token, keep_ms, resumed: false}}.</li>
 * <li>When the transport is lost, the session stays in its realm, with its subscriptions and registrations, for
 * {@code keep_ms}; what the router sends it meanwhile is kept, bounded by count and bytes.</li>
 * <li>A new transport's HELLO with {@code _resume: {token, last}} ({@code last}: how many messages the client
 * received after WELCOME in this session, so that what was lost in flight is sent again) gets the same session:
 * WELCOME with {@code resumed: true}, then the messages after {@code last}, in order. If the session is gone (kept
 * too long, more kept than allowed, a GOODBYE) the client is told — {@code resumed: false} — and gets a fresh
 * session.</li>
 * </ul>
 * The session itself is an ordinary session of the router, joined through a {@link io.postmaster.adapter.Leg} that
 * outlives the transport; the routing core knows nothing of resumption.
 *
 * <p>Threading: a {@link io.postmaster.resumption.Resumable}'s monitor guards its transport and what it keeps; it
 * is held while queueing frames (which never blocks), never while calling the router.
 */
package io.postmaster.resumption;
