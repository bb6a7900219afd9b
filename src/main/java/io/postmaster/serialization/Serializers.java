package io.postmaster.serialization;

import java.util.List;

/** The serializers Postmaster speaks, by WebSocket subprotocol. */
public final class Serializers {
    private static final JsonSerializer JSON = new JsonSerializer();
    private static final List<Serializer> ALL = List.of(JSON);

    private Serializers() {
    }

    /** The serializer for a subprotocol, or null if Postmaster does not speak it. */
    public static Serializer forSubprotocol(String subprotocol) {
        for (Serializer s : ALL) {
            if (s.subprotocol().equals(subprotocol)) {
                return s;
            }
        }
        return null;
    }

    /** Every supported subprotocol. */
    public static List<String> subprotocols() {
        return ALL.stream().map(Serializer::subprotocol).toList();
    }
}
