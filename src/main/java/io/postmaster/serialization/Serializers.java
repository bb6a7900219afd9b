package io.postmaster.serialization;

import java.util.List;
import java.util.Optional;

/** The serializers Postmaster speaks, by WebSocket subprotocol. */
public final class Serializers {
    /** In this order in the handshake's list too ({@code WampEndpoint}); the client's preference decides. */
    private static final List<Serializer> ALL =
            List.of(new JsonSerializer(), new MsgpackSerializer(), new CborSerializer());

    /** JSON for RawSocket: its frames are octets. */
    private static final Serializer RAWSOCKET_JSON = JsonSerializer.utf8Frames();

    private Serializers() {
    }

    /** Every serializer, one shared instance each. */
    public static List<Serializer> all() {
        return ALL;
    }

    /** The serializer for a subprotocol; empty if Postmaster does not speak it. */
    public static Optional<Serializer> bySubprotocol(String subprotocol) {
        for (Serializer s : ALL) {
            if (s.subprotocol().equals(subprotocol)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The serializer for a RawSocket serializer id (the low 4 bits of the handshake's second octet: 1 JSON,
     * 2 MessagePack, 3 CBOR), or null if Postmaster does not speak it. JSON frames are UTF-8 octets there; MessagePack
     * and CBOR are the WebSocket instances, so an event goes out encoded once for both transports.
     */
    public static Serializer forRawSocket(int id) {
        return switch (id) {
            case 1 -> RAWSOCKET_JSON;
            case 2 -> ALL.get(1);
            case 3 -> ALL.get(2);
            default -> null;
        };
    }

    /**
     * The serializer whose frames go to a WebSocket that writes text from UTF-8 octets: for JSON the RawSocket
     * instance (its frames are the octets, and both transports share one encoding of a message), else
     * {@code negotiated} itself.
     */
    public static Serializer forUtf8Text(Serializer negotiated) {
        return negotiated == ALL.get(0) ? RAWSOCKET_JSON : negotiated;
    }

    /** Every supported subprotocol. */
    public static List<String> subprotocols() {
        return ALL.stream().map(Serializer::subprotocol).toList();
    }
}
