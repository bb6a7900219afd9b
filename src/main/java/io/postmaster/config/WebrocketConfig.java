package io.postmaster.config;

import java.util.List;
import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.intValue;
import static io.postmaster.config.PostmasterConfig.list;

/**
 * The webrocket endpoint ({@code /webrocket/<realm>}): which realms it serves and what one webrocket connection may
 * make the router hold beyond what its WAMP session is already capped at (its subscriptions count against the realm's
 * {@code max-subscriptions} and {@code realm-max-subscriptions} like any session's).
 *
 * @param realms          the realms served at {@code /webrocket/<realm>}; empty (the default) serves none, and every
 *                        handshake on the endpoint is closed with 1008
 * @param maxFrameBytes   the largest webrocket frame (a JSON object) a client may send; bigger closes with 1009
 * @param maxChannelChars the longest channel name, in characters; longer gets {@code invalid_channel_name}
 * @param maxQueuedOps    operations one connection may send ahead of their answers (webrocket answers in order, one
 *                        at a time); past it the connection is closed with 1008
 * @param maxOutbound     frames that may wait to be written to one connection; past it (a client that does not read)
 *                        the connection is closed with 1008
 */
public record WebrocketConfig(List<String> realms, int maxFrameBytes, int maxChannelChars, int maxQueuedOps,
                              int maxOutbound) {
    public static final String REALMS = "postmaster.webrocket.realms";
    public static final String MAX_FRAME_BYTES = "postmaster.webrocket.max-frame-bytes";
    public static final String MAX_CHANNEL_CHARS = "postmaster.webrocket.max-channel-chars";
    public static final String MAX_QUEUED_OPS = "postmaster.webrocket.max-queued-ops";
    public static final String MAX_OUTBOUND = "postmaster.webrocket.max-outbound";

    public WebrocketConfig {
        realms = List.copyOf(realms);
        atLeast(MAX_FRAME_BYTES, maxFrameBytes, 256);
        atLeast(MAX_CHANNEL_CHARS, maxChannelChars, 1);
        atLeast(MAX_QUEUED_OPS, maxQueuedOps, 1);
        atLeast(MAX_OUTBOUND, maxOutbound, 16);
    }

    static void atLeast(String key, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", got " + v);
        }
    }

    /** The defaults: no realm served. */
    public static WebrocketConfig defaults() {
        return from(k -> null);
    }

    public static WebrocketConfig from(Function<String, String> lookup) {
        return new WebrocketConfig(list(lookup.apply(REALMS), ""), intValue(lookup, MAX_FRAME_BYTES, 64 * 1024),
                intValue(lookup, MAX_CHANNEL_CHARS, 200), intValue(lookup, MAX_QUEUED_OPS, 64),
                intValue(lookup, MAX_OUTBOUND, 4096));
    }

    /** Whether {@code realm} is served at {@code /webrocket/<realm>}. */
    public boolean serves(String realm) {
        return realms.contains(realm);
    }
}
