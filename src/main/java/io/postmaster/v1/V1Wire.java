package io.postmaster.v1;

import io.postmaster.message.WampMessage;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.serialization.Serializer;

/**
 * Subprotocol {@code wamp} as the endpoint's outbound queue sees it: v1 frames are translated per connection by
 * {@link V1Connection} and handed over already encoded, so this serializer never encodes nor decodes a v2 message.
 */
public final class V1Wire implements Serializer {
    /** The one instance: frames already encoded for it are recognized by identity. */
    public static final V1Wire INSTANCE = new V1Wire();

    private V1Wire() {
    }

    @Override
    public String subprotocol() {
        return V1Gateway.SUBPROTOCOL;
    }

    @Override
    public boolean binary() {
        return false;
    }

    @Override
    public WampMessage decode(String text) throws MalformedMessageException {
        throw new MalformedMessageException("v1 frames are read by the v1 adapter");
    }

    @Override
    public WampMessage decode(byte[] data, int offset, int length) throws MalformedMessageException {
        throw new MalformedMessageException("v1 frames are text");
    }

    @Override
    public Frame encode(WampMessage message) {
        throw new IllegalStateException("v2 messages reach a v1 connection translated, never encoded as such");
    }
}
