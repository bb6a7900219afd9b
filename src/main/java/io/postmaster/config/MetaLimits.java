package io.postmaster.config;

import java.util.function.Function;

/**
 * What one meta call may make the router gather and send, whatever the number of sessions.
 *
 * @param sessionListMax {@code postmaster.session-list-max}: the most session IDs {@code wamp.session.list} answers
 *                       (in the realm, on one node or the whole cluster); when more sessions match, the caller gets
 *                       ERROR {@code postmaster.error.limit_reached} and is told to filter by authrole or count
 *                       instead, never a shortened list. Default: as many IDs as fit in one message of
 *                       {@code postmaster.max-message-size} in JSON ({@link #ID_BYTES} bytes each, 61,677 for the
 *                       default 1 MiB), the largest message the router accepts; a larger value is refused, since the
 *                       answer would not fit (nor would the answers between cluster nodes)
 */
public record MetaLimits(int sessionListMax) {

    public static final String SESSION_LIST_MAX = "postmaster.session-list-max";
    /** The bytes of one ID in a JSON list: up to 16 digits (IDs go to 2^53) and a comma. */
    static final int ID_BYTES = 17;
    /** The bytes of a RESULT around its list of IDs: {@code [50,<request>,{},[[…]]]}. */
    static final int RESULT_BYTES = 64;

    public MetaLimits {
        if (sessionListMax < 1) {
            throw new IllegalArgumentException(SESSION_LIST_MAX + " must be positive, got " + sessionListMax);
        }
    }

    /** The most session IDs that fit in one message of {@code maxMessageSize} bytes. */
    static int idsFitting(int maxMessageSize) {
        return (maxMessageSize - RESULT_BYTES) / ID_BYTES;
    }

    /** The settings from {@code lookup}, for a router whose largest message is {@code maxMessageSize} bytes. */
    public static MetaLimits from(Function<String, String> lookup, int maxMessageSize) {
        int fitting = idsFitting(maxMessageSize);
        int max = PostmasterConfig.intValue(lookup, SESSION_LIST_MAX, fitting);
        if (max > fitting) {
            throw new IllegalArgumentException(SESSION_LIST_MAX + " is " + max + ", but a list of more than "
                    + fitting + " IDs does not fit in " + PostmasterConfig.MAX_MESSAGE_SIZE + " (" + maxMessageSize
                    + " bytes, " + ID_BYTES + " bytes per ID): lower it or raise " + PostmasterConfig.MAX_MESSAGE_SIZE);
        }
        return new MetaLimits(max);
    }
}
