/**
 * WAMP serializers: {@link io.postmaster.message.WampMessage} records to WebSocket frames and back.
 *
 * <p>Each serializer is one {@link io.postmaster.serialization.Serializer} named by its WebSocket subprotocol:
 * {@code wamp.2.json} (Jackson core), {@code wamp.2.msgpack} (msgpack-core, the MessagePack project's Java library,
 * used directly) and {@code wamp.2.cbor} (Jackson's CBOR module). JSON and CBOR share one streaming codec
 * ({@link io.postmaster.serialization.StreamingCodec}) written against Jackson's token-level API, with no
 * reflection and no data binding per message; MessagePack follows the same message layout on msgpack-core's packer
 * and unpacker ({@link io.postmaster.serialization.MsgpackSerializer}). One value model (Long or BigInteger, Double,
 * String, Boolean, null, byte[], List, Map) serves every format, so values cross between sessions of different
 * serializers unchanged. What one format can carry and another cannot is refused on the way in, in every format
 * alike: numbers beyond the range of a double (and NaN or infinity), strings with an unpaired surrogate, and in the
 * binary formats strings that are not UTF-8. The binary formats never allocate what a frame only claims
 * ({@link io.postmaster.serialization.BinaryCodec}): every declared length is checked against the bytes the frame
 * holds first. {@link io.postmaster.serialization.Outgoing} caches a message's frame per
 * serializer: a publication is encoded once per serializer, however many subscribers it has.
 * Bad input never escapes as an unchecked exception: decoders throw
 * {@link io.postmaster.serialization.MalformedMessageException}, which the router answers with ABORT
 * {@code wamp.error.protocol_violation}. Like {@code message}, this package knows nothing of Jakarta EE.
 *
 * <p>Internal: not part of the API applications compile against ({@code spi} and {@code message} are). The
 * serializers are public because the endpoint layer and the routing core hand frames to them, and
 * {@link io.postmaster.serialization.MsgpackValues} because the cluster writes and reads its own MessagePack messages
 * with it (under the same hostile-input rules); the codecs beneath are package-private.
 */
package io.postmaster.serialization;
