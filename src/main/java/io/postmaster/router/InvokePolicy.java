package io.postmaster.router;

import io.postmaster.message.ErrorUris;

import java.util.Locale;

/** How calls are spread over the callees of a shared registration (REGISTER option {@code invoke}). */
enum InvokePolicy {
    /** One callee only; a second REGISTER fails with {@code wamp.error.procedure_already_exists}. The default. */
    SINGLE,
    /** Each call to the next callee in turn. */
    ROUNDROBIN,
    /** Each call to a callee chosen at random. */
    RANDOM,
    /** Every call to the callee that registered first. */
    FIRST,
    /** Every call to the callee that registered last. */
    LAST;

    /**
     * The policy an {@code invoke} option value names; {@link #SINGLE} when absent.
     *
     * @throws Refusal {@code wamp.error.invalid_argument} when it names none
     */
    static InvokePolicy of(Object option) {
        InvokePolicy p = Options.choice(option, InvokePolicy.class, SINGLE);
        if (p == null) {
            throw new Refusal(ErrorUris.INVALID_ARGUMENT, "unknown invocation policy: " + option);
        }
        return p;
    }

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
