/**
 * WAMP serializers: {@link io.postmaster.message.WampMessage} records to WebSocket frames and back.
 *
 * <p>Each serializer is one {@link io.postmaster.serialization.Serializer} named by its WebSocket subprotocol
 * ({@code wamp.2.json}, later {@code wamp.2.msgpack} and {@code wamp.2.cbor}). All of them share one streaming codec
 * ({@link io.postmaster.serialization.StreamingCodec}) written against Jackson's token-level API, with no
 * reflection and no data binding per message; a format plugs in its Jackson factory and how it carries binary
 * values. Bad input never escapes as an unchecked exception: decoders throw
 * {@link io.postmaster.serialization.MalformedMessageException}, which the router answers with ABORT
 * {@code wamp.error.protocol_violation}. Like {@code message}, this package knows nothing of Jakarta EE.
 */
package io.postmaster.serialization;
