/**
 * webrocket (v0.2.0) clients in WAMP realms: the endpoint {@code /webrocket/<realm>} speaks webrocket's JSON
 * protocol and makes each connection a WAMP session of the realm once it logs in.
 *
 * <ul>
 * <li>{@code auth {access, secret}} joins the realm with the {@code ticket} method as the user named like the access
 * level ({@code read-only} or {@code read-write}), the secret being the ticket: the secrets are the users'
 * salted hashes in the credential store, and what each level may do is its role's rules, configured like any role.
 * An empty secret is refused, never "anything goes". A failed login ends the earlier one (as webrocket did); so does
 * {@code logout}. A login's subscriptions end with it.</li>
 * <li>A channel is the topic {@code webrocket.<channel encoded>} ({@link io.postmaster.webrocket.Channels}), so WAMP
 * clients publish to and subscribe to webrocket channels directly. A publication is {@code args [data]},
 * {@code kwargs {event}}.</li>
 * <li>Every operation is answered, in the order sent (webrocket replies carry no id): one operation at a time goes to
 * the router, at most {@code postmaster.webrocket.max-queued-ops} wait behind it.</li>
 * </ul>
 *
 * <p>Threading: the container delivers one connection's frames serially; the router's answers arrive on its
 * threads and are only translated and queued there; the next operation then runs on the bridge executor.
 */
package io.postmaster.webrocket;
