package io.postmaster.router;

import java.util.Locale;

/** How calls are spread over the callees of a shared registration (REGISTER option {@code invoke}). */
public enum InvokePolicy {
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

    /** The policy an {@code invoke} option value names, or null. */
    public static InvokePolicy of(Object option) {
        return io.postmaster.router.Options.choice(option, InvokePolicy.class, SINGLE);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
