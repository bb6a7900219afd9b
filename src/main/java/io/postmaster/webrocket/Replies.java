package io.postmaster.webrocket;

import io.postmaster.adapter.JsonValues;
import io.postmaster.message.ErrorUris;

import java.util.LinkedHashMap;
import java.util.Map;

/** The frames a webrocket client receives. */
final class Replies {
    static final String OK = "{\"ok\":true}";
    static final String INVALID_CREDENTIALS = "invalid_credentials";
    static final String ACCESS_DENIED = "access_denied";
    static final String INVALID_CHANNEL_NAME = "invalid_channel_name";
    static final String INVALID_CHANNEL = "invalid_channel";
    static final String INVALID_DATA = "invalid_data";

    private Replies() {
    }

    /** {@code {"err": code}} */
    static String err(String code) {
        return JsonValues.write(Map.of("err", code));
    }

    /**
     * The webrocket error for a WAMP refusal: {@code not_authorized} is {@code access_denied}, an invalid URI is
     * {@code invalid_channel_name}; any other refusal (a limit reached) has no webrocket code and is answered with
     * the WAMP error URI itself.
     */
    static String refusal(String wampError) {
        if (ErrorUris.NOT_AUTHORIZED.equals(wampError)) {
            return err(ACCESS_DENIED);
        }
        if (ErrorUris.INVALID_URI.equals(wampError)) {
            return err(INVALID_CHANNEL_NAME);
        }
        return err(wampError);
    }

    /** {@code {"event": …, "channel": …, "data": …}} */
    static String event(Object event, String channel, Object data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", event);
        m.put("channel", channel);
        m.put("data", data);
        return JsonValues.write(m);
    }
}
