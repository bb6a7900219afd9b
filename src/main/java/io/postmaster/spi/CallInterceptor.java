package io.postmaster.spi;

/**
 * Sees each CALL before it is routed, with the contract of {@link PublishInterceptor}: pass, replace the arguments,
 * reject (ERROR to the caller) or drop (the caller gets ERROR {@code wamp.error.canceled}: every call ends). Called
 * on Postmaster's executor, one call at a time per caller in call order; an exception rejects the call with
 * {@code wamp.error.runtime_error} and is logged, not sent.
 */
public interface CallInterceptor {
    Verdict intercept(CallRequest call) throws Exception;
}
