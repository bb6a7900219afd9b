package io.postmaster.adapter;

import io.postmaster.message.WampMessage;
import io.postmaster.router.Peer;
import io.postmaster.serialization.Outgoing;

/**
 * One WAMP session attempt of a seed-protocol client: the {@link Peer} the router sends to. A client that logs in
 * again gets a new leg, so a late message or close of the old one is recognised and ignored by its owner.
 */
public final class Leg implements Peer {

    /** The owner: the seed-protocol connection. Called on the router's threads; must not block nor re-enter it. */
    public interface Owner {
        /** The router sent {@code m} to this leg. */
        void received(Leg leg, WampMessage m);

        /** The router closed this leg (its session ended, the router stops, or the client could not keep up). */
        void closed(Leg leg, int code, String reason);
    }

    private final Owner owner;
    private final TransportInfo transport;

    public Leg(Owner owner, TransportInfo transport) {
        this.owner = owner;
        this.transport = transport;
    }

    @Override
    public void send(Outgoing message) {
        owner.received(this, message.message());
    }

    @Override
    public void close(int code, String reason) {
        owner.closed(this, code, reason);
    }

    @Override
    public TransportInfo transport() {
        return transport;
    }
}
