/**
 * webwire (protocol 1.4, webwire-go v1.0.0-rc1) clients in a WAMP realm: the endpoint at the context root speaks
 * webwire's binary frames ({@link io.postmaster.webwire.Wire}) and makes each connection a WAMP session of the realm
 * named by {@code postmaster.webwire.realm}.
 *
 * <ul>
 * <li>request {@code name} → CALL {@code webwire.request.<name>} (names encoded as in
 * {@link io.postmaster.adapter.UriNames}), payload in {@code args[0]}, {@code kwargs.encoding}; RESULT/ERROR → the
 * reply, an internal error never carrying the application's message;</li>
 * <li>client signal → PUBLISH {@code webwire.signal.<name>}; server signal ← router procedure
 * {@code webwire.signal};</li>
 * <li>sessions that survive reconnects: created by a backend through the router procedure
 * {@code webwire.session.create}, kept in the {@link io.postmaster.adapter.SessionStore} (one store with WAMP
 * session resumption), restored by key (the connection then joins with the session's authid, role and info through
 * the authmethod {@code webwire-session}), closed by either side; signals to a session without a connection wait for its restoration, bounded.</li>
 * </ul>
 *
 * <p>Threading: the container delivers one connection's frames serially; the router's answers arrive on its threads
 * and are translated and queued there; anything that must call the router again (the next frame after a change of
 * session, an AUTHENTICATE) runs on the bridge executor. Each connection's monitor guards its state and is never held
 * while calling the router; {@link io.postmaster.webwire.WebwireService} keeps the shared maps, each entry changed
 * atomically.
 */
package io.postmaster.webwire;
