package io.postmaster.serialization;

import java.util.List;
import java.util.Optional;

/** The serializers Postmaster speaks, by WebSocket subprotocol. */
public final class Serializers {
    /** In this order in the handshake's list too ({@code WampEndpoint}); the client's preference decides. */
    private static final List<Serializer> ALL =
            List.of(new JsonSerializer(), new MsgpackSerializer(), new CborSerializer());

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

    /** Every supported subprotocol. */
    public static List<String> subprotocols() {
        return ALL.stream().map(Serializer::subprotocol).toList();
    }
}
