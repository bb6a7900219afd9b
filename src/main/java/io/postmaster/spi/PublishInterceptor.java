package io.postmaster.spi;

/**
 * Sees each publication before it is routed (the seed's {@code MessageToPublish}) and may pass it, replace its
 * payload, reject it (ERROR to the publisher with a URI of its choosing) or drop it. Implement it as a CDI bean; with
 * several, they run in ascending {@code @Priority} order, each seeing the previous one's replacement, until one
 * rejects or drops.
 *
 * <p>Threading: called on Postmaster's executor, never on the I/O thread, so it may block (but every publication of
 * the realm waits for it, so keep it quick). For one publisher it is called one publication at a time, in publication
 * order, and the publications are routed in that order; different publishers are intercepted concurrently. Only
 * publications that passed the URI and authorization checks are shown. An interceptor that throws rejects the
 * publication with {@code wamp.error.runtime_error}; the exception is logged, not sent.
 */
public interface PublishInterceptor {
    Verdict intercept(Publication publication) throws Exception;
}
