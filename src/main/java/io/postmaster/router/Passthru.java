package io.postmaster.router;

import io.postmaster.message.ErrorUris;

import java.util.List;
import java.util.Map;

/**
 * Payload passthru mode (the spec's Advanced Profile): a CALL, PUBLISH or YIELD whose options carry a non-empty
 * {@code ppt_scheme} carries an opaque payload — end-to-end encrypted, or another technology's message — that the
 * router forwards without looking into it: the payload (one binary argument) goes out as it came, and the
 * {@code ppt_scheme}, {@code ppt_serializer}, {@code ppt_cipher} and {@code ppt_keyid} options become the details of
 * the INVOCATION, EVENT and RESULT (a callee's ERROR forwards its details anyway).
 *
 * <p>What the spec says to refuse: passthru from a peer that did not announce {@code payload_passthru_mode} is a
 * protocol violation; a passthru call to a callee, or a passthru result to a caller, that did not announce it is
 * {@code wamp.error.feature_not_supported}. The router also refuses with {@code wamp.error.invalid_argument} what the
 * spec's message structure rules out: {@code ppt_*} values that are not strings, a payload that is not exactly one
 * binary argument, or that has keyword arguments. Nothing is allocated for a message without {@code ppt_scheme}.
 */
final class Passthru {
    /** The options that describe the payload, forwarded as details. */
    static final List<String> ATTRIBUTES = List.of("ppt_scheme", "ppt_serializer", "ppt_cipher", "ppt_keyid");

    private Passthru() {
    }

    /** Whether the options ask for passthru (they carry {@code ppt_scheme}); cheap: one lookup. */
    static boolean requested(Map<String, Object> options) {
        return options.get("ppt_scheme") != null;
    }

    /**
     * Checks a passthru message's attributes and payload.
     *
     * @throws Refusal {@code wamp.error.invalid_argument}, saying what is wrong
     */
    static void check(Map<String, Object> options, List<Object> args, Map<String, Object> kwargs) {
        for (String key : ATTRIBUTES) {
            Object v = options.get(key);
            if (v != null && !(v instanceof String s && !s.isEmpty())) {
                throw new Refusal(ErrorUris.INVALID_ARGUMENT, key + " must be a non-empty string");
            }
        }
        if (args == null || args.size() != 1 || !(args.get(0) instanceof byte[])
                || kwargs != null && !kwargs.isEmpty()) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT,
                    "a payload passthru message carries its payload as one binary argument and no keyword arguments");
        }
    }

    /** Copies the {@code ppt_*} attributes of {@code options} into {@code details}. */
    static void forward(Map<String, Object> options, Map<String, Object> details) {
        for (String key : ATTRIBUTES) {
            Object v = options.get(key);
            if (v != null) {
                details.put(key, v);
            }
        }
    }

    /** {@code base} with the {@code ppt_*} attributes of {@code options} added: a new map. */
    static Map<String, Object> details(Map<String, Object> base, Map<String, Object> options) {
        Map<String, Object> d = new java.util.LinkedHashMap<>(base);
        forward(options, d);
        return d;
    }
}
