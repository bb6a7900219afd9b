package io.postmaster.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a CDI bean as a server-side procedure (the seed's {@code RegisterRPC} /
 * {@code RegisterUnauthRPC}): registered when the application starts, called like a remote callee's procedure but
 * in-process, on Postmaster's executor (it may block; calls may run concurrently).
 *
 * <p>Arguments: the call's positional arguments fill the method's parameters in order, each converted to the
 * parameter's type with JSON-B (numbers, strings, records, lists, maps …); a call with keyword arguments and no
 * positional ones fills a single parameter (a record or a map) from them. A parameter of type
 * {@link SessionDetails} receives the caller instead. The return value becomes the RESULT's single argument (none for
 * {@code void} or null). A {@link WampException} becomes that ERROR; any other exception becomes
 * {@code wamp.error.runtime_error} without its message (it is logged on the server); arguments that do not convert
 * give {@code wamp.error.invalid_argument}.
 *
 * <p>Who may call it is declared here and enforced by Postmaster's authorization, instead of the role rules, for this
 * URI: {@link #anonymous()} admits anonymous sessions; {@link #roles()} limits authenticated ones to those roles.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WampProcedure {

    /** The procedure URI. */
    String value();

    /** The realm to register it in; empty (the default) for every realm the router serves. */
    String realm() default "";

    /** Whether anonymous sessions may call it (the seed's {@code RegisterUnauthRPC}). */
    boolean anonymous() default false;

    /** The roles of authenticated sessions that may call it; empty for any role. */
    String[] roles() default {};
}
