package io.postmaster.serialization;

import io.postmaster.message.WampMessage;

/**
 * A message on its way out, with its encodings cached per serializer: a publication fanned out to many sessions is
 * encoded once per serializer, and every session of that serializer is sent the same frame.
 *
 * <p>Thread-safe. Two threads asking for the same serializer at once may both encode (the frames are equal and
 * either is kept); the common case, one publishing thread, encodes exactly once.
 */
public final class Outgoing {
    private final WampMessage message;
    private volatile Serializer firstSerializer;
    private volatile Frame firstFrame;
    private Serializer[] moreSerializers; // guarded by this
    private Frame[] moreFrames;           // guarded by this

    public Outgoing(WampMessage message) {
        this.message = message;
    }

    /**
     * A frame already encoded for {@code serializer}, by a connection that translates each message itself (a WAMP v1
     * one): its {@link #message()} is null, and it has no form for any other serializer.
     */
    public static Outgoing encoded(Serializer serializer, Frame frame) {
        Outgoing o = new Outgoing(null);
        o.firstSerializer = serializer;
        o.firstFrame = frame;
        return o;
    }

    /** The message; null for a frame made {@link #encoded encoded}. */
    public WampMessage message() {
        return message;
    }

    /** The message encoded by {@code serializer}, encoding it on first use. */
    public Frame frame(Serializer serializer) {
        Frame f = firstFrame;
        if (f != null && firstSerializer == serializer) {
            return f;
        }
        synchronized (this) {
            if (firstFrame == null) {
                Frame encoded = serializer.encode(message);
                firstSerializer = serializer;
                firstFrame = encoded;
                return encoded;
            }
            if (firstSerializer == serializer) {
                return firstFrame;
            }
            if (moreSerializers == null) {
                moreSerializers = new Serializer[3]; // the other WebSocket serializers and RawSocket's JSON
                moreFrames = new Frame[3];
            }
            for (int i = 0; i < moreSerializers.length; i++) {
                if (moreSerializers[i] == serializer) {
                    return moreFrames[i];
                }
                if (moreSerializers[i] == null) {
                    Frame encoded = serializer.encode(message);
                    moreSerializers[i] = serializer;
                    moreFrames[i] = encoded;
                    return encoded;
                }
            }
            return serializer.encode(message); // more serializers than slots: encode without caching
        }
    }
}
