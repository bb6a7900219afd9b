package io.postmaster.endpoint;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The WAMP transport as a programmatic JSR-356 endpoint, so that its path can be a setting: an annotated endpoint's
 * path is fixed when the class is compiled. One instance per connection, made by {@link #config}'s configurator (never
 * by the container's own instance factory, which not every server runs through CDI for programmatic endpoints), each
 * forwarding to its {@link WampEndpoint}.
 */
public final class WampSocket extends Endpoint {
    private final WampEndpoint wamp;

    WampSocket(WampEndpoint wamp) {
        this.wamp = wamp;
    }

    /**
     * The endpoint at {@code path}, offering {@code subprotocols}, with the handshake rules of {@link WampConfigurator}
     * and a new {@link WampEndpoint} from {@code transports} for each connection.
     */
    public static ServerEndpointConfig config(String path, List<String> subprotocols,
                                              Supplier<WampEndpoint> transports) {
        return ServerEndpointConfig.Builder.create(WampSocket.class, path)
                .subprotocols(subprotocols)
                .configurator(new Factory(transports))
                .build();
    }

    @Override
    public void onOpen(Session ws, EndpointConfig config) {
        // Handlers first: a connection the transport refuses is closed inside open(), after which some containers
        // refuse new handlers; the handlers ignore frames of a connection that was refused.
        wamp.listen(ws);
        try {
            wamp.open(ws, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the container reports it to onError and closes the connection
        }
    }

    @Override
    public void onClose(Session ws, CloseReason reason) {
        wamp.close(ws, reason);
    }

    @Override
    public void onError(Session ws, Throwable t) {
        wamp.error(ws, t);
    }

    /** {@link WampConfigurator}'s rules, and a {@link WampSocket} of its own for every connection. */
    static final class Factory extends WampConfigurator {
        private final Supplier<WampEndpoint> transports;

        Factory(Supplier<WampEndpoint> transports) {
            this.transports = transports;
        }

        @Override
        public <T> T getEndpointInstance(Class<T> type) throws InstantiationException {
            if (type != WampSocket.class) {
                throw new InstantiationException("this configurator makes WampSocket endpoints only, not " + type);
            }
            return type.cast(new WampSocket(transports.get()));
        }
    }
}
