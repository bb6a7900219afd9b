/**
 * The HTTP bridge: {@code POST <context>/bridge/publish} and {@code POST <context>/bridge/call} with Jakarta REST,
 * JSON in and out, for back-ends that speak HTTP but not WAMP. Each request is carried out by a short session of the
 * router ({@link io.postmaster.inprocess.LocalClient}) that joins the requested realm as the caller — the principal
 * the container authenticated, with the realm role its container role maps to, or the holder of a bearer token
 * configured for the realm — so the realm's rules authorize it exactly as they would a WebSocket session of that role; the session
 * leaves when the answer is sent. Off on every realm unless enabled ({@link io.postmaster.config.BridgeConfig}),
 * bounded in body size, call time and requests at once. WAMP errors map to HTTP statuses with the error URI in the
 * JSON body ({@link io.postmaster.bridge.BridgeErrors}). The request thread is released while the router works
 * (asynchronous responses).
 */
package io.postmaster.bridge;
