package io.postmaster.resumption;

import io.postmaster.message.WampMessage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a HELLO asks of session resumption, read from its details in either form the router understands:
 * <ul>
 * <li>the keys Crossbar and Autobahn name: {@code resumable: true} for a resumable session; {@code resume-session}
 * (the session ID) with {@code resume-token} to resume one (also spelt with underscores); the custom
 * {@code _resume_last} says how many messages the client received after WELCOME in that session;</li>
 * <li>the extension {@code _resume}: {@code true}, or {@code {token, last}} to resume.</li>
 * </ul>
 *
 * @param asks    whether the HELLO asks for resumption at all (then the session it gets is resumable)
 * @param token   the token of the session to resume, or null
 * @param session the ID of the session to resume, or 0 when not given
 * @param last    the messages the client received after WELCOME in that session, or -1 when not given
 */
record ResumeAsk(boolean asks, String token, long session, long last) {
    static final String EXTENSION = "_resume";
    static final String RESUMABLE = "resumable";
    static final String LAST = "_resume_last";
    /** Every key of the HELLO's details that speaks of resumption: none reaches the router. */
    private static final List<String> KEYS = List.of(EXTENSION, RESUMABLE, "resume-session", "resume_session",
            "resume-token", "resume_token", LAST);

    static ResumeAsk of(WampMessage.Hello hello) {
        Map<String, Object> d = hello.details();
        Object ext = d.get(EXTENSION);
        String token = first(d, "resume-token", "resume_token") instanceof String s ? s
                : ext instanceof Map<?, ?> m && m.get("token") instanceof String s ? s : null;
        long session = first(d, "resume-session", "resume_session") instanceof Number n ? n.longValue() : 0;
        long last = d.get(LAST) instanceof Number n ? n.longValue()
                : ext instanceof Map<?, ?> m && m.get("last") instanceof Number n ? n.longValue() : -1;
        boolean asks = token != null || Boolean.TRUE.equals(d.get(RESUMABLE))
                || (ext != null && !Boolean.FALSE.equals(ext));
        return new ResumeAsk(asks, token, session, last);
    }

    private static Object first(Map<String, Object> d, String a, String b) {
        Object v = d.get(a);
        return v != null ? v : d.get(b);
    }

    /** The HELLO without the resumption keys, for the router. */
    static WampMessage.Hello strip(WampMessage.Hello h) {
        if (KEYS.stream().noneMatch(h.details()::containsKey)) {
            return h;
        }
        Map<String, Object> d = new LinkedHashMap<>(h.details());
        KEYS.forEach(d::remove);
        return new WampMessage.Hello(h.realm(), d);
    }
}
