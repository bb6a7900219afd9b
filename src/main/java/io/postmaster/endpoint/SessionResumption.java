package io.postmaster.endpoint;

import io.postmaster.message.WampMessage;
import io.postmaster.router.Peer;
import io.postmaster.serialization.Frame;

/**
 * The seam through which {@code /ws} hands a transport whose first HELLO asks for session resumption to the
 * resumption extension (a bean of the application; without one such a HELLO is an ordinary HELLO, its keys ignored).
 * A client that does not ask never reaches it. The extension keeps the session in the router while its transport is
 * gone and gives it to the next transport that presents its token.
 */
public interface SessionResumption {

    /** Whether {@code hello} asks for a resumable session or to resume one. */
    boolean asks(WampMessage.Hello hello);

    /**
     * Takes the transport on from its first HELLO, which {@link #asks} — every later message of the transport goes
     * to the attachment returned.
     */
    Attachment attach(WampMessage.Hello hello, Transport transport, Peer.TransportInfo info);

    /** A transport that carries a resumable session: where its frames go, in order. Never blocks. */
    interface Transport {
        Frame encode(WampMessage m);

        void send(Frame f);

        void close(int code, String reason);
    }

    /** The session a transport carries, from the transport's side: what arrives on it, and its end. */
    interface Attachment {
        void message(WampMessage m);

        void malformed(String why);

        /** The transport is gone: the session waits for its client, or ends. */
        void transportClosed();
    }
}
