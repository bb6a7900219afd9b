/**
 * WAMP sessions that survive a lost transport (session resumption), on the WAMP WebSocket
 * ({@code postmaster.websocket.path}, {@code /ws} by default) and its alias ({@code <path>-resume}): a client asks
 * for it in HELLO.Details, and a client that does not ask never sees it.
 *
 * <ul>
 * <li>HELLO.Details {@code resumable: true} (the key Crossbar and Autobahn name; or the extension
 * {@code _resume: true}) asks for a resumable session; WELCOME.Details then carry {@code resumable: true},
 * {@code resume_token}, {@code resumed: false}, and the same as {@code _resume: {token, keep_ms, resumed}}.</li>
 * <li>When the transport is lost, the session stays in its realm, with its subscriptions and registrations, for
 * {@code keep_ms}; what the router sends it meanwhile is kept, bounded by count and bytes.</li>
 * <li>A new transport's HELLO with {@code resume-session} (its ID) and {@code resume-token} (or
 * {@code _resume: {token, last}}), and optionally {@code _resume_last} (how many messages the client received
 * after WELCOME in this session, so that what was lost in flight is sent again), gets the same session: WELCOME
 * with {@code resumed: true}, then the messages after {@code last}, in order. If the session is gone (kept too long,
 * more kept than allowed, a GOODBYE) or the token names another session, the client is told — {@code resumed:
 * false} — and gets a fresh resumable session.</li>
 * </ul>
 * The endpoint hands such a transport over through {@link io.postmaster.endpoint.SessionResumption}, which
 * {@link io.postmaster.resumption.Resumables} implements. The session itself is an ordinary session of the router,
 * joined through a {@link io.postmaster.adapter.Leg} that outlives the transport; the routing core knows nothing of
 * resumption. None of the resumption keys of a HELLO reaches the router.
 *
 * <p>Threading: a {@link io.postmaster.resumption.Resumable}'s monitor guards its transport and what it keeps; it
 * is held while queueing frames (which never blocks), never while calling the router.
 */
package io.postmaster.resumption;
