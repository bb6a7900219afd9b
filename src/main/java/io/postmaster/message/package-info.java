/**
 * The WAMP v2 protocol as data: one immutable record per message type ({@link io.postmaster.message.WampMessage}),
 * the message type codes ({@link io.postmaster.message.MessageType}), URI rules
 * ({@link io.postmaster.message.Uris}), ID rules ({@link io.postmaster.message.Ids}) and the error and close
 * reason URIs the spec names ({@link io.postmaster.message.ErrorUris}).
 *
 * <p>This package depends on nothing but the JDK: no Jakarta EE, no codec. Serializers turn these records into
 * bytes and back; the router reasons about nothing else.
 */
package io.postmaster.message;
